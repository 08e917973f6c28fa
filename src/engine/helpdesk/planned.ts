/**
 * Helpdesk actions carried out by a person-scoped run (see run.ts): ad hoc edits and group membership (entitlement
 * overrides; temporary disable is in disable.ts). Each is checked first (check.ts), then recorded so that the next
 * sync keeps it (an override), then applied through the normal plan → journal → audit path.
 */
import { reservedAttributes } from '../../config/forms-check.js';
import { attributeDecision, groupDecision } from '../../core/forms.js';
import { addDays, localDate } from '../../core/lifecycle.js';
import type { AccountState, AttrValue } from '../../core/model.js';
import { entitlementOverrideKey, type Override } from '../../core/overrides.js';
import { sameValue } from '../../core/values.js';
import type { Engine } from '../engine.js';
import { touch } from '../holds.js';
import type { AuditFacts } from './audit.js';
import { checkCall, refuse, type Checked } from './check.js';
import { holdOn, outcomesOf, runForPerson, type PersonRun } from './run.js';
import { HelpdeskError, type ActionOutcome, type EditCall, type GroupsCall } from './types.js';

/** Service options the actions need. */
export interface PlannedOptions {
  readonly actor: string;
  /** How long to wait for a running tick's lease. */
  readonly waitMs: number;
}

const MAX_VALUE = 1024;

/** A submitted value as the target gets it: trimmed text, `null` to clear; anything else is refused. */
function valueOf(attr: string, v: unknown): AttrValue {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw refuse('HELPDESK_VALUE_INVALID', `${attr}: expected text`);
  const t = v.normalize('NFC').trim();
  if (/[\u0000-\u001f\u007f]/.test(t)) throw refuse('HELPDESK_VALUE_INVALID', `${attr}: control characters are not allowed`);
  if (t.length > MAX_VALUE) throw refuse('HELPDESK_VALUE_INVALID', `${attr}: at most ${MAX_VALUE} characters`);
  return t === '' ? null : t;
}

/** Edits and group changes wait while a hold stops the person's operations: say so instead of doing nothing. */
async function refuseHeld(engine: Engine, personId: string, target: string): Promise<void> {
  const h = await holdOn(engine, personId, target);
  if (h) throw refuse('HELPDESK_HELD', `person ${personId} is held in ${target} (${h.reason}, by ${h.actor}): no changes are made while the hold lasts`);
}

/** The expiry of an override set now for `days` days: a last day in the lifecycle time zone. */
function expiry(engine: Engine, days: number | undefined): string | undefined {
  return days === undefined ? undefined : addDays(localDate(engine.now().toISOString(), engine.config.lifecycle.timezone), days);
}

/** Put overrides, returning a function that restores what was there before (a failed run changes nothing). */
async function putOverrides(engine: Engine, list: readonly Override[]): Promise<() => Promise<void>> {
  const before: (Override | undefined)[] = [];
  await engine.store.transaction(async (tx) => {
    for (const o of list) before.push(await tx.overrides.put(o));
    for (const id of new Set(list.map((o) => o.personId))) await touch(tx, id);
  });
  return async () => {
    await engine.store.transaction(async (tx) => {
      for (const [i, o] of list.entries()) {
        const b = before[i];
        if (b) await tx.overrides.put(b);
        else await tx.overrides.remove(o.personId, o.target, o.attribute);
      }
    });
  };
}

/** Throw when an operation of the run for this person and target failed. */
export function mustSucceed(run: PersonRun, personId: string, target: string | undefined, what: (o: { action: string; entitlement?: string; attributes?: string[] }) => boolean): ActionOutcome['operations'] {
  const ops = outcomesOf(run, personId, target);
  const failed = ops.filter((o) => what(o) && o.status !== 'done');
  if (failed.length > 0) {
    throw new HelpdeskError('HELPDESK_APPLY_FAILED', `the change did not reach the target: ${failed.map((o) => `${o.action}${o.entitlement ? ` ${o.entitlement}` : ''} ${o.status}${o.error ? ` (${o.error})` : ''}`).join('; ')}`, false, { runId: run.report.runId, operations: ops });
  }
  return ops;
}

/**
 * Throw when the run planned no operation for a change the call asked for (a plan error for the person, a hold, an
 * ambiguity): the caller must not be told it happened.
 */
