/**
 * `web:` in cadre.yaml: the console (`cadre serve`). Everything is optional with defaults, so configs without a
 * console stay valid; `sessionSecret` is only required when the console runs ({@link webSecrets}).
 */
import { z } from 'zod';
import { ROLES } from '../core/roles.js';
import { durationMs } from '../engine/duration.js';

const LOOPBACK_ISSUER = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration like 30s, 5m, 1h, 7d');

/** OIDC sign-in (optional). Secrets as `env:NAME` or `file:/path`. */
export const webOidcGuard = z.object({
  issuer: z.string().url(),
  /** Shown on the sign-in button ("Sign in with <name>"); default the issuer's host. */
  name: z.string().min(1).max(64).optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** Claim holding the user's groups or roles (a string or a string array). */
  rolesClaim: z.string().min(1).default('groups'),
  /** Role → claim values that grant it. The first role in admin, helpdesk, manager, auditor order wins. */
  roleMap: z.partialRecord(z.enum(ROLES), z.array(z.string().min(1))).default({}),
  /** Claim whose value matches a Personio person's email (links managers to their reports). */
  personClaim: z.string().min(1).default('email'),
}).strict()
  // The client refuses these at sign-in; `cadre validate` says so first.
  .refine((o) => o.issuer.startsWith('https://') || LOOPBACK_ISSUER.test(o.issuer), { message: 'the issuer must be https (plain http only on this machine: localhost, 127.0.0.1, [::1])', path: ['issuer'] })
  .refine((o) => Object.values(o.roleMap).some((groups) => (groups ?? []).length > 0), { message: 'roleMap maps no group to a role, so nobody could sign in through OIDC', path: ['roleMap'] })
  .refine((o) => o.scopes.includes('openid'), { message: 'scopes must include openid', path: ['scopes'] });

/** `web:`. */
export const webGuard = z.object({
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  /** Base URL users reach the console at (OIDC redirects); cookies are `secure` when it is https. */
  publicUrl: z.string().url().default('http://localhost:8080'),
  /** At least 32 characters once resolved; required by `cadre serve` only. */
  sessionSecret: z.string().min(1).optional(),
  /** A session unused this long ends (rolling). */
  idleTimeout: duration.default('30m'),
  /** A session ends this long after sign-in, used or not. */
  absoluteTimeout: duration.default('12h'),
  /** Sign-in attempts per client address and window. */
  signInRateLimit: z.object({ max: z.number().int().positive().default(5), window: duration.default('1m') }).strict().default({ max: 5, window: '1m' }),
  oidc: webOidcGuard.optional(),
}).strict()
  .refine((w) => (durationMs(w.absoluteTimeout) ?? 0) >= (durationMs(w.idleTimeout) ?? 0), { message: 'absoluteTimeout must not be shorter than idleTimeout', path: ['absoluteTimeout'] });

/** The default `web:` section. */
export const WEB_DEFAULTS = {
  port: 8080, host: '127.0.0.1', publicUrl: 'http://localhost:8080', idleTimeout: '30m', absoluteTimeout: '12h',
  signInRateLimit: { max: 5, window: '1m' },
} as const;

/** A validated `web:` section. */
export type WebConfig = z.infer<typeof webGuard>;
/** A validated `web.oidc:` section. */
export type WebOidcConfig = z.infer<typeof webOidcGuard>;
