/**
 * `cadre explain PERSON`: why a person has (or will get) what, per target, with the rules behind it.
 */
import { terminalSafe } from './plan-format.js';
import { describeOffboarding } from './offboarding.js';
import type { TargetConfig } from '../config/schema.js';
import { buildPlanContext, desiredDetail, matchAccount } from './desired.js';
import { localDate } from './lifecycle.js';
import type { AttrValue, HeldAccount, Hold, LifecycleState, Operation, Person, PlanError, PlanExclusion, Reason, Reservation } from './model.js';
import { periodsOf } from './periods.js';
import { overrideActive, type Override } from './overrides.js';
import type { PlanInput } from './plan-input.js';
import { computePlan } from './planner.js';
import { buildSafeguards } from './safeguards.js';

/** Explanation of one target for one person. */
export interface TargetExplanation {
  readonly target: string;
  /** `linked`, `adopt` (found by correlation), `none`, `ambiguous`, or `error`. */
  readonly account: 'linked' | 'adopt' | 'none' | 'ambiguous' | 'error';
  readonly anchor?: string;
  /** For `adopt` by secondary correlation: the attribute that found the account. */
  readonly adoptedVia?: string;
  readonly exists: boolean;
  /** Whether the rules want the account enabled (see `accountEnabled` for what it is now). */
  readonly enabled: boolean;
  /** The account's state now, when it exists (a manual lock: disabled although the rules want it enabled). */
  readonly accountEnabled?: boolean;
  readonly lifecycle: Reason;
  readonly container?: string;
  readonly placement: Reason;
  readonly attributes: readonly { readonly name: string; readonly value: AttrValue; readonly current?: AttrValue; readonly source: string; readonly reason: Reason }[];
  readonly entitlements: readonly { readonly name: string; readonly rule: string; readonly because: string; readonly held: boolean; readonly kind?: Reason['kind'] }[];
  /** Held entitlements no rule grants any more (managed) or never touched (unmanaged). */
  readonly extraEntitlements: readonly string[];
  /** Entitlements an override keeps removed (a helpdesk form), with who removed them and until when. */
  readonly removedEntitlements?: readonly { readonly name: string; readonly because: string; readonly kind?: Reason['kind'] }[];
  /** Accounts here that carry the person's id or link but are excluded: never touched. */
  readonly excluded: readonly PlanExclusion[];
  readonly error?: string;
}

/** Full explanation of a person. */
export interface Explanation {
  readonly personId: string;
  readonly found: boolean;
  readonly name?: string;
  readonly at: string;
  readonly lifecycle?: {
    readonly state: LifecycleState;
    readonly reason: Reason;
    readonly endDate?: string;
    /** The field that decided the end date, e.g. `last_working_day 2026-03-10 (disableAt: earliest)`. */
    readonly endBy?: string;
    readonly enableOn?: string;
    readonly rehireOn?: string;
    readonly deleteOn?: string;
    readonly retentionFrom?: string;
    /** The offboarding steps (`lifecycle.offboarding`) run when access ends, the delayed delete last. */
    readonly offboarding?: readonly string[];
    /** Employment periods, the earlier one first: start (hire date) and the end that closes access. */
    readonly periods: readonly { readonly start?: string; readonly end?: string; readonly endBy?: string }[];
  };
  readonly identifiers: readonly Reservation[];
  readonly targets: readonly TargetExplanation[];
  readonly operations: readonly Operation[];
  readonly errors: readonly PlanError[];
  /** Holds in force for the person at `at`. */
  readonly holds: readonly Hold[];
  /** Accounts held by a hold, a manual lock or the retention, with what is withheld. */
  readonly held: readonly HeldAccount[];
  /** The person's overrides (helpdesk edits, form groups), expired ones marked: in force ones replace the rules' values. */
  readonly overrides?: readonly (Override & { readonly active: boolean })[];
}

