/**
 * `cadre validate` for the request catalogue: every item names a configured target and an entitlement Cadre manages
 * there (the target's `managedEntitlements`, or what the rules grant) — an unmanaged one could be granted but never
 * revoked at its end date.
 */
import { managedPredicate } from '../core/rules/entitlements.js';
import type { RawProblem } from './issues.js';
import type { CadreConfig } from './schema.js';

/** Problems of `catalog:` against targets and entitlement rules. */
export function catalogCheck(config: CadreConfig): RawProblem[] {
  const out: RawProblem[] = [];
  const targets = Object.keys(config.targets);
  config.catalog.items.forEach((item, i) => {
    if (!targets.includes(item.target)) {
      out.push({ path: ['catalog', 'items', i, 'target'], message: `${item.id}: unknown target "${item.target}" (targets: ${targets.join(', ') || 'none defined'})` });
      return;
    }
    if (!managedPredicate(config, item.target)(item.entitlement)) {
      out.push({ path: ['catalog', 'items', i, 'entitlement'], message: `${item.id}: "${item.entitlement}" is not an entitlement Cadre manages in ${item.target} (add it to targets.${item.target}.managedEntitlements)` });
    }
  });
  return out;
}
