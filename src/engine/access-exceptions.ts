/**
 * Access exceptions for the planner: entitlements a decision (an access review) keeps removed even where a rule
 * grants them (see core/access-grants.ts). They come from closed review campaigns: every item whose access a rule
 * grants and that ended `remove` (by the reviewer or by the campaign default) is one exception for that person.
 */
import type { AccessException } from '../core/access-grants.js';
import type { Engine } from './engine.js';
import { DEFAULT_DECIDER, removalReason } from './reviews/index.js';

/** Exceptions in force, all persons or one. */
export async function accessExceptions(engine: Engine, personId?: string): Promise<AccessException[]> {
  const items = await engine.store.reviews.ruleRemovals(personId);
  if (items.length === 0) return [];
  const campaigns = new Map((await engine.store.reviews.campaigns()).map((c) => [c.id, c]));
  const tz = engine.config.lifecycle.timezone;
  const out: AccessException[] = [];
  for (const it of items) {
    const c = campaigns.get(it.campaignId);
    if (!c) continue;
    out.push({
      personId: it.personId, target: it.target, entitlement: it.entitlement, source: 'review', ref: `${c.id}#${it.seq}`,
      detail: removalReason(c, it, it.decidedBy === DEFAULT_DECIDER, tz),
    });
  }
  return out;
}
