/**
 * Human decisions and store facts the planner respects: holds, manual locks and "delete only what Cadre
 * disabled, after the retention". Pure: the store's records and the instant come in through the plan input.
 */
import type { TargetConfig } from '../config/schema.js';
import { makeOp } from './diff.js';
import { addDays, localDate, type LifecycleInfo } from './lifecycle.js';
import type { AccountState, Action, DisableRecord, HeldAccount, Hold, Operation } from './model.js';
import type { PlanInput } from './plan-input.js';

/** Key of a hold on every target of a person. */
const ALL = '*';

/** Lookups over the store facts of one plan. */
export interface Safeguards {
  /** Who disabled this account, as the store remembers it. */
  disabledBy(target: string, anchor: string): DisableRecord | undefined;
  /** The hold that applies to the person's account in `target` (an account hold wins over a person hold). */
  hold(personId: string, target: string): Hold | undefined;
  /** Every hold in force at the plan instant. */
  readonly holds: readonly Hold[];
}

/**
 * Whether a hold is still in force at `at`: `until` is a last day (`YYYY-MM-DD`, inclusive, local time in
 * `timeZone`) or an instant.
 */
export function holdActive(hold: Hold, at: string, timeZone: string): boolean {
  if (hold.until === undefined) return true;
  if (/^\d{4}-\d{2}-\d{2}$/.test(hold.until)) return localDate(at, timeZone) <= hold.until;
  return Date.parse(at) < Date.parse(hold.until);
}

/** Persons whose hold starts or ends to apply between two instants (the daemon's incremental tick plans them). */
export function holdTransitions(holds: readonly Hold[], from: string, to: string, timeZone: string): string[] {
  return [...new Set(holds.filter((h) => holdActive(h, from, timeZone) !== holdActive(h, to, timeZone)).map((h) => h.personId))];
}

/** Index the plan input's disable records and the holds in force at its instant. */
export function buildSafeguards(input: PlanInput): Safeguards {
  const tz = input.config.lifecycle.timezone;
  const disabled = new Map<string, DisableRecord>();
  for (const r of input.disabled ?? []) disabled.set(`${r.target}\u0000${r.anchor}`, r);
  const holds = (input.holds ?? []).filter((h) => holdActive(h, input.at, tz));
  const byKey = new Map<string, Hold>();
  for (const h of holds) byKey.set(`${h.personId}\u0000${h.target ?? ALL}`, h);
  return {
    holds,
    disabledBy: (target, anchor) => disabled.get(`${target}\u0000${anchor}`),
    hold: (personId, target) => byKey.get(`${personId}\u0000${target}`) ?? byKey.get(`${personId}\u0000${ALL}`),
  };
}

const describeHold = (h: Hold): string =>
  `hold by ${h.actor}${h.target === undefined ? ' on every target' : ''}: ${h.reason}${h.until !== undefined ? ` (until ${h.until})` : ''}`;

/** What one account of a person looks like to {@link guardAccount}. */
export interface GuardedAccount {
  readonly personId: string;
  readonly target: string;
  readonly account: AccountState;
  readonly lifecycle: LifecycleInfo;
  readonly tcfg: TargetConfig;
  readonly retentionDays: number;
  readonly timeZone: string;
  readonly supportsEnable: boolean;
}

/**
 * Manual locks and retention for the operations planned on one existing account:
 * - an `enable` of an account Cadre did not disable (or any re-enable under `reenable: never`) is withheld, with
 *   the rehire password that goes with it;
 * - a `delete` of an enabled account becomes a disable (the deletion follows the retention counted from it), and
 *   a delete of a disabled account waits until Cadre's own disable is `retentionDays` old; an account disabled
 *   outside Cadre is never deleted.
 */