function mustHavePlanned(run: PersonRun, personId: string, target: string, missing: readonly string[]): void {
  if (missing.length === 0) return;
  const plan = run.prepared.plan;
  const why = [
    ...plan.errors.filter((e) => e.personId === personId && (e.target === undefined || e.target === target)).map((e) => `${e.code}: ${e.message}`),
    ...plan.held.filter((h) => h.personId === personId && (h.target === target || h.target === '*')).map((h) => `held (${h.kind}): ${h.reason}`),
  ];
  throw new HelpdeskError('HELPDESK_NOT_APPLIED', `nothing was planned for ${missing.join(', ')} in ${target}${why.length > 0 ? `: ${why.join('; ')}` : ''}`, false, { runId: run.report.runId });
}

/** Ad hoc edit: whitelisted attributes, written now; an attribute the rules map is kept by an override. */
export async function editAction(engine: Engine, call: EditCall, opts: PlannedOptions): Promise<{ result: ActionOutcome; facts: AuditFacts }> {
  const checked: Checked<'edit'> = await checkCall(engine, call, 'edit');
  const account = checked.accounts[0] as AccountState;
  const target = account.target;
  const requested = call.attributes !== null && typeof call.attributes === 'object' ? Object.keys(call.attributes) : [];
  const d = attributeDecision(checked.form, requested);
  if (!d.ok) throw refuse(d.code, d.reason);
  const connector = engine.targets.get(target);
  const tcfg = engine.config.targets[target];
  const reserved = reservedAttributes(engine.config, target);
  for (const a of [connector?.correlationAttribute, connector?.addressList?.attribute, ...(connector?.readOnlyAttributes ?? []), ...(connector?.createOnlyAttributes ?? [])]) if (a) reserved.add(a.toLowerCase());
  const names = d.attributes ?? [];
  const bad = names.filter((n) => reserved.has(n.toLowerCase()));
  if (bad.length > 0) throw refuse('HELPDESK_ATTRIBUTE_NOT_ALLOWED', `${bad.join(', ')} cannot be edited in ${target}: Cadre owns it`);
  await refuseHeld(engine, checked.person.id, target);
  const values = new Map(names.map((n, i) => [n, valueOf(n, (call.attributes as Record<string, unknown>)[requested[i] as string])]));
  const mapping = new Map(Object.keys(tcfg?.attributes ?? {}).map((k) => [k.toLowerCase(), k]));
  const now = engine.now().toISOString();
  const expiresAt = expiry(engine, checked.form.overrideDays);
  const reason = `form ${checked.form.id}${call.reason && call.reason.trim() !== '' ? `: ${call.reason.trim().slice(0, 200)}` : ''}`;
  const kept: Override[] = [];
  const once: Override[] = [];
  for (const [name, value] of values) {
    const mapped = mapping.get(name.toLowerCase());
    const o: Override = { personId: checked.person.id, target, attribute: mapped ?? name, value, actor: opts.actor, createdAt: now, reason, ...(mapped !== undefined && expiresAt !== undefined ? { expiresAt } : {}) };
    // Mapped by a rule: keep it, or the next sync reverts the edit. Not mapped: sync never touches it, write it once.
    (mapped !== undefined ? kept : once).push(o);
  }
  const before: Record<string, AttrValue> = {};
  const after: Record<string, AttrValue> = {};
  for (const [name, value] of values) {
    const key = Object.keys(account.attributes).find((k) => k.toLowerCase() === name.toLowerCase());
    before[name] = key === undefined ? null : account.attributes[key] ?? null;
    after[name] = value;
  }
  const restore = await putOverrides(engine, kept);
  let run: PersonRun;
  let operations: ActionOutcome['operations'];
  try {
    run = await runForPerson(engine, checked.person.id, opts.actor, { accounts: [account], extraOverrides: once, waitMs: opts.waitMs });
    const lower = new Set(names.map((n) => n.toLowerCase()));
    operations = mustSucceed(run, checked.person.id, target, (o) => (o.attributes ?? []).some((a) => lower.has(a.toLowerCase())));
    const written = new Set(operations.filter((o) => o.status === 'done').flatMap((o) => o.attributes ?? []).map((a) => a.toLowerCase()));
    mustHavePlanned(run, checked.person.id, target, names.filter((n) => !sameValue(before[n], after[n]) && !written.has(n.toLowerCase())));
  } catch (e) {
    await restore();
    throw e;
  }
  const overrides = kept.map((o) => o.attribute);
  return {
    result: { target, anchor: account.anchor, runId: run.report.runId, operations, overrides },
    facts: { target, anchor: account.anchor, before, after, details: { runId: run.report.runId, overrides, ...(expiresAt !== undefined && kept.length > 0 ? { until: expiresAt } : {}) } },
  };
}

