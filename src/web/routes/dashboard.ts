/**
 * `GET /`: the dashboard for admins and auditors (helpdesk and managers get a start page: runs and the whole
 * company's upcoming leavers are not theirs to see). `POST /approvals`: an admin approves or rejects one breach of
 * the blocked plan, with a comment (engine/approvals.ts; audited there).
 */
import type { FastifyInstance } from 'fastify';
import { approveBreach, blockedPlan, rejectBreach } from '../../engine/approvals.js';
import { changesPerDay, lastRuns, operationsByTarget, upcomingEvents } from '../../engine/dashboard.js';
import type { WebContext } from '../context.js';
import { dashboardView } from '../views/dashboard.js';
import { html } from '../views/html.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Register the dashboard. */
export function registerDashboard(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;

  const render = async (req: Parameters<WebContext['page']>[0], reply: Parameters<WebContext['page']>[1], extra: { notice?: 'approved' | 'rejected'; error?: string; status?: number }) => {
    const t = req.t;
    // Business dates follow the engine clock (the demo moves it a day per tick); sessions follow the console clock.
    const now = engine.now();
    const period = { days: 30, timeZone: engine.config.lifecycle.timezone, now };
    const [runs, blocked, upcoming, changes, byTarget] = await Promise.all([
      lastRuns(engine.store, { limit: 20 }),
      blockedPlan(engine),
      upcomingEvents(engine, { days: 30 }),
      changesPerDay(engine.store, period),
      operationsByTarget(engine.store, period),
    ]);
    return ctx.page(req, reply, {
      title: t('nav.dashboard'), current: '/', status: extra.status ?? 200,
      body: dashboardView({
        runs, upcoming, changes, byTarget, canDecide: req.principal?.role === 'admin', csrf: ctx.csrf(reply),
        ...(blocked ? { blocked } : {}), ...(extra.notice ? { notice: extra.notice } : {}), ...(extra.error !== undefined ? { error: extra.error } : {}),
      }, t),
    });
  };

  app.get<{ Querystring: { done?: string } }>('/', async (req, reply) => {
    const p = req.principal;
    if (p && p.role !== 'admin' && p.role !== 'auditor') {
      return ctx.page(req, reply, { title: req.t('nav.dashboard'), current: '/', body: html`<p>${req.t('dash.welcome')}</p>` });
    }
    const done = req.query.done;
    return render(req, reply, done === 'approved' || done === 'rejected' ? { notice: done } : {});
  });

  app.post<{ Body: Record<string, unknown> }>('/approvals', async (req, reply) => {
    const body = req.body ?? {};
    const decision = str(body.decision);
    const principal = req.principal;
    if (!principal || (decision !== 'approve' && decision !== 'reject')) return ctx.error(req, reply, 400);
    const d = { target: str(body.target), action: str(body.action), comment: str(body.comment), actor: ctx.actor(principal) };
    try {
      if (decision === 'approve') await approveBreach(engine, d);
      else await rejectBreach(engine, d);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'APPROVAL_INVALID') return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
    return reply.redirect(`/?done=${decision === 'approve' ? 'approved' : 'rejected'}`, 303);
  });
}
