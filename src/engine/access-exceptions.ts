/**
 * Access exceptions for the planner: entitlements a decision (an access review) keeps removed even where a rule
 * grants them (see core/access-grants.ts). They come from closed review campaigns: every item whose access a rule
 * grants, or that was found in the target unmanaged, and that ended `remove` (by the reviewer or by the campaign
 * default) is one exception for that person, until an admin lifts it (`review.lifted`; the rule grants it again).
 */
import { ruleOwnerOf } from '../config/schema-reviews.js';
import type { AccessException } from '../core/access-grants.js';
import { ownsRule, type Decider } from '../core/reviews/items.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';
import { touch } from './holds.js';
import { DEFAULT_DECIDER, removalReason, type ReviewCampaign, type ReviewItem } from './reviews/index.js';

/** Exceptions in force, all persons or one. */
export async function accessExceptions(engine: Engine, personId?: string): Promise<AccessException[]> {
  return (await exceptionEntries(engine, personId)).map((x) => ({
    personId: x.item.personId, target: x.item.target, entitlement: x.item.entitlement, source: 'review', ref: `${x.campaign.id}#${x.item.seq}`, detail: x.detail,
  }));
}

/** One exception in force, as the console's list and `cadre review exceptions` show it. */
export interface ExceptionEntry {
  readonly campaign: ReviewCampaign;
  readonly item: ReviewItem;
  /** What `plan` and `explain` say. */
  readonly detail: string;
  /** The rule that grants it (absent: an unmanaged membership). */
  readonly rule?: string;
  /** The rule's owner as configured (`reviews.ruleOwners`), or `admins`. */
  readonly owner: string;
}

async function exceptionEntries(engine: Engine, personId?: string): Promise<ExceptionEntry[]> {
  const items = await engine.store.reviews.exceptions(personId);
  if (items.length === 0) return [];
  const campaigns = new Map((await engine.store.reviews.campaigns()).map((c) => [c.id, c]));
  const tz = engine.config.lifecycle.timezone;
  const out: ExceptionEntry[] = [];
  for (const item of items) {
    const campaign = campaigns.get(item.campaignId);
    if (!campaign) continue;
    const rule = item.reasonKind === 'rule' ? item.reasonSource : undefined;
    out.push({
      campaign, item, detail: removalReason(campaign, item, item.decidedBy === DEFAULT_DECIDER, tz),
      ...(rule !== undefined ? { rule } : {}), owner: (rule !== undefined ? ruleOwnerOf(engine.config.reviews, rule)?.label : undefined) ?? 'admins',
    });
  }
  return out;
}

/**
 * The exceptions a principal sees: admins and auditors all of them; anyone else those of the rules they own
 * (`reviews.ruleOwners`: console user id, linked Personio person, or OIDC group), so the owner finds what was flagged.
 */
export async function exceptionsFor(engine: Engine, p: Decider): Promise<ExceptionEntry[]> {
  const all = await exceptionEntries(engine);
  if (p.role === 'admin' || p.role === 'auditor') return all;
  return all.filter((x) => x.rule !== undefined && ownsRule(ruleOwnerOf(engine.config.reviews, x.rule)?.owner, p));
}

/**
 * Lift an exception (admins: console or `cadre review lift`): the reviewed item stays as decided, but the planner
 * no longer keeps the access removed, so a rule that grants it grants it again in the next plan (an unmanaged
 * membership simply stays as it is). Needs a reason; audited as `review.lifted`.
 */
export async function liftException(engine: Engine, req: { readonly campaignId: string; readonly seq: number; readonly reason: string; readonly actor: string }): Promise<ReviewItem> {
  const item = await engine.store.reviews.item(req.campaignId, req.seq);
  const campaign = await engine.store.reviews.campaign(req.campaignId);
  if (!item || !campaign) throw new CadreError('REVIEW_NOT_FOUND', `no item ${req.seq} in review ${req.campaignId}`, EXIT.usage);
  if (item.lift !== undefined) throw new CadreError('REVIEW_LIFTED', `review ${req.campaignId} #${req.seq} was lifted already by ${item.lift.by} on ${item.lift.at}`, EXIT.usage);
  if (campaign.status !== 'closed' || item.decision !== 'remove' || (item.reasonKind !== 'rule' && item.reasonKind !== 'unmanaged')) {
    throw new CadreError('REVIEW_NOT_EXCEPTION', `review ${req.campaignId} #${req.seq} is no exception in force (only removals of rule grants and unmanaged access in closed campaigns are)`, EXIT.usage);
  }
  const reason = req.reason.trim().slice(0, 1000);
  if (reason === '') throw new CadreError('REVIEW_COMMENT_REQUIRED', 'lifting an exception needs a reason (why)', EXIT.usage);
  const at = engine.now().toISOString();
  await engine.store.transaction(async (tx) => {
    if (!(await tx.reviews.lift(req.campaignId, req.seq, { liftedBy: req.actor, liftedAt: at, reason }))) {
      throw new CadreError('REVIEW_LIFTED', `review ${req.campaignId} #${req.seq} was lifted already`, EXIT.usage);
    }
    await touch(tx, item.personId);
    await engine.audit.recordIn(tx, {
      actor: req.actor, event: 'review.lifted', personId: item.personId, target: item.target,
      payload: { campaign: req.campaignId, item: req.seq, entitlement: item.entitlement, reason: item.reasonKind, rule: item.reasonKind === 'rule' ? item.reasonSource : null, comment: reason },
    });
  });
  return { ...item, lift: { by: req.actor, at, reason } };
}
