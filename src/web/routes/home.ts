/** `GET /`: the start page. The admin dashboard (runs, blocked plans, upcoming events) builds on this. */
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { html } from '../views/html.js';

/** Register the start page. */
export function registerHome(app: FastifyInstance, ctx: WebContext): void {
  app.get('/', async (req, reply) => {
    const t = req.t;
    return ctx.page(req, reply, { title: t('nav.dashboard'), current: '/', body: html`<p>${t('user.signedInAs', { name: req.principal?.name ?? '', role: req.principal ? t(`role.${req.principal.role}`) : '' })}</p>` });
  });
}
