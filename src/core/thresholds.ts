/**
 * Safety thresholds: limits per action and per target, as counts and as percentages of the managed
 * population. A plan over a limit is blocked as a whole (the engine enforces; this only evaluates).
 */
import type { ThresholdsConfig } from '../config/schema.js';
import type { Action, Operation, ThresholdBreach } from './model.js';
import { NOTIFY_TARGET, WRITEBACK_TARGET } from './plan-input.js';

/** Actions a limit applies to without being configured explicitly. */
export const DESTRUCTIVE_ACTIONS: readonly Action[] = ['disable', 'delete', 'revoke', 'move', 'rename'];

type Limit = { count?: number; percent?: number };

/**
 * Evaluate thresholds. Counted per target and action as the number of distinct persons affected
 * (ten revoked groups of one mover are one person). The most specific limit applies:
 * `targets.<t>.<action>` > `actions.<action>` > `default` (the default only for destructive actions).
 */
export function evaluateThresholds(ops: readonly Operation[], thresholds: ThresholdsConfig, population: number): ThresholdBreach[] {
  const counted = new Map<string, { target: string; action: Action; persons: Set<string> }>();
  for (const o of ops) {
    if (o.target === NOTIFY_TARGET) continue;
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
    if (specific) { limit = specific; where = `thresholds.targets.${target}.${action}`; } else if (perAction) { limit = perAction; where = `thresholds.actions.${action}`; } else if (DESTRUCTIVE_ACTIONS.includes(action) && target !== WRITEBACK_TARGET) { limit = thresholds.default; where = 'thresholds.default'; } else continue;
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
  return out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}
