/**
 * The web console: `buildApp(engine, opts)` registers the security plugins, sessions, i18n, the authorisation
 * table's enforcement and every route module. Server-rendered HTML (views/*.ts) with htmx for small enhancements.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import { resolveSecret } from '../config/secrets.js';
import { webSecrets } from '../config/web-secrets.js';
import type { Engine } from '../engine/engine.js';
import { createMetrics } from '../engine/metrics.js';
import { accessFor, allows, CSRF_EXEMPT, WEBHOOK_ROUTE, type Access } from './access.js';
import { signOut } from './auth/session.js';
import { localPrincipal, type PageOptions, type Principal, type RouteModule, type WebContext, type WebOptions } from './context.js';
import { isLang, LANG_COOKIE, negotiate, translator } from './i18n/index.js';
import { createPersonIndex } from './person-index.js';
import { registerSecurity } from './plugins/security.js';
import { registerSession, sessionExpired, timeoutsOf, touchSession } from './plugins/session.js';
import { registerAudit } from './routes/audit.js';
import { registerAuth, type SignInExtras } from './routes/auth.js';
import { oidcClientFor, oidcSignInExtras, registerOidc } from './routes/auth-oidc.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerHolds } from './routes/holds.js';
import { registerReviews } from './routes/reviews.js';
import { registerRequests } from './routes/requests.js';
import { registerPeople } from './routes/people.js';
import { registerCredentials } from './routes/credentials.js';
import { registerPersons } from './routes/persons.js';
import { registerPlan } from './routes/plan.js';
import { registerReports } from './routes/reports.js';
import { registerForms } from './routes/forms.js';
import { registerHealth } from './routes/health.js';
import { registerLang } from './routes/lang.js';
import { registerWebhookRoute, type WebhookReceiverOptions } from './webhook-route.js';
import { errorView } from './views/auth.js';
import { query } from './views/html.js';
import { layout, type NavItem } from './views/layout.js';

export type { WebOptions } from './context.js';

/** Navigation, in order; an entry shows when its route exists and the role may open it. */
const NAV: readonly NavItem[] = [
  { href: '/', label: 'nav.dashboard' },
  { href: '/plan', label: 'nav.plan' },
  { href: '/persons', label: 'nav.persons' },
  { href: '/holds', label: 'nav.holds' },
  { href: '/forms', label: 'nav.forms' },
  { href: '/audit', label: 'nav.audit' },
  { href: '/reports', label: 'nav.reports' },
  { href: '/reviews', label: 'nav.reviews' },
  { href: '/requests', label: 'nav.requests' },
  { href: '/people', label: 'nav.people' },
  { href: '/credentials', label: 'nav.credentials' },
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Route modules besides the foundation's (areas other helpers add: forms, audit, reports, OIDC…). Each gets the
 * app and the context; its routes need rows in access.ts.
 */
const AREAS: readonly RouteModule[] = [registerForms, registerAudit, registerReports, registerReviews, registerRequests, registerPeople, registerCredentials];

/** Build the console. Does not listen: the caller does (`cadre serve`), or tests use `inject`. */
export async function buildApp(engine: Engine, opts: WebOptions & {
  readonly signIn?: SignInExtras; readonly areas?: readonly RouteModule[];
  /** Serve the Personio webhook receiver on the console (`cadre serve` without `source.webhooks.listen`). */
  readonly webhook?: Omit<WebhookReceiverOptions, 'engine'>;
} = {}): Promise<FastifyInstance> {
  const web = engine.config.web;
  const sessionSecret = opts.sessionSecret ?? webSecrets(web).sessionSecret;
  const now = opts.now ?? (() => engine.now());
  const https = new URL(web.publicUrl).protocol === 'https:';
  const app = Fastify({
    logger: opts.logger === true,
    // Behind https the console sits behind a TLS-terminating proxy on this host: trust its X-Forwarded-* only.
    trustProxy: https ? 'loopback' : false,
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });
  const metrics = opts.metrics ?? createMetrics();
  const routes = new Set<string>();
  const persons = opts.persons ?? createPersonIndex(engine.store, { now: () => now().getTime() });
  const timeouts = timeoutsOf(web);
  const tokens = new WeakMap<FastifyReply, string>();

  const ctx: WebContext = {
    engine, web, options: opts, persons, routes,
    now,
    csrf(reply) {
      // One token per response (every form on the page shares it; each token costs a random draw and an HMAC).
      const known = tokens.get(reply);
      if (known !== undefined) return known;
      let token = '';
      try {
        token = reply.generateCsrf();
      } catch {
        token = '';
      }
      tokens.set(reply, token);
      return token;
    },
    page(req, reply, page: PageOptions) {
      const role = req.principal?.role;
      const nav = NAV.filter((n) => routes.has(`GET ${n.href}`) && allows(accessFor('GET', n.href) ?? [], role));
      const doc = layout({
        lang: req.lang, title: page.title, csrf: ctx.csrf(reply), nav, path: req.url, body: page.body,
        ...(req.principal ? { principal: req.principal } : {}),
        ...(page.current !== undefined ? { current: page.current } : {}),
      }, req.t);
      return reply.code(page.status ?? 200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(doc.text);
    },
    error(req, reply, status, message) {
      const t = req.t;
      const text = message ?? (status === 404 ? t('error.notFound') : status === 403 ? t('error.forbidden') : status >= 500 ? t('error.server') : t('error.badRequest'));
      return ctx.page(req, reply, { title: t('error.title'), status, body: errorView(text, t) });
    },
    actor: (p: Principal) => `web:${p.id}`,
    async scope(p) {
      if (p.role !== 'manager') return undefined;
      return p.personId === undefined ? new Set<string>() : persons.scopeOf(p.personId);
    },
    async canSee(p, personId) {
      const scope = await ctx.scope(p);
      return scope === undefined || scope.has(personId);
    },
  };

  const guard = (access: Access): preHandlerHookHandler => async function checkAccess(req: FastifyRequest, reply: FastifyReply) {
    if (allows(access, req.principal?.role)) return;
    if (!req.principal) {
      // A page view goes to the sign-in form and comes back afterwards; anything else is refused.
      if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(`/sign-in${query({ next: req.url })}`, 302);
      return ctx.error(req, reply, 401, req.t('signIn.expired'));
    }
    return ctx.error(req, reply, 403);
  };
  const csrfCheck: preHandlerHookHandler = function checkCsrf(req, reply, done) {
    app.csrfProtection(req, reply, done);
  };

  // Every route must have a row in the authorisation table; the row is enforced before the handler.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // The webhook receiver's row applies at its configured path.
    const isWebhook = (route.config as { webhook?: unknown } | undefined)?.webhook === true;
    const rowOf = (m: string): string => (isWebhook ? WEBHOOK_ROUTE : `${m.toUpperCase()} ${route.url}`);
    const rows = methods.map((m) => ({ m: String(m).toUpperCase(), access: isWebhook ? accessFor('POST', '/webhooks/personio') : accessFor(String(m), route.url) }));
    const missing = rows.find((r) => r.access === undefined);
    if (missing) throw new Error(`route ${missing.m} ${route.url} has no row in src/web/access.ts (the authorisation table)`);
    for (const r of rows) {
      routes.add(`${r.m} ${route.url}`);
      opts.onRoute?.(r.m, route.url);
    }
    const access = rows[0]?.access as Access;
    const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    const unsafe = rows.some((r) => UNSAFE.has(r.m) && !CSRF_EXEMPT.has(rowOf(r.m)));
    route.preHandler = [guard(access), ...(unsafe ? [csrfCheck] : []), ...existing];
  });

  await registerSecurity(app, { https });
  await registerSession(app, { store: engine.store, web, secret: sessionSecret, now: () => now().getTime() });

  app.decorateRequest('principal', undefined);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', translator('en'));
  // Language: the switch's cookie, else Accept-Language.
  app.addHook('onRequest', async (req) => {
    const cookie = req.cookies[LANG_COOKIE];
    req.lang = isLang(cookie) ? cookie : negotiate(req.headers['accept-language']);
    req.t = translator(req.lang);
  });
  // The principal, with the idle and absolute time-outs checked on every request against the console's clock.
  app.addHook('onRequest', async (req) => {
    req.principal = undefined;
    const s = req.session as FastifyRequest['session'] | undefined;
    const p = s?.principal;
    if (s === undefined || p === undefined) return;
    const at = now().getTime();
    if (sessionExpired(s, at, timeouts)) {
      await signOut(req, at, 'expired');
      return;
    }
    if (p.via === 'local') {
      // Removed or disabled users lose their sessions at once; a changed role applies at once.
      const user = s.localUserId === undefined ? undefined : await engine.store.users.get(s.localUserId);
      if (!user || user.disabled) {
        await signOut(req, at, 'expired');
        return;
      }
      req.principal = localPrincipal(user);
    } else req.principal = p;
    touchSession(req, at);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (!req.t) req.t = translator('en');
    if (status === 429) return ctx.error(req, reply, 429, req.t('signIn.tooMany'));
    if (typeof err.code === 'string' && err.code.startsWith('FST_CSRF')) return ctx.error(req, reply, 403, req.t('error.csrf'));
    if (status >= 500) {
      engine.log.error({ err: err.message, url: req.routeOptions.url }, 'web request failed');
      return ctx.error(req, reply, 500);
    }
    return ctx.error(req, reply, status);
  });
  app.setNotFoundHandler((req, reply) => ctx.error(req, reply, 404));

  // Assets from the package itself (no CDN): the stylesheet and script, and htmx from its npm package.
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./assets/', import.meta.url)), prefix: '/assets/', decorateReply: false, index: false, list: false,
    cacheControl: true, maxAge: '1h', dotfiles: 'deny',
  });
  const htmx = readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));
  app.get('/assets/htmx.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(htmx));

  registerHealth(app, ctx, metrics);
  registerAuth(app, ctx, opts.signIn ?? oidcSignInExtras(ctx));
  // The OIDC client secret is resolved here, not at config load (as the session secret): only the console needs it.
  const oidcSecret = opts.oidcClientSecret ?? (web.oidc?.clientSecret !== undefined ? resolveSecret(web.oidc.clientSecret, 'web.oidc.clientSecret') : undefined);
  registerOidc(app, ctx, oidcClientFor(ctx, oidcSecret));
  registerLang(app, ctx);
  registerDashboard(app, ctx);
  registerPlan(app, ctx);
  registerPersons(app, ctx);
  registerHolds(app, ctx);
  if (opts.webhook) registerWebhookRoute(app, { ...opts.webhook, engine });
  for (const area of [...AREAS, ...(opts.areas ?? [])]) await area(app, ctx);
  await app.ready();
  return app;
}
