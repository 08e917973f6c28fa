/** Access reviews repository (migration 0015). */
import type { ReviewCampaign, ReviewDecision, ReviewItem, ReviewReasonKind, ReviewerRef } from '../core/reviews/model.js';
import type { RepoContext } from './context.js';
import type { ReviewCampaignsTable, ReviewItemsTable } from './schema.js';
import type { Store } from './types.js';

const campaignOf = (r: ReviewCampaignsTable): ReviewCampaign => ({
  id: r.id, template: r.template, name: r.name, startedBy: r.started_by, startedAt: r.started_at, deadline: r.deadline,
  status: r.status === 'closed' ? 'closed' : 'open', defaultDecision: r.default_decision === 'remove' ? 'remove' : 'keep',
  ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}), ...(r.closed_by !== null ? { closedBy: r.closed_by } : {}),
});

/** An item row with its lift (left join on review_lifts). */
type ItemRow = ReviewItemsTable & { lifted_by: string | null; lifted_at: string | null; lift_reason: string | null };

const itemOf = (r: ItemRow): ReviewItem => ({
  campaignId: r.campaign_id, seq: Number(r.seq), personId: r.person_id, personName: r.person_name, target: r.target, entitlement: r.entitlement,
  reasonKind: r.reason_kind as ReviewReasonKind, reasonSource: r.reason_source, reasonText: r.reason_text,
  ...(r.department !== null ? { department: r.department } : {}), ...(r.position !== null ? { position: r.position } : {}),
  ...(r.last_granted_at !== null ? { lastGrantedAt: r.last_granted_at } : {}),
  reviewer: r.reviewer as ReviewerRef,
  ...(r.decision !== null ? { decision: r.decision as ReviewDecision } : {}), ...(r.comment !== null ? { comment: r.comment } : {}),
  ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}), ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
  ...(r.lifted_by !== null && r.lifted_at !== null ? { lift: { by: r.lifted_by, at: r.lifted_at, reason: r.lift_reason ?? '' } } : {}),
});

/** Reviews repository over a context. */
export function reviewsRepo(ctx: RepoContext): Store['reviews'] {
  const withLifts = () => ctx.db.selectFrom('review_items')
    .leftJoin('review_lifts', (j) => j.onRef('review_lifts.campaign_id', '=', 'review_items.campaign_id').onRef('review_lifts.seq', '=', 'review_items.seq'))
    .selectAll('review_items').select(['review_lifts.lifted_by', 'review_lifts.lifted_at', 'review_lifts.reason as lift_reason']);
  return {
    addCampaign: (c, items) => ctx.atomic(async (db) => {
      await db.insertInto('review_campaigns').values({
        id: c.id, template: c.template, name: c.name, started_by: c.startedBy, started_at: c.startedAt, deadline: c.deadline,
        status: c.status, default_decision: c.defaultDecision, closed_at: c.closedAt ?? null, closed_by: c.closedBy ?? null,
      }).execute();
      // Chunks keep each insert under SQLite's bound-parameter limit.
      for (let i = 0; i < items.length; i += 40) {
        await db.insertInto('review_items').values(items.slice(i, i + 40).map((it) => ({
          campaign_id: c.id, seq: it.seq, person_id: it.personId, person_name: it.personName, target: it.target, entitlement: it.entitlement,
          reason_kind: it.reasonKind, reason_source: it.reasonSource, reason_text: it.reasonText, department: it.department ?? null,
          position: it.position ?? null, last_granted_at: it.lastGrantedAt ?? null, reviewer: it.reviewer, decision: it.decision ?? null,
          comment: it.comment ?? null, decided_by: it.decidedBy ?? null, decided_at: it.decidedAt ?? null,
        }))).execute();
      }
    }),
    async campaigns() {
      return (await ctx.db.selectFrom('review_campaigns').selectAll().orderBy('started_at', 'desc').orderBy('id').execute()).map(campaignOf);
    },
    async campaign(id) {
      const r = await ctx.db.selectFrom('review_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? campaignOf(r) : undefined;
    },
    async items(campaignId) {
      return (await withLifts().where('review_items.campaign_id', '=', campaignId).orderBy('review_items.seq').execute()).map(itemOf);
    },
    async itemsFor(reviewers) {
      if (reviewers.length === 0) return [];
      return (await withLifts().innerJoin('review_campaigns', 'review_campaigns.id', 'review_items.campaign_id')
        .where('review_campaigns.status', '=', 'open').where('review_items.reviewer', 'in', [...reviewers])
        .orderBy('review_items.campaign_id').orderBy('review_items.seq').execute()).map(itemOf);
    },
    async item(campaignId, seq) {
      const r = await withLifts().where('review_items.campaign_id', '=', campaignId).where('review_items.seq', '=', seq).executeTakeFirst();
      return r ? itemOf(r) : undefined;
    },
    async decide(campaignId, seq, d) {
      await ctx.db.updateTable('review_items').set({ decision: d.decision, comment: d.comment, decided_by: d.decidedBy, decided_at: d.decidedAt })
        .where('campaign_id', '=', campaignId).where('seq', '=', seq).execute();
    },
    async exceptions(personId) {
      let q = withLifts().innerJoin('review_campaigns', 'review_campaigns.id', 'review_items.campaign_id')
        .where('review_campaigns.status', '=', 'closed').where('review_items.decision', '=', 'remove')
        .where('review_items.reason_kind', 'in', ['rule', 'unmanaged']).where('review_lifts.lifted_at', 'is', null);
      if (personId !== undefined) q = q.where('review_items.person_id', '=', personId);
      return (await q.orderBy('review_items.campaign_id').orderBy('review_items.seq').execute()).map(itemOf);
    },
    async lift(campaignId, seq, l) {
      const r = await ctx.db.insertInto('review_lifts').values({ campaign_id: campaignId, seq, lifted_by: l.liftedBy, lifted_at: l.liftedAt, reason: l.reason })
        .onConflict((oc) => oc.columns(['campaign_id', 'seq']).doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async close(id, closedBy, closedAt) {
      await ctx.db.updateTable('review_campaigns').set({ status: 'closed', closed_by: closedBy, closed_at: closedAt }).where('id', '=', id).execute();
    },
  };
}
