/**
 * The planner: desired state vs known state at time T → an ordered, explained plan. Pure.
 */
import type { TargetConfig } from '../config/schema.js';
import { withFirstSignIn } from './first-sign-in.js';
import { ambiguous, disableOthers, LEAVER_STATES, reportOthers } from './ambiguity.js';
import { catalogBlockers } from './checks.js';
import { accountsOf, buildPlanContext, desiredDetail, matchAccount, personsInScope, type DesiredDetail, type PlanContext } from './desired.js';
import { createOps, diffAccount, makeOp, type RefResolver } from './diff.js';
import { canonicalHasher } from './hash.js';
import { localDate } from './lifecycle.js';
import type { AccountState, DisableRecord, HeldAccount, Operation, Person, Plan, PlanError, Reservation, ThresholdBreach } from './model.js';
import { orderOperations } from './ordering.js';
import type { PlanInput, TargetInfo } from './plan-input.js';
import { managedPredicate } from './rules/entitlements.js';
import { comparePersonIds } from './rules/identifiers.js';
import { LEAVER_SOURCES, loginOf, notifyOps, writeBackOp } from './planner-effects.js';
import { offboardingFor } from './planner-offboarding.js';
import { buildSafeguards, guardAccount, holdDisableReason, holdInPlace } from './safeguards.js';
import { evaluateThresholds, expiringPersons, privilegedPredicate } from './thresholds.js';

export type { PlanInput, TargetInfo } from './plan-input.js';

/**
 * Canonical form as nested arrays (objects become `[key, value, …]` with sorted keys, marked by a
 * leading `0`; arrays get a leading `1`), so one native `JSON.stringify` of the result is canonical.
 */
function canonicalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v === undefined ? null : v;
  if (Array.isArray(v)) {
    const out: unknown[] = [1];
    for (const x of v) out.push(canonicalize(x));
    return out;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  const out: unknown[] = [0];
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    out.push(k, x !== null && typeof x === 'object' ? canonicalize(x) : x);
  }
  return out;
}

/** Fingerprint of the plan inputs (persons, accounts, reservations, config): apply refuses a stale plan. */
export function computeBasis(input: Pick<PlanInput, 'snapshot' | 'accounts' | 'reservations' | 'config' | 'disabled' | 'holds' | 'overrides' | 'history'>): string {
  const persons = [...input.snapshot.persons].sort((a, b) => comparePersonIds(a.id, b.id));
  const accounts = [...input.accounts].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.anchor < b.anchor ? -1 : a.anchor > b.anchor ? 1 : 0));
  const res = [...input.reservations].sort((a, b) => comparePersonIds(a.personId, b.personId) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) || (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
  const h = canonicalHasher();
  h.add({ config: input.config });
  // Item by item: no single multi-megabyte string for 100,000 persons.
  for (const list of [persons, accounts, res] as const) {
    for (const item of list) h.raw(JSON.stringify(canonicalize(item)));
    h.raw('--');
  }
  // Store facts change what is planned (locks, retention, holds, overrides): a plan computed before they changed is stale.
  const facts = [...(input.disabled ?? []).map((d) => ['d', d]), ...(input.holds ?? []).map((x) => ['h', x]), ...(input.overrides ?? []).map((x) => ['o', x])].map((x) => JSON.stringify(canonicalize(x))).sort();
  for (const f of facts) h.raw(f);
  // Remembered earlier records change what a plan does (rehires): a plan computed without them is stale.
  const history = input.history ?? {};
  for (const id of Object.keys(history).sort(comparePersonIds)) {
    const known = history[id] ?? [];
    if (known.length > 0) h.raw(JSON.stringify(canonicalize({ id, known })));
  }
  return h.digest();
}

interface Record_ {
  readonly person: Person;
  readonly target: string;
  readonly detail: DesiredDetail;
  readonly account?: AccountState;
  readonly adopt: boolean;
  readonly adoptVia?: string;
}

export { LEAVER_SOURCES } from './planner-effects.js';

/** Person ids whose records failed validation: never treated as missing from the source. */
function problemIds(input: PlanInput): Set<string> {
  return new Set(input.snapshot.problems.map((p) => p.personId).filter((x): x is string => x !== null));
}

