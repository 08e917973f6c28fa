/** `POST /lang`: the language switch (a cookie; Accept-Language decides without it). */
import type { FastifyInstance } from 'fastify';
import { nextPath } from '../auth/session.js';
import type { WebContext } from '../context.js';
import { isLang, LANG_COOKIE } from '../i18n/index.js';

/** Register the language switch. */
export function registerLang(app: FastifyInstance, ctx: WebContext): void {
  const secure = new URL(ctx.web.publicUrl).protocol === 'https:';
  app.post<{ Body: { lang?: unknown; next?: unknown } }>('/lang', async (req, reply) => {
    const lang = req.body?.lang;
    if (!isLang(lang)) return ctx.error(req, reply, 400, req.t('error.badRequest'));
    reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    return reply.redirect(nextPath(req.body?.next), 303);
  });
}
