/** Entitlement names worth suggesting in the console's "who has X" form. */
import { cmp } from '../../core/reports/common.js';
import type { Engine } from '../engine.js';

/**
 * Every entitlement the rules grant, and every one a stored account holds (managed or not), case-insensitively
 * distinct (the first spelling wins), sorted; at most `limit` (default 1000) of them.
 */
export async function knownEntitlements(engine: Engine, limit = 1000): Promise<string[]> {
  const seen = new Map<string, string>();
  const add = (e: string): void => {
    const k = e.toLowerCase();
    if (!seen.has(k)) seen.set(k, e);
  };
  for (const rule of engine.config.entitlements) for (const list of Object.values(rule.grant)) list.forEach(add);
  for (const a of await engine.store.accounts.all()) {
    a.entitlements.forEach(add);
    (a.unmanaged ?? []).forEach(add);
  }
  return [...seen.values()].sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase())).slice(0, limit);
}