/** Compute the plan. Deterministic for equal inputs (except `createdAt`). */
export function computePlan(input: PlanInput): Plan {
  const ctx = buildPlanContext(input);
  const safe = buildSafeguards(input);
  const held: HeldAccount[] = [];
  const cfg = input.config;
  const errors: PlanError[] = [];
  const ops: Operation[] = [];
  const records: Record_[] = [];
  const inScope = personsInScope(ctx);
  const scopeIds = new Set(inScope.map((p) => p.id));
  const resumed = new Set((input.resumedCreates ?? []).map((r) => `${r.target}\u0000${r.personId}`));

  // Pass 1: desired state and account matching.
  for (const person of inScope) {
    for (const target of ctx.targets) {
      const m = matchAccount(ctx, target, person.id);
      if (m.kind === 'ambiguous') {
        const r = ambiguous(ctx, person, target, m);
        errors.push(r.error);
        ops.push(...r.ops);
        continue;
      }
      let detail: DesiredDetail;
      try {
        detail = desiredDetail(ctx, person, target);
      } catch (e) {
        errors.push({ personId: person.id, target, code: 'RULE_INVALID', message: (e as Error).message });
        continue;
      }
      const hold = safe.hold(person.id, target);
      if (hold?.disable === true && detail.desired.enabled) {
        detail = { ...detail, desired: { ...detail.desired, enabled: false, lifecycle: holdDisableReason(hold) } };
      }
      const account = m.kind === 'none' ? undefined : m.account;
      records.push({ person, target, detail, ...(account ? { account } : {}), adopt: m.kind === 'adopt', ...(m.kind === 'adopt' && m.via ? { adoptVia: m.via } : {}) });
      if (account && LEAVER_STATES.has(detail.lifecycle.state)) ops.push(...disableOthers(ctx, person.id, target, account, detail, errors));
      else if (account && m.kind === 'linked') reportOthers(ctx, person.id, target, account, errors);
    }
  }

  // Pass 2: creates first, so references to accounts created in this plan can wait for them.
  const createIds = new Map<string, string>();
  const toCreate: Record_[] = [];
  for (const r of records) {
    if (r.account || !r.detail.desired.exists) continue;
    const state = r.detail.lifecycle.state;
    if (state !== 'prehire' && state !== 'active' && state !== 'leave') continue;
    const excluded = ctx.accounts.get(r.target)?.excludedBy.get(r.person.id) ?? [];
    if (excluded.length > 0) {
      // The connector would find the excluded account by the correlation id and take it over.
      errors.push({ personId: r.person.id, target: r.target, code: 'CORRELATION_EXCLUDED', message: `excluded account ${excluded.map((e) => `${e.name ?? e.anchor} (${e.rule})`).join(', ')} carries the correlation id of person ${r.person.id}: no account is created in ${r.target} while it does (template the correlation value or clear the id on that account)` });
      continue;
    }
    if (r.detail.missingIdentifiers.length > 0) {
      errors.push({ personId: r.person.id, target: r.target, code: 'IDENTIFIER_MISSING', message: `no reserved ${r.detail.missingIdentifiers.join(', ')} for person ${r.person.id}: the account in ${r.target} cannot be created` });
      continue;
    }
    toCreate.push(r);
  }
  const resolve: RefResolver = (target, personId) => {
    const m = matchAccount(ctx, target, personId);
    if (m.kind === 'linked' || m.kind === 'adopt') return { anchor: m.account.anchor };
    const id = createIds.get(`${target}\u0000${personId}`);
    return id ? { createId: id } : undefined;
  };
  // Create ops never contain pending references, so their ids are known before references resolve.
  const noRefs: RefResolver = (target, personId) => {
    const m = matchAccount(ctx, target, personId);
    return m.kind === 'linked' || m.kind === 'adopt' ? { anchor: m.account.anchor } : undefined;
  };
  for (const r of toCreate) {
    const tcfg = cfg.targets[r.target] as TargetConfig;
    const info = input.targets[r.target] as TargetInfo;
    const { create } = createOps(r.detail, tcfg, info, ctx.ids.get(r.person.id) ?? {}, noRefs);
    createIds.set(`${r.target}\u0000${r.person.id}`, create.id);
  }
  for (const r of toCreate) {
    const tcfg = cfg.targets[r.target] as TargetConfig;
    const info = input.targets[r.target] as TargetInfo;
    const res = createOps(r.detail, tcfg, info, ctx.ids.get(r.person.id) ?? {}, resolve);
    ops.push(withFirstSignIn(res.create, r.person, cfg, input.at), ...res.rest);
  }

  // Pass 3: existing accounts.
  /** Persons whose former accounts come back for a new employment period (joiner mail, new password). */
  const returning = new Set<string>();
  for (const r of records) {
    if (!r.account) continue;
    const state = r.detail.lifecycle.state;
    if (state === 'future') continue; // hire date moved far out: leave the account as it is
    const tcfg = cfg.targets[r.target] as TargetConfig;
    const info = input.targets[r.target] as TargetInfo;
    const record = safe.disabledBy(r.target, r.account.anchor);
    const back = returningAccount(r.detail, r.account, record, cfg.lifecycle.timezone);
    const firstDay = cfg.notifications.passwordDelivery === 'mail-separate' && !back && !r.account.enabled && record?.by === 'cadre' && record.via === 'create';
    const diffed = diffAccount(r.detail, r.account, tcfg, info, resolve, {
      adopt: r.adopt,
      resumed: r.adopt && resumed.has(`${r.target}\u0000${r.person.id}`),
      ...(r.adoptVia ? { adoptVia: r.adoptVia } : {}),
      rehire: back,
      firstDay,
      managed: managedPredicate(cfg, r.target),
    });
    const guarded = guardAccount(diffed, {
      personId: r.person.id, target: r.target, account: r.account, lifecycle: r.detail.lifecycle, tcfg,
      retentionDays: cfg.lifecycle.retentionDays, timeZone: cfg.lifecycle.timezone, supportsEnable: info.capabilities.supportsEnable,
    }, safe);
    // A lock withholds the enable: then nobody is coming back.
    if (back && guarded.ops.some((o) => o.action === 'enable')) returning.add(r.person.id);
    ops.push(...guarded.ops);
    if (guarded.held) held.push(guarded.held);
  }

  // Accounts of persons missing from the source.
  // Loops, not spread: a spread of 100,000+ elements overflows the call stack.
  for (const o of planMissing(ctx, scopeIds, problemIds(input))) ops.push(o);

  // Holds: nothing but disables for held persons and accounts.
  holdInPlace(ops, held, safe, (pid) => !input.onlyPersons || scopeIds.has(pid));

  // Write-back and notifications, after the account operations they report.
  const byPerson = new Map<string, Operation[]>();
  for (const o of ops) {
    const l = byPerson.get(o.personId);
    if (l) l.push(o); else byPerson.set(o.personId, [o]);
  }
  for (const person of inScope) {
    const mine = byPerson.get(person.id) ?? [];
    const wb = safe.hold(person.id, '*') === undefined ? writeBackOp(ctx, person, mine) : undefined;
    if (wb) ops.push(wb);
    ops.push(...notifyOps(ctx, person.id, mine, returning.has(person.id), ctx.lifecycle(person)));
    ops.push(...offboardingFor(ctx, safe, person.id, person, mine, LEAVER_SOURCES, (o) => loginOf(ctx, o)));
  }
  for (const [pid, mine] of byPerson) {
    if (!scopeIds.has(pid)) ops.push(...notifyOps(ctx, pid, mine, false), ...offboardingFor(ctx, safe, pid, undefined, mine, LEAVER_SOURCES, (o) => loginOf(ctx, o)));
  }

  // Unknown groups / OUs refuse the whole plan: a typo must not revoke the real group from everyone.
  const blockers = catalogBlockers(cfg, input.targets, records.map((r) => r.detail.desired));
  const ordered = orderOperations(dedupeIds(ops));
  const population = managedPopulation(ctx);
  const expiring = expiringPersons(ordered, (t) => input.targets[t]?.expiryAttributes);
  const breaches: ThresholdBreach[] = evaluateThresholds(ordered, cfg.thresholds, population, privilegedPredicate(cfg), expiring);
  const summary: Record<string, number> = {};
  for (const o of ordered) summary[o.action] = (summary[o.action] ?? 0) + 1;
  summary['errors'] = errors.length;
  summary['problems'] = input.snapshot.problems.length;
  summary['unmatched'] = countUnmatched(ctx);
  summary['adopted'] = summary['adopt'] ?? 0;
  summary['excluded'] = ctx.excluded.length;
  summary['population'] = population;
  summary['held'] = held.length;
  const reservations: Reservation[] = input.onlyPersons ? input.reservations.filter((r) => scopeIds.has(r.personId)) : [...input.reservations];
  return {
    version: 1,
    at: input.at,
    createdAt: input.createdAt,
    basis: computeBasis(input),
    operations: ordered,
    errors: errors.sort((a, b) => comparePersonIds(a.personId, b.personId) || (a.target ?? '').localeCompare(b.target ?? '')),
    blockers,
    problems: input.snapshot.problems,
    breaches,
    held: held.sort((a, b) => comparePersonIds(a.personId, b.personId) || a.target.localeCompare(b.target)),
    excluded: ctx.excluded,
    reservations,
    summary,
  };
}

