/**
 * Catalogue requests: `GET /requests` (my inbox, my requests, the request form with its person picker, my
 * delegations), `POST /requests` (request), `POST /requests/delegate`, `GET /requests/:id` (detail and history),
 * `POST /requests/:id/decide`. The picker searches the principal's scope on the server (`?q=`; htmx swaps the
 * choices while typing). Every check — manager scope (a tampered person id is refused 403 and audited), approver,
 * self-approval, delegation — is the engine's (src/engine/requests).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { displayName, searchPersons } from '../../core/person-search.js';
import { createRequest, decide, delegate, delegationsOf, endDelegation, inbox, isApproverOf, type RequestPrincipal } from '../../engine/requests/service.js';
import type { AccessRequest } from '../../store/types.js';
import type { Principal, WebContext } from '../context.js';
import { requestView, requestsView, type PickPerson } from '../views/requests.js';

/** Most people the picker lists. */
const PICK_LIMIT = 20;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 2000) : '');
const codeOf = (err: unknown): string => String((err as { code?: unknown }).code ?? '');
const FORBIDDEN = new Set(['REQUEST_SCOPE', 'REQUEST_SELF_APPROVAL', 'REQUEST_NOT_APPROVER']);

/** Register the requests routes. */
export function registerRequests(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const who = (p: Principal): RequestPrincipal => ({ id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}), ...(p.groups !== undefined ? { groups: p.groups } : {}) });
  type View = { notice?: string; error?: string; status?: number; q?: string; personId?: string; item?: string };
  const render = async (req: FastifyRequest, reply: FastifyReply, extra: View = {}) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const lang = req.lang === 'de' ? 'de' : 'en';
    const mayRequest = p.role !== 'auditor';
    const items = mayRequest ? engine.config.catalog.items.map((i) => ({ id: i.id, name: typeof i.name === 'string' ? i.name : i.name[lang] })) : [];
    const { status, q = '', personId, item, ...rest } = extra;
    const [snap, scope, box, mine] = await Promise.all([ctx.persons.get(), ctx.scope(p), inbox(engine, who(p)), engine.store.requests.list({ requester: p.id })]);
    const label = (id: string): string => { const x = snap.byId.get(id); return x ? displayName(x) : id; };
    const pick = (id: string): PickPerson | undefined => {
      const x = snap.byId.get(id);
      return x ? { id, name: displayName(x), detail: [x.department, x.position].filter((v) => v !== undefined && v !== '').join(' · ') } : undefined;
    };
    // The picker offers only people in the principal's scope: the search runs here, on the server, within it.
    let candidates: PickPerson[] = [];
    let total = 0;
    if (mayRequest && items.length > 0 && (scope === undefined ? q !== '' : scope.size > 0)) {
      const found = searchPersons(snap.search, q, { limit: PICK_LIMIT, ...(scope ? { scope } : {}) });
      candidates = found.results.map((x) => pick(x.id)).filter((x): x is PickPerson => x !== undefined);
      total = found.total;
    }
    const selected = personId !== undefined && (scope === undefined || scope.has(personId)) ? personId : undefined;
    if (selected !== undefined && !candidates.some((c) => c.id === selected)) {
      const c = pick(selected);
      if (c) { candidates = [c, ...candidates]; total += 1; }
    }
    const shown = (list: readonly AccessRequest[]): string[] => list.map((r) => r.personId);
    const names = new Map([...shown(box), ...shown(mine)].map((id) => [id, label(id)]));
    const knownItem = item !== undefined && items.some((i) => i.id === item) ? item : undefined;
    return ctx.page(req, reply, {
      title: req.t('requests.title'), current: '/requests', status: status ?? 200,
      body: requestsView({
        inbox: box, mine, items, csrf: ctx.csrf(reply), names,
        ...(mayRequest ? { picker: { q, candidates, total, ...(selected !== undefined ? { selected } : {}), ...(knownItem !== undefined ? { item: knownItem } : {}) } } : {}),
        ...(mayRequest ? { delegations: await delegationsOf(engine, who(p)) } : {}),
        ...rest,
      }, req.t),
    });
  };

  const qs = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);
  app.get<{ Querystring: { created?: string; delegated?: string; q?: string; personId?: string; item?: string } }>('/requests', async (req, reply) => {
    const id = Number(req.query.created);
    const q = qs(req.query.q);
    const personId = qs(req.query.personId, 64);
    const item = qs(req.query.item, 64);
    const view: View = { ...(q !== undefined ? { q } : {}), ...(personId !== undefined ? { personId } : {}), ...(item !== undefined ? { item } : {}) };
    if (Number.isInteger(id) && id > 0) view.notice = req.t('requests.created', { id: String(id) });
    else if (req.query.delegated === '1') view.notice = req.t('requests.delegate.saved');
    else if (req.query.delegated === 'ended') view.notice = req.t('requests.delegate.ended');
    return render(req, reply, view);
  });

  app.post<{ Body: Record<string, unknown> }>('/requests/delegate', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    try {
      await delegate(engine, who(p), str(req.body?.to), str(req.body?.until));
      return reply.redirect('/requests?delegated=1', 303);
    } catch (err) {
      if (codeOf(err).startsWith('REQUEST_')) return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
  });

  app.post<{ Body: Record<string, unknown> }>('/requests/delegate/end', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    try {
      await endDelegation(engine, who(p), str(req.body?.delegate));
      return reply.redirect('/requests?delegated=ended', 303);
    } catch (err) {
      if (codeOf(err).startsWith('REQUEST_')) return render(req, reply, { error: (err as Error).message, status: 400 });
      throw err;
    }
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
      const personId = str(req.body?.personId).slice(0, 64);
      const item = str(req.body?.item).slice(0, 64);
      if (code.startsWith('REQUEST_')) return render(req, reply, { error: (err as Error).message, status: 400, ...(personId !== '' ? { personId } : {}), ...(item !== '' ? { item } : {}) });
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/requests/:id', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const id = Number(req.params.id);
    const r = Number.isInteger(id) && id > 0 ? await engine.store.requests.get(id) : undefined;
    // Everyone but the requester, its approvers (of any stage, also after deciding), the person's managers, admins and
    // auditors: as if it did not exist.
    const mayDecide = r !== undefined && (await inbox(engine, who(p))).some((x) => x.id === r.id);
    const visible = r !== undefined && (p.role === 'admin' || p.role === 'auditor' || r.requester === p.id || mayDecide
      || await isApproverOf(engine, who(p), r) || (p.role === 'manager' && await ctx.canSee(p, r.personId)));
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
