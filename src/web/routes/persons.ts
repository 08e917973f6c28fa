/**
 * `GET /persons?q=`: search (in memory, person-index.ts); `GET /persons/:id`: the person page. Managers see only
 * their reports: anyone else is a 404, in the search results as on the page.
 */
import type { FastifyInstance } from 'fastify';
import { displayName, searchPersons } from '../../core/person-search.js';
import type { Explanation } from '../../core/explain.js';
import { localDate } from '../../core/lifecycle.js';
import { explainStored, liveAccounts, personHistory } from '../../engine/person-view.js';
import type { WebContext } from '../context.js';
import { helpdeskHref } from './forms.js';
import { personsListView, personView } from '../views/persons.js';

const LIMIT = 50;
/** Explanations kept (least recently used goes first). */
const EXPLAIN_CACHE = 2000;

/** Register the person routes. */
export function registerPersons(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const explanations = new Map<string, { e: Explanation } | { err: string }>();

  app.get<{ Querystring: { q?: string } }>('/persons', async (req, reply) => {
    const principal = req.principal;
    if (!principal) return ctx.error(req, reply, 401);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const [snap, scope] = await Promise.all([ctx.persons.get(), ctx.scope(principal)]);
    const { results, total } = searchPersons(snap.search, q, { limit: LIMIT, ...(scope ? { scope } : {}) });
    return ctx.page(req, reply, { title: req.t('nav.persons'), current: '/persons', body: personsListView({ q, results, total, limit: LIMIT }, req.t) });
  });

  app.get<{ Params: { id: string }; Querystring: { live?: string; before?: string } }>('/persons/:id', async (req, reply) => {
    const principal = req.principal;
    if (!principal) return ctx.error(req, reply, 401);
    const id = req.params.id;
    if (!(await ctx.canSee(principal, id))) return ctx.error(req, reply, 404);
    const snap = await ctx.persons.get();
    // The indexed record (at most seconds old, refreshed after every in-process sync); the store for a newcomer.
    const person = snap.byId.get(id) ?? await engine.store.persons.get(id);
    if (!person) return ctx.error(req, reply, 404);
    const supervisorId = person.supervisorId;
    const supervisor = supervisorId !== undefined && (await ctx.canSee(principal, supervisorId)) ? snap.byId.get(supervisorId) : undefined;
    const before = typeof req.query.before === 'string' && /^\d{1,16}$/.test(req.query.before) ? req.query.before : undefined;
    const [accounts, holds, history, live, last] = await Promise.all([
      engine.store.accounts.byPerson(id),
      engine.store.holds.byPerson(id),
      personHistory(engine, id, { limit: 25, ...(before !== undefined ? { cursor: before } : {}) }),
      req.query.live === '1' ? liveAccounts(engine, id) : Promise.resolve(undefined),
      engine.store.audit.last(),
    ]);
    // Explaining plans the person: cached until anything is audited (every change Cadre makes is) or the day turns.
    const key = `${id}\u0000${last?.seq ?? 0}\u0000${snap.auditSeq}\u0000${localDate(engine.now().toISOString(), engine.config.lifecycle.timezone)}`;
    let explained = explanations.get(key);
    if (explained) explanations.delete(key);
    else {
      explained = await explainStored(engine, id, { persons: snap.byId, history: snap.history, disabled: snap.disabled, accounts, holds })
        .then((e) => ({ e }), (err: unknown) => ({ err: (err as Error).message }));
      if (explanations.size >= EXPLAIN_CACHE) explanations.delete(explanations.keys().next().value as string);
    }
    explanations.set(key, explained);
    const helpdesk = helpdeskHref(ctx, principal, id);
    return ctx.page(req, reply, {
      title: displayName(person), current: '/persons',
      body: personView({
        person, accounts, holds, history: history.rows,
        ...(supervisor ? { supervisor } : {}),
        ...(history.nextCursor !== undefined ? { olderCursor: history.nextCursor } : {}),
        ...('e' in explained ? { explanation: explained.e } : { explainError: explained.err }),
        ...(live ? { live } : {}),
        ...(helpdesk !== undefined ? { helpdeskHref: helpdesk } : {}),
      }, req.t),
    });
  });
}
