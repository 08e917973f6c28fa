/**
 * OIDC sign-in routes (registered only when `web.oidc` is configured):
 * - `GET /auth/oidc` keeps state, nonce and the PKCE verifier in the server-side session and redirects to the IdP;
 * - `GET /auth/oidc/callback` lets openid-client exchange the code and validate the ID token, maps the groups claim
 *   to a role (`roleMap`), links a manager to their Personio person by the person claim, and signs in under a new
 *   session id. A user with no mapped group, or a manager whose person cannot be found, is refused with a page that
 *   says why, and the refusal is audited (`web.signIn.refused`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebOidcConfig } from '../../config/schema-web.js';
import { durationMs } from '../../engine/duration.js';
import { findPersonByEmail } from '../../engine/person-by-email.js';
import { claimGroups, displayName, mapRole, personClaimValue, principalId, type Claims } from '../auth/claims.js';
import { createOidcClient, OidcError, type OidcClient, type PendingOidc } from '../auth/oidc.js';
import { nextPath, signIn } from '../auth/session.js';
import type { Principal, WebContext } from '../context.js';
import type { SignInExtras } from './auth.js';
import { oidcRefusedView } from '../views/auth-oidc.js';

declare module 'fastify' {
  interface Session {
    /** An OIDC sign-in in progress (one-time values; never sent to the browser). */
    oidc?: PendingOidc;
  }
}

/** The path that starts an OIDC sign-in. */
export const OIDC_START = '/auth/oidc';
/** The redirect URI path (register `<publicUrl>/auth/oidc/callback` at the IdP). */
export const OIDC_CALLBACK = '/auth/oidc/callback';

/** The name on the sign-in button: `web.oidc.name`, else the issuer's host. */
export function oidcProviderName(oidc: WebOidcConfig): string {
  return oidc.name ?? new URL(oidc.issuer).host;
}

/** What the local sign-in page shows for OIDC (nothing when it is not configured). */
export function oidcSignInExtras(ctx: Pick<WebContext, 'web'>): SignInExtras {
  const oidc = ctx.web.oidc;
  return oidc ? { oidc: { href: OIDC_START, provider: oidcProviderName(oidc) } } : {};
}

/** Build the flow for the configured IdP (the client secret resolved by the caller). */
export function oidcClientFor(ctx: Pick<WebContext, 'web'>, clientSecret: string | undefined): OidcClient | undefined {
  const oidc = ctx.web.oidc;
  if (!oidc) return undefined;
  const redirectUri = new URL(OIDC_CALLBACK, ctx.web.publicUrl).href;
  return createOidcClient({
    issuer: oidc.issuer, clientId: oidc.clientId, ...(clientSecret ? { clientSecret } : {}), scopes: oidc.scopes, redirectUri,
    neededClaims: [oidc.rolesClaim, ...(oidc.personClaim ? [oidc.personClaim] : [])],
  });
}

type Refusal = 'noRole' | 'noPerson' | 'ambiguousPerson';

/** Register the OIDC routes when `web.oidc` is configured. */
export function registerOidc(app: FastifyInstance, ctx: WebContext, client: OidcClient | undefined): void {
  const oidc = ctx.web.oidc;
  if (!oidc || !client) return;
  const limit = ctx.web.signInRateLimit;
  const rateLimit = { max: limit.max, timeWindow: durationMs(limit.window) ?? 60_000 };

  const failed = async (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    const code = err instanceof OidcError ? err.code : 'OIDC_ERROR';
    ctx.engine.log.warn({ code, err: err instanceof Error ? err.message : String(err) }, 'OIDC sign-in failed');
    await ctx.engine.audit.record({ actor: 'web:anonymous', event: 'web.signIn.failed', payload: { via: 'oidc', code, ip: req.ip } });
    const t = req.t;
    const message = code === 'OIDC_UNAVAILABLE' ? t('oidc.unavailable') : code === 'OIDC_IDP_ERROR' ? t('oidc.idpError') : t('oidc.failed');
    return ctx.page(req, reply, {
      title: t('oidc.failedTitle'),
      status: code === 'OIDC_UNAVAILABLE' ? 503 : 400,
      body: oidcRefusedView({ message, retry: OIDC_START }, t),
    });
  };

  const refuse = async (req: FastifyRequest, reply: FastifyReply, why: Refusal, claims: Claims, extra: Record<string, unknown> = {}) => {
    const id = principalId(claims);
    const groups = claimGroups(claims, oidc.rolesClaim);
    await ctx.engine.audit.record({ actor: `web:${id}`, event: 'web.signIn.refused', payload: { via: 'oidc', reason: why, sub: claims.sub, groups, ip: req.ip, ...extra } });
    const t = req.t;
    const vars = { user: id, claim: oidc.rolesClaim, person: oidc.personClaim ?? '' };
    return ctx.page(req, reply, {
      title: t('oidc.refusedTitle'),
      status: 403,
      body: oidcRefusedView({ message: t(`oidc.refused.${why}`, vars), ...(why === 'noRole' ? { groups } : {}) }, t),
    });
  };

  app.get<{ Querystring: { next?: string } }>(OIDC_START, { config: { rateLimit } }, async (req, reply) => {
    if (req.principal) return reply.redirect(nextPath(req.query.next));
    try {
      const { url, pending } = await client.begin();
      req.session.oidc = pending;
      req.session.next = nextPath(req.query.next);
      return reply.redirect(url, 302);
    } catch (err) {
      return failed(req, reply, err);
    }
  });

  app.get(OIDC_CALLBACK, { config: { rateLimit } }, async (req, reply) => {
    // One-time: whatever happens next, this session's pending values are gone.
    const pending = req.session.oidc;
    const next = nextPath(req.session.next);
    req.session.oidc = undefined;
    req.session.next = undefined;
    const q = req.url.indexOf('?');
    let claims: Claims;
    let sub: string;
    try {
      ({ claims, sub } = await client.complete(q < 0 ? '' : req.url.slice(q), pending));
    } catch (err) {
      return failed(req, reply, err);
    }
    const role = mapRole(claims, { rolesClaim: oidc.rolesClaim, roleMap: oidc.roleMap });
    if (!role) return refuse(req, reply, 'noRole', claims);
    let personId: string | undefined;
    if (role === 'manager') {
      const value = personClaimValue(claims, oidc.personClaim);
      const found = value ? await findPersonByEmail(ctx.engine, value) : { kind: 'none' as const };
      if (found.kind === 'ambiguous') return refuse(req, reply, 'ambiguousPerson', claims, { role, personIds: found.personIds });
      if (found.kind === 'none') return refuse(req, reply, 'noPerson', claims, { role });
      personId = found.person.id;
    }
    const groups = claimGroups(claims, oidc.rolesClaim);
    const principal: Principal = { id: principalId(claims), name: displayName(claims), role, via: 'oidc', groups, ...(personId !== undefined ? { personId } : {}) };
    await signIn(req, principal, ctx.now().getTime());
    await ctx.engine.audit.record({
      actor: ctx.actor(principal), event: 'web.signIn',
      payload: { via: 'oidc', role, sub, issuer: oidc.issuer, groups, ip: req.ip, ...(personId !== undefined ? { personId } : {}) },
    });
    return reply.redirect(next, 303);
  });
}
