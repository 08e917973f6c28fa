/**
 * `GET /people?offset=`: "My people", a manager's direct and transitive reports with what each one has and why
 * (src/engine/requests/people.ts), each with a request button leading to the request form. The scope comes from
 * the signed-in principal's person, never from the request.
 */
import type { FastifyInstance } from 'fastify';
import { myPeople } from '../../engine/requests/people.js';
import type { WebContext } from '../context.js';
import { peopleView } from '../views/people.js';

/** Register the route. */
export function registerPeople(app: FastifyInstance, ctx: WebContext): void {
  app.get<{ Querystring: { offset?: string } }>('/people', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const offset = typeof req.query.offset === 'string' && /^\d{1,6}$/.test(req.query.offset) ? Number(req.query.offset) : 0;
    const snap = await ctx.persons.get();
    const page = await myPeople(ctx.engine, { id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}) }, {
      offset, facts: { persons: snap.byId, history: snap.history, disabled: snap.disabled },
    });
    return ctx.page(req, reply, {
      title: req.t('people.title'), current: '/people',
      body: peopleView({ page, canRequest: ctx.engine.config.catalog.items.length > 0 }, req.t),
    });
  });
}