/** Explain one person as of `input.at`. */
export function explainPerson(personId: string, input: PlanInput): Explanation {
  const ctx = buildPlanContext(input);
  const person = ctx.persons.get(personId);
  const identifiers = input.reservations.filter((r) => r.personId === personId);
  const plan = computePlan({ ...input, onlyPersons: [personId] });
  const operations = plan.operations.filter((o) => o.personId === personId);
  const errors = plan.errors.filter((e) => e.personId === personId);
  const holds = buildSafeguards(input).holds.filter((h) => h.personId === personId);
  const held = plan.held.filter((h) => h.personId === personId);
  const tz = input.config.lifecycle.timezone;
  const mine = (input.overrides ?? []).filter((o) => o.personId === personId);
  const overrides = mine.length === 0 ? {} : { overrides: mine.map((o) => ({ ...o, active: overrideActive(o, input.at, tz) })) };
  if (!person) {
    return { personId, found: false, at: input.at, identifiers, targets: [], operations, errors, holds, held, ...overrides };
  }
  const lc = ctx.lifecycle(person);
  const targets: TargetExplanation[] = [];
  for (const target of ctx.targets) {
    const m = matchAccount(ctx, target, personId);
    const account = m.kind === 'linked' || m.kind === 'adopt' ? m.account : undefined;
    const excluded = ctx.accounts.get(target)?.excludedBy.get(personId) ?? [];
    try {
      const d = desiredDetail(ctx, person, target);
      const tcfg = ctx.config.targets[target] as TargetConfig;
      const held = new Set((account?.entitlements ?? []).map((e) => e.toLowerCase()));
      const granted = new Set(d.desired.entitlements.map((g) => g.name.toLowerCase()));
      const removed = new Set((d.removedEntitlements ?? []).map((g) => g.name.toLowerCase()));
      targets.push({
        target,
        account: m.kind,
        ...(account ? { anchor: account.anchor } : {}),
        ...(m.kind === 'adopt' && m.via ? { adoptedVia: m.via } : {}),
        exists: d.desired.exists,
        enabled: d.desired.enabled,
        ...(account ? { accountEnabled: account.enabled } : {}),
        lifecycle: d.desired.lifecycle,
        ...(d.desired.container !== undefined ? { container: d.desired.container } : {}),
        placement: d.placement.reason,
        attributes: Object.keys(d.desired.attributes).sort().map((name) => ({
          name,
          value: d.desired.attributes[name] as AttrValue,
          ...(account && name in account.attributes ? { current: account.attributes[name] as AttrValue } : {}),
          source: d.sources[name] ?? tcfg.attributes[name] ?? '',
          reason: d.desired.attributeReasons[name] as Reason,
        })),
        entitlements: d.desired.entitlements.map((g) => ({ name: g.name, rule: g.reason.source, because: g.reason.detail, held: held.has(g.name.toLowerCase()), ...(g.reason.kind !== 'rule' ? { kind: g.reason.kind } : {}) })),
        extraEntitlements: [...(account?.entitlements ?? []), ...(account?.unmanaged ?? [])].filter((e) => !granted.has(e.toLowerCase()) && !removed.has(e.toLowerCase())),
        ...(d.removedEntitlements ? { removedEntitlements: d.removedEntitlements.map((g) => ({ name: g.name, because: g.reason.detail, ...(g.reason.kind !== 'manual' ? { kind: g.reason.kind } : {}) })) } : {}),
        excluded,
      });
    } catch (e) {
      targets.push({
        target, account: 'error', exists: false, enabled: false, lifecycle: lc.reason,
        placement: { kind: 'placement', source: 'error', detail: '' }, attributes: [], entitlements: [], extraEntitlements: [], excluded, error: (e as Error).message,
      });
    }
  }
  return {
    personId,
    found: true,
    name: `${person.preferredName ?? person.firstName} ${person.lastName}`,
    at: input.at,
    lifecycle: {
      state: lc.state, reason: lc.reason,
      ...(lc.endDate !== undefined ? { endDate: lc.endDate } : {}),
      ...(lc.endBy !== undefined ? { endBy: lc.endBy } : {}),
      ...(lc.enableOn !== undefined ? { enableOn: lc.enableOn } : {}),
      ...(lc.rehireOn !== undefined ? { rehireOn: lc.rehireOn } : {}),
      ...(lc.deleteOn !== undefined ? { deleteOn: lc.deleteOn } : {}),
      ...(lc.retentionFrom !== undefined ? { retentionFrom: lc.retentionFrom } : {}),
      ...(lc.endDate !== undefined && input.config.lifecycle.offboarding.length > 0 ? { offboarding: describeOffboarding(input.config.lifecycle.offboarding, lc.deleteOn) } : {}),
      periods: periodList(person, input),
    },
    identifiers,
    targets,
    operations,
    errors,
    holds,
    held,
    ...overrides,
  };
}

function periodList(person: Person, input: PlanInput): { start?: string; end?: string; endBy?: string }[] {
  const cfg = input.config.lifecycle;
  const { current, previous } = periodsOf(person, input.history?.[person.id] ?? [], cfg.disableAt, (at) => localDate(at, cfg.timezone));
  return [...(previous ? [previous] : []), current].map((p) => ({
    ...(p.start !== undefined ? { start: p.start } : {}),
    ...(p.end ? { end: p.end.date, endBy: p.end.text } : {}),
  }));
}

const show = (v: AttrValue | undefined): string => (v === undefined ? '(unset)' : JSON.stringify(v));

/** Human-readable explanation. */
export function formatExplanation(e: Explanation): string {
  return terminalSafe(explanationText(e));
}