export function guardAccount(ops: readonly Operation[], g: GuardedAccount, safe: Safeguards): { ops: Operation[]; held?: HeldAccount } {
  const { account } = g;
  const record = safe.disabledBy(g.target, account.anchor);
  const base = { personId: g.personId, target: g.target, anchor: account.anchor };
  const enable = ops.find((o) => o.action === 'enable');
  if (enable && !account.enabled) {
    const policy = g.tcfg.reenable;
    const byCadre = record?.by === 'cadre';
    const allowed = policy === 'always' || (byCadre && (policy === 'ifDisabledByCadre' || record.via === 'create'));
    if (!allowed) {
      const withheld: Action[] = ops.filter((o) => o.action === 'enable' || o.action === 'setPassword').map((o) => o.action);
      const since = record?.by === 'observed' ? ` (seen disabled since ${record.at})` : '';
      const reason = byCadre
        ? `disabled by Cadre on ${record.at}; reenable: never keeps it disabled: enable it by hand`
        : `disabled outside Cadre${since}: a manual lock is not re-enabled (reenable: ${policy}); enable it by hand to lift it`;
      return { ops: ops.filter((o) => o.action !== 'enable' && o.action !== 'setPassword'), held: { ...base, kind: 'lock', reason, withheld } };
    }
  }
  const del = ops.find((o) => o.action === 'delete');
  if (!del || !g.supportsEnable) return { ops: [...ops] };
  const rest = ops.filter((o) => o !== del);
  if (account.enabled) {
    const deleteOn = addDays(g.lifecycle.today, g.retentionDays);
    const disable = makeOp({
      target: g.target, action: 'disable', personId: g.personId, anchor: account.anchor,
      changes: [{ attribute: 'enabled', from: true, to: false }],
      reason: { kind: 'lifecycle', source: 'gone', detail: `${del.reason.detail}, but the account is still enabled: it is disabled now and deleted ${g.retentionDays} day(s) after that (not before ${deleteOn}), so a mistyped end date can still be corrected` },
      ...(g.lifecycle.endDate !== undefined ? { endDate: g.lifecycle.endDate, lifecycle: g.lifecycle.state } : {}),
    });
    return { ops: [...rest, disable] };
  }
  if (record?.by !== 'cadre') {
    return { ops: rest, held: { ...base, kind: 'lock', withheld: ['delete'], reason: 'disabled outside Cadre: Cadre deletes only accounts it disabled itself; delete it by hand' } };
  }
  const deleteOn = addDays(localDate(record.at, g.timeZone), g.retentionDays);
  if (g.lifecycle.today >= deleteOn) return { ops: [...ops] };
  return {
    ops: rest,
    held: { ...base, kind: 'retention', withheld: ['delete'], until: deleteOn, reason: `disabled by Cadre on ${record.at}: deleted on ${deleteOn}, ${g.retentionDays} day(s) after the disable` },
  };
}

/**
 * Withhold every account operation of held persons and accounts except disables, and whatever depends on a
 * withheld operation (e.g. a reference to a held manager's account that is not created). Every hold in force for
 * a person in scope is listed, also when nothing had to be withheld.
 */
export function applyHolds(ops: readonly Operation[], safe: Safeguards, inScope: (personId: string) => boolean): { ops: Operation[]; held: HeldAccount[] } {
  if (safe.holds.length === 0) return { ops: [...ops], held: [] };
  const dropped = new Set<string>();
  const withheld = new Map<string, HeldAccount & { withheld: Action[] }>();
  const used = new Set<Hold>();
  let out: Operation[] = [];
  for (const o of ops) {
    const h = safe.hold(o.personId, o.target);
    if (!h || o.action === 'disable') { out.push(o); continue; }
    dropped.add(o.id);
    used.add(h);
    const k = `${o.personId}\u0000${o.target}`;
    const w = withheld.get(k) ?? {
      personId: o.personId, target: o.target, ...(o.anchor !== undefined ? { anchor: o.anchor } : {}), kind: 'hold' as const,
      reason: describeHold(h), withheld: [], ...(h.until !== undefined ? { until: h.until } : {}),
    };
    if (!w.withheld.includes(o.action)) w.withheld.push(o.action);
    withheld.set(k, w);
  }
  // Dependants of withheld operations wait with them (to a fixpoint: chains are short).
  for (let changed = true; changed;) {
    changed = false;
    const next: Operation[] = [];
    for (const o of out) {
      if (o.dependsOn.some((d) => dropped.has(d))) { dropped.add(o.id); changed = true; } else next.push(o);
    }
    out = next;
  }
  const held: HeldAccount[] = [...withheld.values()];
  for (const h of safe.holds) {
    if (used.has(h) || !inScope(h.personId)) continue;
    held.push({ personId: h.personId, target: h.target ?? '*', kind: 'hold', reason: describeHold(h), withheld: [], ...(h.until !== undefined ? { until: h.until } : {}) });
  }
  return { ops: out, held };
}

/**
 * {@link applyHolds} on the plan's operation list in place, adding the held accounts to `held`. Loops, not spread:
 * `ops.splice(0, ops.length, ...kept)` of a 20,000-person initial plan (179,112 operations) overflowed the call stack.
 */
export function holdInPlace(ops: Operation[], held: HeldAccount[], safe: Safeguards, inScope: (personId: string) => boolean): void {
  const after = applyHolds(ops, safe, inScope);
  ops.length = 0;
  for (const o of after.ops) ops.push(o);
  for (const h of after.held) held.push(h);
}

/** Reason of the disable a temporary-disable hold asks for. */
export function holdDisableReason(h: Hold): { kind: 'manual'; source: string; detail: string } {
  return { kind: 'manual', source: 'hold', detail: `${describeHold(h)}: kept disabled while the hold lasts` };
}
