/** `GET /holds`, `POST /holds` (add), `POST /holds/remove`: through engine/holds.ts, which validates and audits. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { displayName } from '../../core/person-search.js';
import { addHold, listHolds, removeHold } from '../../engine/holds.js';
import type { WebContext } from '../context.js';
import { holdsView, type HoldsData } from '../views/holds.js';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Register the holds routes. */
export function registerHolds(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const render = async (req: FastifyRequest, reply: FastifyReply, extra: Partial<Pick<HoldsData, 'notice' | 'error' | 'form'>> & { status?: number } = {}) => {
    const snap = await ctx.persons.get();
    const holds = (await listHolds(engine)).map((h) => {
      const p = snap.byId.get(h.hold.personId);
      return { ...h, ...(p ? { name: displayName(p) } : {}) };
    });
    const role = req.principal?.role;
    const { status, ...rest } = extra;
    return ctx.page(req, reply, {
      title: req.t('nav.holds'), current: '/holds', status: status ?? 200,
      body: holdsView({ holds, targets: Object.keys(engine.config.targets), canEdit: role === 'admin' || role === 'helpdesk', csrf: ctx.csrf(reply), ...rest }, req.t),
    });
  };
  const failed = (err: unknown): string | undefined => {
    const code = (err as { code?: unknown }).code;
    return code === 'HOLD_INVALID' || code === 'HOLD_NOT_FOUND' ? (err as Error).message : undefined;
  };

  app.get<{ Querystring: { done?: string } }>('/holds', async (req, reply) => {
    const done = req.query.done;
    return render(req, reply, done === 'added' || done === 'removed' ? { notice: done } : {});
  });

  app.post<{ Body: Record<string, unknown> }>('/holds', async (req, reply) => {
    const principal = req.principal;
    if (!principal) return ctx.error(req, reply, 401);
    const b = req.body ?? {};
    const form = { personId: str(b.personId), target: str(b.target), reason: str(b.reason), until: str(b.until), disable: str(b.disable) };
    if (form.personId === '' || !(await engine.store.persons.get(form.personId))) {
      return render(req, reply, { error: req.t('holds.noPerson', { id: form.personId }), form, status: 400 });
    }
    try {
      await addHold(engine, {
        personId: form.personId, reason: form.reason, actor: ctx.actor(principal),
        ...(form.target !== '' ? { target: form.target } : {}),
        ...(form.until !== '' ? { until: form.until } : {}),
        ...(form.disable === '1' ? { disable: true } : {}),
      });
    } catch (err) {
      const message = failed(err);
      if (message === undefined) throw err;
      return render(req, reply, { error: message, form, status: 400 });
    }
    return reply.redirect('/holds?done=added', 303);
  });

  app.post<{ Body: Record<string, unknown> }>('/holds/remove', async (req, reply) => {
    const principal = req.principal;
    if (!principal) return ctx.error(req, reply, 401);
    const b = req.body ?? {};
    const personId = str(b.personId);
    const target = str(b.target);
    try {
      await removeHold(engine, { personId, actor: ctx.actor(principal), ...(target !== '' ? { target } : {}), ...(str(b.reason) !== '' ? { reason: str(b.reason) } : {}) });
    } catch (err) {
      const message = failed(err);
      if (message === undefined) throw err;
      return render(req, reply, { error: message, status: 400 });
    }
    return reply.redirect('/holds?done=removed', 303);
  });
}