function explanationText(e: Explanation): string {
  const lines: string[] = [];
  if (!e.found) {
    lines.push(`Person ${e.personId} is not in the HR snapshot (as of ${e.at}).`);
  } else {
    lines.push(`${e.name} (${e.personId}) as of ${e.at}`);
    const l = e.lifecycle;
    if (l) {
      lines.push(`  lifecycle: ${l.state} — ${l.reason.detail}`);
      if (l.enableOn) lines.push(`  enabled on: ${l.enableOn}`);
      if (l.endDate) lines.push(`  access ends after: ${l.endBy ?? l.endDate}`);
      if (l.rehireOn) lines.push(`  rehired from: ${l.rehireOn}`);
      if (l.offboarding) lines.push('  offboarding when access ends:', ...l.offboarding.map((x, i) => `    ${i + 1}. ${x}`));
      if (l.deleteOn) lines.push(`  accounts deleted on: ${l.deleteOn}${l.retentionFrom ? ` (retention counted from ${l.retentionFrom}, the latest end date)` : ''}`);
      if (l.periods.length > 1 || l.periods.some((p) => p.end !== undefined)) {
        lines.push('  employment periods:');
        for (const p of l.periods) lines.push(`    ${p.start ?? '(start unknown)'} → ${p.endBy ?? 'open-ended'}`);
      }
    }
  }
  if (e.identifiers.length > 0) {
    lines.push('  identifiers:');
    for (const r of e.identifiers) lines.push(`    ${r.kind}: ${r.value}${r.status === 'alias' ? ' (alias, former value)' : ''}`);
  }
  for (const t of e.targets) {
    lines.push('');
    const acct = t.account === 'none' ? 'no account yet' : t.account === 'adopt' ? `existing account ${t.anchor} (adopted by ${t.adoptedVia ? `its ${t.adoptedVia}` : 'correlation'})` : t.account === 'linked' ? `account ${t.anchor}` : t.account;
    lines.push(`  [${t.target}] ${acct}`);
    for (const x of t.excluded) lines.push(`    excluded: ${x.name ?? x.anchor} is never touched — ${x.rule}`);
    if (t.error) { lines.push(`    error: ${t.error}`); continue; }
    // The rules' verdict, and what the account is now when that differs (a lock, a disable not yet applied).
    const now = t.accountEnabled !== undefined && t.exists && t.accountEnabled !== t.enabled ? ` (now ${t.accountEnabled ? 'enabled' : 'disabled'}${t.accountEnabled ? '' : e.held.some((h) => h.target === t.target) ? ': held, see below' : ''})` : '';
    lines.push(`    ${t.exists ? (t.enabled ? 'exists, enabled' : 'exists, disabled') : 'no account'}${now} — ${t.lifecycle.detail}`);
    lines.push(`    container: ${t.container ?? '(not placed)'} — ${t.placement.detail}`);
    if (t.attributes.length > 0) lines.push('    attributes:');
    for (const a of t.attributes) {
      const cur = a.current !== undefined && JSON.stringify(a.current) !== JSON.stringify(a.value) ? ` (now ${show(a.current)})` : '';
      const why = a.reason.kind === 'manual' && a.reason.source === 'override' ? `override: ${a.reason.detail}` : a.source;
      lines.push(`      ${a.name} = ${show(a.value)}${cur}  ← ${why}`);
    }
    if (t.entitlements.length > 0) lines.push('    entitlements:');
    for (const g of t.entitlements) lines.push(`      ${g.name}${g.held ? '' : ' (to grant)'}  ← ${g.kind === 'request' ? g.because : g.rule === 'override' ? `override: ${g.because}` : `rule "${g.rule}": ${g.because}`}`);
    for (const x of t.removedEntitlements ?? []) lines.push(`      ${x.name}  (removed, kept removed) ← ${x.kind === 'review' ? `review ${x.because}` : `override: ${x.because}`}`);
    for (const x of t.extraEntitlements) lines.push(`      ${x}  (held, granted by no rule)`);
  }
  if (e.holds.length > 0) {
    lines.push('', '  holds:');
    for (const h of e.holds) {
      lines.push(`    ${h.target ?? 'every target'}: ${h.reason} (by ${h.actor} on ${h.createdAt}${h.until !== undefined ? `, until ${h.until}` : ''}${h.disable === true ? ', kept disabled' : ''})`);
    }
  }
  if (e.overrides && e.overrides.length > 0) {
    lines.push('', '  overrides:');
    for (const o of e.overrides) {
      lines.push(`    ${o.target} ${o.attribute} = ${show(o.value)} (by ${o.actor} on ${o.createdAt}${o.expiresAt !== undefined ? `, until ${o.expiresAt}` : ''}${o.reason ? `: ${o.reason}` : ''})${o.active ? '' : ' — expired'}`);
    }
  }
  if (e.held.length > 0) {
    lines.push('', '  held:');
    for (const h of e.held) {
      lines.push(`    HELD ${h.target === '*' ? 'every target' : h.target} (${h.kind})${h.withheld.length > 0 ? ` withheld: ${h.withheld.join(', ')}` : ''} — ${h.reason}`);
    }
  }
  if (e.errors.length > 0) {
    lines.push('', '  errors:');
    for (const er of e.errors) lines.push(`    ${er.target ?? ''} ${er.code}: ${er.message}`);
  }
  lines.push('', e.operations.length === 0 ? '  pending operations: none' : '  pending operations:');
  for (const o of e.operations) {
    const what = o.action === 'offboard' ? `${o.undo === true ? 'undo ' : ''}${o.step}` : o.entitlement ?? o.changes.map((c) => c.attribute).join(', ');
    lines.push(`    ${o.action} ${o.target}${what ? ` ${what}` : ''} — ${o.reason.detail}`);
  }
  return lines.join('\n');
}
