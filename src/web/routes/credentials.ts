/**
 * New hire credentials: `GET /credentials` (the ones waiting for this admin or manager) and
 * `POST /credentials/:id/reveal` (show one once; a POST so it is CSRF-checked and never prefetched or cached).
 * Scope, the one-time take and the audit are the engine's (src/engine/credentials/vault.ts).
 */
import type { FastifyInstance } from 'fastify';
import { revealCredential, waitingCredentials } from '../../engine/credentials/vault.js';
import type { Principal, WebContext } from '../context.js';
import { credentialsView, revealView } from '../views/credentials.js';

const viewer = (p: Principal) => ({ id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}) });

/** Register the credentials routes. */
export function registerCredentials(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const timeZone = engine.config.lifecycle.timezone;

  app.get('/credentials', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const waiting = await waitingCredentials(engine, viewer(p));
    reply.header('cache-control', 'no-store');
    return ctx.page(req, reply, {
      title: req.t('credentials.title'), current: '/credentials',
      body: credentialsView({ waiting, csrf: ctx.csrf(reply), timeZone, showForDays: engine.config.firstPassword.showForDays }, req.t),
    });
  });

  app.post<{ Params: { id: string } }>('/credentials/:id/reveal', async (req, reply) => {
    const p = req.principal;
    if (!p) return ctx.error(req, reply, 401);
    const r = await revealCredential(engine, viewer(p), req.params.id);
    // Someone else's (or an unknown id): as if it did not exist.
    if (!r.ok && r.code === 'CREDENTIAL_NOT_FOUND') return ctx.error(req, reply, 404);
    const person = r.credential ? await engine.store.persons.get(r.credential.personId) : undefined;
    const name = person ? `${person.preferredName ?? person.firstName} ${person.lastName}` : (r.credential?.personId ?? '');
    // The value must not stay in any cache or history entry.
    reply.header('cache-control', 'no-store');
    return ctx.page(req, reply, {
      title: req.t('credentials.revealedTitle', { name }), current: '/credentials', status: r.ok ? 200 : 410,
      body: revealView(r.ok
        ? { name, credential: r.credential, value: r.value, timeZone }
        : { name, ...(r.credential ? { credential: r.credential } : {}), problem: r.code === 'CREDENTIAL_UNREADABLE' ? 'unreadable' : 'gone', timeZone }, req.t),
    });
  });
}
