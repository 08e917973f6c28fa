/**
 * Catalogue requests: `GET /requests` (my inbox, my requests, the request form), `POST /requests` (request),
 * `GET /requests/:id` (detail and history), `POST /requests/:id/decide`. Every check — manager scope (a tampered
 * person id is refused 403 and audited), approver, self-approval — is the engine's (src/engine/requests).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequest, decide, inbox, type RequestPrincipal } from '../../engine/requests/service.js';
import type { Principal, WebContext } from '../context.js';
import { requestView, requestsView } from '../views/requests.js';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 2000) : '');
const codeOf = (err: unknown): string => String((err as { code?: unknown }).code ?? '');
const FORBIDDEN = new Set(['REQUEST_SCOPE', 'REQUEST_SELF_APPROVAL', 'REQUEST_NOT_APPROVER']);

/** Register the requests routes. */
export function registerRequests(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const who = (p: Principal): RequestPrincipal => ({ id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}) });
  const render = async (req: FastifyRequest, reply: FastifyReply, extra: { notice?: string; error?: string; status?: number } = {}) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const lang = req.lang === 'de' ? 'de' : 'en';
    const items = p.role === 'auditor' ? [] : engine.config.catalog.items.map((i) => ({ id: i.id, name: typeof i.name === 'string' ? i.name : i.name[lang] }));
    const { status, ...rest } = extra;
    return ctx.page(req, reply, {
      title: req.t('requests.title'), current: '/requests', status: status ?? 200,
      body: requestsView({ inbox: await inbox(engine, who(p)), mine: await engine.store.requests.list({ requester: p.id }), items, csrf: ctx.csrf(reply), ...rest }, req.t),
    });
  };

  app.get<{ Querystring: { created?: string } }>('/requests', async (req, reply) => {
    const id = Number(req.query.created);
    return render(req, reply, Number.isInteger(id) && id > 0 ? { notice: req.t('requests.created', { id: String(id) }) } : {});
  });

  app.post<{ Body: Record<string, unknown> }>('/requests', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const endDate = str(req.body?.endDate);
    try {
      const r = await createRequest(engine, who(p), { itemId: str(req.body?.item), personId: str(req.body?.personId), justification: str(req.body?.justification), ...(endDate !== '' ? { endDate } : {}) });
      return reply.redirect(`/requests?created=${r.id}`, 303);
    } catch (err) {
      const code = codeOf(err);
      if (FORBIDDEN.has(code)) return ctx.error(req, reply, 403, (err as Error).message);
      if (code.startsWith('REQUEST_')) return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/requests/:id', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const id = Number(req.params.id);
    const r = Number.isInteger(id) && id > 0 ? await engine.store.requests.get(id) : undefined;
    // Everyone but the requester, approvers, admins and auditors: as if it did not exist.
    const mayDecide = r !== undefined && (await inbox(engine, who(p))).some((x) => x.id === r.id);
    const visible = r !== undefined && (p.role === 'admin' || p.role === 'auditor' || r.requester === p.id || mayDecide || (p.role === 'manager' && await ctx.canSee(p, r.personId)));
    if (!r || !visible) return ctx.error(req, reply, 404);
    return ctx.page(req, reply, {
      title: `#${r.id}`, current: '/requests',
      body: requestView({ request: r, decisions: await engine.store.requests.decisions(r.id), canDecide: mayDecide, csrf: ctx.csrf(reply) }, req.t),
    });
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/requests/:id/decide', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const id = Number(req.params.id);
    const decision = str(req.body?.decision);
    if (!Number.isInteger(id) || id <= 0 || (decision !== 'approve' && decision !== 'reject')) return ctx.error(req, reply, 400);
    try {
      await decide(engine, who(p), id, decision, str(req.body?.comment));
      return reply.redirect(`/requests/${id}`, 303);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'REQUEST_NOT_FOUND') return ctx.error(req, reply, 404);
      if (FORBIDDEN.has(code)) return ctx.error(req, reply, 403, (err as Error).message);
      if (code.startsWith('REQUEST_')) return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
  });
}
