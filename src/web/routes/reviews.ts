/**
 * Access reviews: `GET /reviews` (the reviewer's inbox; campaigns for admins and auditors; the start form for
 * admins), `POST /reviews` (start), `POST /reviews/:id/items/:seq` (decide), `POST /reviews/:id/keep` (bulk keep),
 * `POST /reviews/:id/close`, `GET /reviews/:id` (report) and its exports, `GET /reviews/exceptions` (what closed
 * campaigns keep removed, for the rule's owner and admins) and `POST /reviews/:id/items/:seq/lift`. Who may decide which item is the engine's
 * decision (src/engine/reviews): a refusal answers 403 and is audited there.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ruleOwnerLabels } from '../../config/schema-reviews.js';
import { progress, reviewCsv, reviewJson, reviewRows } from '../../core/reviews/report.js';
import { exceptionsFor, liftException } from '../../engine/access-exceptions.js';
import {
  campaignReport, closeCampaign, decideItem, itemsToReview, keepAll, listCampaigns, startCampaign, templateName, type ReviewCampaign, type ReviewItem,
} from '../../engine/reviews/index.js';
import type { Principal, WebContext } from '../context.js';
import { reviewExceptionsView } from '../views/review-exceptions.js';
import { reviewReportView, reviewsView, type ReviewsData } from '../views/reviews.js';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const codeOf = (err: unknown): string => String((err as { code?: unknown }).code ?? '');
/** Engine refusals a reviewer can fix (shown on the page); anything else is a server error. */
const USER_ERRORS = new Set(['REVIEW_CLOSED', 'REVIEW_COMMENT_REQUIRED', 'REVIEW_TEMPLATE_UNKNOWN']);
/** Refusals of a lift shown on the exceptions page. */
const LIFT_ERRORS = new Set(['REVIEW_COMMENT_REQUIRED', 'REVIEW_LIFTED', 'REVIEW_NOT_EXCEPTION']);