/**
 * Whether a disabled account comes back for a new employment period: the person has an earlier period and the
 * current one is in force (not still working out the old one). Such an account gets a new initial password and its
 * owner the joiner mail; an account re-enabled within the same period (e.g. after a corrected end date) does not.
 */
function returningAccount(detail: DesiredDetail, account: AccountState, record: DisableRecord | undefined, timeZone: string): boolean {
  const lc = detail.lifecycle;
  if (!lc.rehire || lc.rehireOn !== undefined || lc.state === 'prehire' || account.enabled) return false;
  // Disabled by Cadre since the current period began (a mistyped end date HR corrected): the same employment goes
  // on, and so does the password. Created disabled before day one: a new account, its password was mailed then.
  const start = detail.lifecycle.periodStart;
  if (record?.by === 'cadre' && (record.via === 'create' || (start !== undefined && localDate(record.at, timeZone) >= start))) return false;
  return true;
}

/** Disable (never delete) accounts linked to persons no longer in the source. */
function planMissing(ctx: PlanContext, scope: ReadonlySet<string>, problems: ReadonlySet<string>): Operation[] {
  const cfg = ctx.config;
  const out: Operation[] = [];
  if (!cfg.lifecycle.missingIsLeaver || !ctx.input.snapshot.complete) return out;
  const only = ctx.input.onlyPersons ? new Set(ctx.input.onlyPersons) : undefined;
  for (const target of ctx.targets) {
    const idx = ctx.accounts.get(target);
    const info = ctx.input.targets[target] as TargetInfo;
    if (!idx || !info.capabilities.supportsEnable) continue;
    for (const pid of idx.linked.keys()) {
      if (ctx.persons.has(pid) || problems.has(pid) || scope.has(pid)) continue;
      if (only && !only.has(pid)) continue;
      // Every account that belongs to the person: linked ones and further ones carrying the id.
      for (const a of accountsOf(ctx, target, pid)) {
        if (!a.enabled) continue;
        out.push(makeOp({
          target, action: 'disable', personId: pid, anchor: a.anchor,
          changes: [{ attribute: 'enabled', from: true, to: false }],
          reason: { kind: 'lifecycle', source: 'missing-from-source', detail: 'the person is no longer in the HR source (missingIsLeaver): disabled, never deleted on that basis' },
        }));
      }
    }
  }
  return out;
}