/** Group membership among the form's groups: kept by entitlement overrides, applied now. */
export async function groupsAction(engine: Engine, call: GroupsCall, opts: PlannedOptions): Promise<{ result: ActionOutcome; facts: AuditFacts }> {
  const checked = await checkCall(engine, call, 'groups');
  const account = checked.accounts[0] as AccountState;
  const target = account.target;
  const add = [...new Set(Array.isArray(call.add) ? call.add : [])];
  const remove = [...new Set(Array.isArray(call.remove) ? call.remove : [])];
  if (add.length + remove.length === 0) throw refuse('HELPDESK_NOTHING_TO_DO', 'no group to add or remove');
  const lowerAdd = new Set(add.map((g) => String(g).toLowerCase()));
  if (remove.some((g) => lowerAdd.has(String(g).toLowerCase()))) throw refuse('HELPDESK_VALUE_INVALID', 'a group cannot be added and removed at once');
  const canonical = new Map(checked.form.groups.map((g) => [g.toLowerCase(), g]));
  for (const g of [...add, ...remove]) {
    if (typeof g !== 'string') throw refuse('HELPDESK_VALUE_INVALID', 'group names are text');
    const d = groupDecision(engine.config, checked.form, g);
    if (!d.ok) throw refuse(d.code, d.reason);
  }
  await refuseHeld(engine, checked.person.id, target);
  const name = (g: string): string => canonical.get(g.toLowerCase()) as string;
  const has = new Set(account.entitlements.map((e) => e.toLowerCase()));
  const now = engine.now().toISOString();
  const expiresAt = expiry(engine, checked.form.overrideDays);
  const reason = `form ${checked.form.id}${call.reason && call.reason.trim() !== '' ? `: ${call.reason.trim().slice(0, 200)}` : ''}`;
  const list: Override[] = [
    ...add.map((g) => ({ g: name(g), v: true })),
    ...remove.map((g) => ({ g: name(g), v: false })),
  ].map(({ g, v }) => ({ personId: checked.person.id, target, attribute: entitlementOverrideKey(g), value: v, actor: opts.actor, createdAt: now, reason, ...(expiresAt !== undefined ? { expiresAt } : {}) }));
  const restore = await putOverrides(engine, list);
  let run: PersonRun;
  let operations: ActionOutcome['operations'];
  try {
    run = await runForPerson(engine, checked.person.id, opts.actor, { accounts: [account], waitMs: opts.waitMs });
    const touched = new Set([...add, ...remove].map((g) => g.toLowerCase()));
    operations = mustSucceed(run, checked.person.id, target, (o) => (o.action === 'grant' || o.action === 'revoke') && touched.has((o.entitlement ?? '').toLowerCase()));
    const done = new Set(operations.filter((o) => o.status === 'done').map((o) => `${o.action}:${(o.entitlement ?? '').toLowerCase()}`));
    mustHavePlanned(run, checked.person.id, target, [
      ...add.filter((g) => !has.has(g.toLowerCase()) && !done.has(`grant:${g.toLowerCase()}`)).map((g) => `grant ${name(g)}`),
      ...remove.filter((g) => has.has(g.toLowerCase()) && !done.has(`revoke:${g.toLowerCase()}`)).map((g) => `revoke ${name(g)}`),
    ]);
  } catch (e) {
    await restore();
    throw e;
  }
  const before: Record<string, AttrValue> = {};
  const after: Record<string, AttrValue> = {};
  for (const g of add) { before[name(g)] = has.has(g.toLowerCase()); after[name(g)] = true; }
  for (const g of remove) { before[name(g)] = has.has(g.toLowerCase()); after[name(g)] = false; }
  const overrides = list.map((o) => o.attribute);
  return {
    result: { target, anchor: account.anchor, runId: run.report.runId, operations, overrides },
    facts: { target, anchor: account.anchor, before, after, details: { runId: run.report.runId, added: add.map(name), removed: remove.map(name), ...(expiresAt !== undefined ? { until: expiresAt } : {}) } },
  };
}
