/**
 * Safety thresholds: limits per action and per target, as counts and as percentages of the managed
 * population. A plan over a limit is blocked as a whole (the engine enforces; this only evaluates).
 */
import type { CadreConfig, ThresholdsConfig } from '../config/schema.js';
import { globMatcher } from './glob.js';
import type { Action, Operation, ThresholdBreach } from './model.js';
import { NOTIFY_TARGET, WRITEBACK_TARGET } from './plan-input.js';

/**
 * Actions `thresholds.default` applies to without being configured explicitly: the destructive ones, and `enable`
 * (mass re-enabling after an HR mistake is as dangerous as mass disabling). `adopt` has `thresholds.adopt`.
 */
export const DESTRUCTIVE_ACTIONS: readonly Action[] = ['enable', 'disable', 'offboard', 'delete', 'revoke', 'move', 'rename'];

/** Which privileged pattern an entitlement granted in a target matches, if any. */
export type PrivilegedTest = (target: string, entitlement: string) => string | undefined;

type Limit = { count?: number; percent?: number };

/** A point in time of an expiry value: AD FILETIME (100 ns since 1601; 0 and 2^63-1 mean never) or an ISO date. */
function expiryInstant(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) v = String(Math.trunc(v));
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) {
    const n = BigInt(s);
    return n === 0n || n >= 9223372036854775807n ? undefined : n / 10_000n - 11_644_473_600_000n;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : BigInt(t);
}

/**
 * Updates that set an account's expiry, or bring it forward, in an attribute the target enforces itself (AD
 * `accountExpires`): the directory disables the account at that instant, so these count as disables of the
 * person. Without this a mass leave entered in advance passed the thresholds as harmless updates and the
 * directory then locked everyone out on the day, although the disables themselves would have been blocked.
 */
export function expiringPersons(ops: readonly Operation[], expiryAttributes: (target: string) => readonly string[] | undefined): { target: string; personId: string }[] {
  const out: { target: string; personId: string }[] = [];
  for (const o of ops) {
    if (o.action !== 'update') continue;
    const attrs = expiryAttributes(o.target)?.map((a) => a.toLowerCase());
    if (!attrs || attrs.length === 0) continue;
    const sets = o.changes.some((c) => {
      if (!attrs.includes(c.attribute.toLowerCase())) return false;
      const to = expiryInstant(c.to);
      if (to === undefined) return false;
      const from = expiryInstant(c.from);
      return from === undefined || to < from;
    });
    if (sets) out.push({ target: o.target, personId: o.personId });
  }
  return out;
}

/**
 * Evaluate thresholds. Counted per target and action as the number of distinct persons affected
 * (ten revoked groups of one mover are one person). The most specific limit applies:
 * `targets.<t>.<action>` > `actions.<action>` > `default` (the default only for destructive actions).
 */
export function evaluateThresholds(ops: readonly ThresholdOp[], thresholds: ThresholdsConfig, population: number, privileged?: PrivilegedTest, expiring: readonly { target: string; personId: string }[] = []): ThresholdBreach[] {
  const counted = new Map<string, { target: string; action: Action; persons: Set<string>; expiring?: Set<string> }>();
  // Privileged grants need approval however few: one breach per target, naming the entitlements.
  const priv = new Map<string, { persons: Set<string>; names: Set<string>; patterns: Set<string> }>();
  for (const o of ops) {
    if (o.target === NOTIFY_TARGET) continue;
    // Linking an account an interrupted run created is crash recovery, not a take-over to review.
    if (o.action === 'adopt' && o.resumed === true) continue;
    const pattern = o.action === 'grant' && o.entitlement !== undefined ? privileged?.(o.target, o.entitlement) : undefined;
    if (pattern !== undefined) {
      let p = priv.get(o.target);
      if (!p) { p = { persons: new Set(), names: new Set(), patterns: new Set() }; priv.set(o.target, p); }
      p.persons.add(o.personId);
      p.names.add(o.entitlement as string);
      p.patterns.add(pattern);
    }
    const key = `${o.target}\u0000${o.action}`;
    let e = counted.get(key);
    if (!e) { e = { target: o.target, action: o.action, persons: new Set() }; counted.set(key, e); }
    e.persons.add(o.personId);
  }
  // An expiry set is a disable the directory carries out at the end date (see expiringPersons).
  for (const x of expiring) {
    const key = `${x.target}\u0000disable`;
    let e = counted.get(key);
    if (!e) { e = { target: x.target, action: 'disable', persons: new Set() }; counted.set(key, e); }
    e.persons.add(x.personId);
    (e.expiring ??= new Set()).add(x.personId);
  }
  const out: ThresholdBreach[] = [];
  const pop = Math.max(0, population);
  for (const { target, action, persons, expiring: byExpiry } of counted.values()) {
    const specific = thresholds.targets[target]?.[action];
    const perAction = thresholds.actions[action];
    let limit: Limit | undefined;
    let where: string;
    if (specific) { limit = specific; where = `thresholds.targets.${target}.${action}`; } else if (perAction) { limit = perAction; where = `thresholds.actions.${action}`; } else if (action === 'adopt') { limit = thresholds.adopt; where = 'thresholds.adopt'; } else if (DESTRUCTIVE_ACTIONS.includes(action) && target !== WRITEBACK_TARGET) { limit = thresholds.default; where = 'thresholds.default'; } else continue;
    const count = persons.size;
    const overCount = limit.count !== undefined && count > limit.count;
    const pct = pop > 0 ? (count / pop) * 100 : count > 0 ? Infinity : 0;
    const overPercent = limit.percent !== undefined && count >= thresholds.percentMinCount && pct > limit.percent;
    if (!overCount && !overPercent) continue;
    const parts: string[] = [];
    if (overCount) parts.push(`count ${count} > ${limit.count}`);
    if (overPercent) parts.push(`${Number.isFinite(pct) ? pct.toFixed(1) : '∞'}% of ${pop} > ${limit.percent}%`);
    const note = byExpiry && byExpiry.size > 0 ? ` (${byExpiry.size} of them by an account expiry date set, which the target enforces itself)` : '';
    out.push({ action, target, count, population: pop, limit: `${where}: ${parts.join(', ')}${note}` });
  }
  for (const [target, p] of priv) {
    const names = [...p.names].sort();
    out.push({
      action: 'grant', target, count: p.persons.size, population: pop, privileged: names,
      limit: `targets.${target}.privilegedEntitlements (${[...p.patterns].sort().join(', ')}): every grant of ${names.join(', ')} needs approval`,
    });
  }
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}

/** What thresholds read of an operation (a planned one, or one a recent scoped run applied). */
export interface ThresholdOp {
  readonly target: string;
  readonly action: Action;
  readonly personId: string;
  readonly entitlement?: string;
  readonly resumed?: boolean;
}

/** Whether a grant is of an entitlement configured as privileged (`targets.<t>.privilegedEntitlements`). */
export function privilegedPredicate(cfg: CadreConfig): PrivilegedTest {
  const byTarget = new Map<string, { pattern: string; test: (v: string) => boolean }[]>();
  for (const [t, tc] of Object.entries(cfg.targets)) {
    const list = tc.privilegedEntitlements ?? [];
    if (list.length > 0) byTarget.set(t, list.map((p) => ({ pattern: p, test: globMatcher(p) })));
  }
  return (target, entitlement) => byTarget.get(target)?.find((p) => p.test(entitlement))?.pattern;
}