/** Make ids unique (identical drafts can occur for duplicate accounts); keeps the first as is. */
function dedupeIds(ops: Operation[]): Operation[] {
  const seen = new Map<string, number>();
  return ops.map((o) => {
    const n = seen.get(o.id) ?? 0;
    seen.set(o.id, n + 1);
    return n === 0 ? o : { ...o, id: `${o.id.slice(0, 13)}~${n.toString(36).padStart(2, '0')}` };
  });
}

/** Managed population for thresholds: max(snapshot size, persons with at least one known account). */
function managedPopulation(ctx: PlanContext): number {
  const withAccount = new Set<string>();
  for (const idx of ctx.accounts.values()) {
    for (const k of idx.linked.keys()) withAccount.add(k);
    for (const k of idx.correlated.keys()) if (ctx.persons.has(k)) withAccount.add(k);
  }
  return Math.max(ctx.input.snapshot.persons.length, withAccount.size);
}

/** Accounts that belong to no person (neither linked nor correlated to a known person). */
function countUnmatched(ctx: PlanContext): number {
  let n = 0;
  for (const idx of ctx.accounts.values()) {
    for (const a of idx.all) {
      if (a.personId !== undefined) continue;
      const pid = a.correlation === undefined || a.correlation === '' ? undefined : idx.codec.parse(a.correlation);
      if (pid === undefined || !ctx.persons.has(pid)) n++;
    }
  }
  return n;
}
