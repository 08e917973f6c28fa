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
export const DESTRUCTIVE_ACTIONS: readonly Action[] = ['enable', 'disable', 'delete', 'revoke', 'move', 'rename'];

/** Which privileged pattern an entitlement granted in a target matches, if any. */
export type PrivilegedTest = (target: string, entitlement: string) => string | undefined;

type Limit = { count?: number; percent?: number };

/**
 * Evaluate thresholds. Counted per target and action as the number of distinct persons affected
 * (ten revoked groups of one mover are one person). The most specific limit applies:
 * `targets.<t>.<action>` > `actions.<action>` > `default` (the default only for destructive actions).
 */
export function evaluateThresholds(ops: readonly Operation[], thresholds: ThresholdsConfig, population: number, privileged?: PrivilegedTest): ThresholdBreach[] {
  const counted = new Map<string, { target: string; action: Action; persons: Set<string> }>();
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
  const out: ThresholdBreach[] = [];
  const pop = Math.max(0, population);
  for (const { target, action, persons } of counted.values()) {
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
    out.push({ action, target, count, population: pop, limit: `${where}: ${parts.join(', ')}` });
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

/** Whether a grant is of an entitlement configured as privileged (`targets.<t>.privilegedEntitlements`). */
export function privilegedPredicate(cfg: CadreConfig): PrivilegedTest {
  const byTarget = new Map<string, { pattern: string; test: (v: string) => boolean }[]>();
  for (const [t, tc] of Object.entries(cfg.targets)) {
    const list = tc.privilegedEntitlements ?? [];
    if (list.length > 0) byTarget.set(t, list.map((p) => ({ pattern: p, test: globMatcher(p) })));
  }
  return (target, entitlement) => byTarget.get(target)?.find((p) => p.test(entitlement))?.pattern;
}