/** Register the reviews routes. */
export function registerReviews(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const tz = engine.config.lifecycle.timezone;
  const decider = (p: Principal) => ({ id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}), ...(p.groups !== undefined ? { groups: p.groups } : {}) });

  const render = async (req: FastifyRequest, reply: FastifyReply, extra: Pick<ReviewsData, 'notice' | 'error'> & { status?: number } = {}) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const all = await listCampaigns(engine);
    const byId = new Map(all.map((c) => [c.id, c]));
    const mineMap = new Map<string, ReviewItem[]>();
    if (p.role !== 'auditor') {
      for (const it of await itemsToReview(engine, decider(p))) {
        const l = mineMap.get(it.campaignId) ?? [];
        l.push(it);
        mineMap.set(it.campaignId, l);
      }
    }
    const mine = [...mineMap].map(([id, items]) => ({ campaign: byId.get(id) as ReviewCampaign, items })).filter((m) => m.campaign !== undefined);
    const overview = p.role === 'admin' || p.role === 'auditor';
    const campaigns = overview ? await Promise.all(all.map(async (campaign) => ({ campaign, ...progress(await engine.store.reviews.items(campaign.id)) }))) : undefined;
    const { status, ...rest } = extra;
    return ctx.page(req, reply, {
      title: req.t('reviews.title'), current: '/reviews', status: status ?? 200,
      body: reviewsView({
        mine, canAdmin: p.role === 'admin', csrf: ctx.csrf(reply), timeZone: tz, ...rest,
        ...(campaigns ? { campaigns } : {}),
        ...(p.role === 'admin' ? { templates: engine.config.reviews.templates.map((x) => ({ id: x.id, name: templateName(x, req.lang) })) } : {}),
      }, req.t),
    });
  };

  /** Run an engine call; user errors re-render the page, not found → 404, refused → 403. */
  const guarded = async (req: FastifyRequest, reply: FastifyReply, fn: () => Promise<string>) => {
    try {
      return reply.redirect(await fn(), 303);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'REVIEW_NOT_FOUND') return ctx.error(req, reply, 404);
      if (code === 'REVIEW_FORBIDDEN') return ctx.error(req, reply, 403, (err as Error).message);
      if (USER_ERRORS.has(code)) return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
  };

  app.get<{ Querystring: { done?: string } }>('/reviews', async (req, reply) => {
    const done = req.query.done;
    return render(req, reply, done === 'saved' || done === 'started' || done === 'closed' ? { notice: done } : {});
  });

  app.post<{ Body: Record<string, unknown> }>('/reviews', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const template = str(req.body?.template);
    return guarded(req, reply, async () => {
      await startCampaign(engine, { template, actor: ctx.actor(p) });
      return '/reviews?done=started';
    });
  });

  app.post<{ Params: { id: string; seq: string }; Body: Record<string, unknown> }>('/reviews/:id/items/:seq', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const seq = Number(req.params.seq);
    const decision = str(req.body?.decision);
    if (!Number.isInteger(seq) || seq < 1) return ctx.error(req, reply, 404);
    if (decision !== 'keep' && decision !== 'remove') return render(req, reply, { error: req.t('reviews.decision'), status: 400 });
    return guarded(req, reply, async () => {
      await decideItem(engine, { campaignId: req.params.id, seq, decision, comment: str(req.body?.comment), principal: decider(p), actor: ctx.actor(p) });
      return '/reviews?done=saved';
    });
  });

  app.post<{ Params: { id: string } }>('/reviews/:id/keep', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    return guarded(req, reply, async () => {
      await keepAll(engine, { campaignId: req.params.id, principal: decider(p), actor: ctx.actor(p) });
      return '/reviews?done=saved';
    });
  });

  app.post<{ Params: { id: string } }>('/reviews/:id/close', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    return guarded(req, reply, async () => {
      await closeCampaign(engine, { campaignId: req.params.id, actor: ctx.actor(p) });
      return '/reviews?done=closed';
    });
  });

  const exceptionsPage = async (req: FastifyRequest, reply: FastifyReply, extra: { notice?: 'lifted'; error?: string; status?: number } = {}) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const { status, ...rest } = extra;
    return ctx.page(req, reply, {
      title: req.t('reviews.exceptionsTitle'), current: '/reviews', status: status ?? 200,
      body: reviewExceptionsView({ entries: await exceptionsFor(engine, decider(p)), canLift: p.role === 'admin', csrf: ctx.csrf(reply), ...rest }, req.t),
    });
  };

  app.get<{ Querystring: { done?: string } }>('/reviews/exceptions', async (req, reply) => exceptionsPage(req, reply, req.query.done === 'lifted' ? { notice: 'lifted' } : {}));

  app.post<{ Params: { id: string; seq: string }; Body: Record<string, unknown> }>('/reviews/:id/items/:seq/lift', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const seq = Number(req.params.seq);
    if (!Number.isInteger(seq) || seq < 1) return ctx.error(req, reply, 404);
    try {
      await liftException(engine, { campaignId: req.params.id, seq, reason: str(req.body?.reason), actor: ctx.actor(p) });
      return reply.redirect('/reviews/exceptions?done=lifted', 303);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'REVIEW_NOT_FOUND') return ctx.error(req, reply, 404);
      if (LIFT_ERRORS.has(code)) return exceptionsPage(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
  });

  const report = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    try {
      return await campaignReport(engine, req.params.id);
    } catch (err) {
      if (codeOf(err) === 'REVIEW_NOT_FOUND') { await ctx.error(req, reply, 404); return undefined; }
      throw err;
    }
  };

  app.get<{ Params: { id: string } }>('/reviews/:id', async (req, reply) => {
    const r = await report(req, reply);
    if (!r) return reply;
    return ctx.page(req, reply, {
      title: req.t('reviews.reportTitle', { name: r.campaign.name }), current: '/reviews',
      body: reviewReportView({ campaign: r.campaign, rows: reviewRows(r.items, ruleOwnerLabels(engine.config.reviews)), timeZone: tz }, req.t),
    });
  });

  for (const format of ['csv', 'json'] as const) {
    app.get<{ Params: { id: string } }>(`/reviews/:id/export.${format}`, async (req, reply) => {
      const p = req.principal;
      if (!p) return ctx.error(req, reply, 401);
      const r = await report(req, reply);
      if (!r) return reply;
      const owners = ruleOwnerLabels(engine.config.reviews);
      await engine.audit.record({ actor: ctx.actor(p), event: 'review.exported', payload: { campaign: r.campaign.id, format, items: r.items.length } });
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="cadre-review-${r.campaign.id}.${format}"`)
        .header('cache-control', 'no-store')
        .send(format === 'csv' ? `\ufeff${reviewCsv(r.items, owners)}` : reviewJson(r.campaign, r.items, owners));
    });
  }
}
