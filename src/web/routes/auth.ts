/** Local sign-in (`GET/POST /sign-in`) and sign-out. OIDC routes live in the web-oidc module. */
import type { FastifyInstance } from 'fastify';
import { durationMs } from '../../engine/duration.js';
import { verifyCredentials } from '../../engine/web-users.js';
import { nextPath, signIn, signOut } from '../auth/session.js';
import { localPrincipal, type WebContext } from '../context.js';
import { signInView } from '../views/auth.js';

/** Extra content for the sign-in page that other modules contribute (the OIDC button). */
export interface SignInExtras {
  oidc?: { readonly href: string; readonly provider: string };
}

interface SignInBody {
  readonly username?: unknown;
  readonly password?: unknown;
  readonly next?: unknown;
}

/** Register the sign-in routes. */
export function registerAuth(app: FastifyInstance, ctx: WebContext, extras: SignInExtras = {}): void {
  const limit = ctx.web.signInRateLimit;
  const render = (req: Parameters<WebContext['page']>[0], reply: Parameters<WebContext['page']>[1], v: { error?: string; username?: string; next?: string; status?: number }) => {
    const notice = req.session.notice;
    if (notice !== undefined) req.session.notice = undefined;
    const t = req.t;
    return ctx.page(req, reply, {
      title: t('signIn.title'),
      status: v.status ?? 200,
      body: signInView({
        csrf: ctx.csrf(reply),
        ...(v.next !== undefined && v.next !== '/' ? { next: v.next } : {}),
        ...(v.error !== undefined ? { error: v.error } : {}),
        ...(v.username !== undefined ? { username: v.username } : {}),
        ...(notice === 'expired' ? { notice: t('signIn.expired') } : notice === 'signedOut' ? { notice: t('signIn.signedOut') } : {}),
        ...(extras.oidc ? { oidc: extras.oidc } : {}),
      }, t),
    });
  };

  app.get<{ Querystring: { next?: string } }>('/sign-in', async (req, reply) => {
    if (req.principal) return reply.redirect(nextPath(req.query.next));
    return render(req, reply, { next: nextPath(req.query.next) });
  });

  app.post<{ Body: SignInBody }>('/sign-in', {
    config: {
      rateLimit: {
        max: limit.max,
        timeWindow: durationMs(limit.window) ?? 60_000,
        errorResponseBuilder: (_req, context) => ({ statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests', message: `retry in ${context.after}` }),
      },
    },
  }, async (req, reply) => {
    const body = req.body ?? {};
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = nextPath(body.next);
    const user = await verifyCredentials(ctx.engine, username, password);
    if (!user) {
      // One generic message: it does not say whether the user exists.
      // The attempted name is recorded only when it is a real user: people type passwords into the user name field.
      const known = username.trim() === '' || username.length > 64 ? undefined : await ctx.engine.store.users.byUsername(username);
      await ctx.engine.audit.record({ actor: 'web:anonymous', event: 'web.signIn.failed', payload: { ...(known ? { username: known.username } : {}), ip: req.ip } });
      return render(req, reply, { error: req.t('signIn.failed'), username: username.slice(0, 64), next, status: 400 });
    }
    const principal = localPrincipal(user);
    await signIn(req, principal, ctx.now().getTime());
    req.session.localUserId = user.id;
    await ctx.engine.audit.record({ actor: ctx.actor(principal), event: 'web.signIn', payload: { via: 'local', role: user.role, ip: req.ip } });
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', async (req, reply) => {
    const principal = req.principal;
    await signOut(req, ctx.now().getTime(), 'signedOut');
    if (principal) await ctx.engine.audit.record({ actor: ctx.actor(principal), event: 'web.signOut', payload: { via: principal.via } });
    return reply.redirect('/sign-in', 303);
  });
}
