/**
 * Sessions: @fastify/cookie + @fastify/session with the store's `web_sessions` table, CSRF protection bound to
 * the session (@fastify/csrf-protection), and the principal of every request with the idle and absolute time-outs.
 *
 * Cookie: HttpOnly, `secure` when `publicUrl` is https, SameSite=Lax. Lax rather than Strict because an OIDC sign-in
 * comes back as a top-level GET from the identity provider's site: with Strict that request carries no cookie,
 * the state stored in the session is lost and the sign-in fails. Lax still withholds the cookie from cross-site
 * POSTs (and every state change is a POST with a CSRF token on top). No `Max-Age`: the cookie ends with the
 * browser; the server enforces the time-outs whatever the browser keeps.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import type { FastifyInstance, FastifyRequest, Session } from 'fastify';
import type { WebConfig } from '../../config/schema-web.js';
import { durationMs } from '../../engine/duration.js';
import type { Store } from '../../store/types.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'cadre_sid';

/** Refresh `seenAt` (one store write) at most this often per session: the idle time-out is exact to a minute. */
const SEEN_RESOLUTION_MS = 60_000;

/** Time-outs in milliseconds. */
export interface Timeouts {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

/** The time-outs of a `web:` section. */
export function timeoutsOf(web: WebConfig): Timeouts {
  return { idleMs: durationMs(web.idleTimeout) ?? 30 * 60_000, absoluteMs: durationMs(web.absoluteTimeout) ?? 12 * 3_600_000 };
}

/** When a session's row may be deleted: idle after its last use, and never after the absolute limit. */
export function sessionExpiry(data: Partial<Session>, now: number, t: Timeouts): number {
  const idle = (data.seenAt ?? now) + t.idleMs;
  return data.createdAt !== undefined ? Math.min(idle, data.createdAt + t.absoluteMs) : idle;
}

function storeAdapter(store: Store, now: () => number, t: Timeouts) {
  return {
    set(sid: string, s: Session, cb: (err?: unknown) => void): void {
      const data = JSON.stringify(s);
      const expiresAt = new Date(sessionExpiry(s, now(), t)).toISOString();
      store.sessions.set(sid, { data, expiresAt }).then(() => cb(), cb);
    },
    get(sid: string, cb: (err: unknown, result?: Session | null) => void): void {
      store.sessions.get(sid, new Date(now()).toISOString()).then((rec) => {
        if (!rec) return cb(null, null);
        try {
          cb(null, JSON.parse(rec.data) as Session);
        } catch {
          cb(null, null);
        }
      }, (err: unknown) => cb(err));
    },
    destroy(sid: string, cb: (err?: unknown) => void): void {
      store.sessions.destroy(sid).then(() => cb(), cb);
    },
  };
}

/** Register cookie, session and CSRF plugins. */
export async function registerSession(app: FastifyInstance, opts: {
  readonly store: Store; readonly web: WebConfig; readonly secret: string; readonly now: () => number;
}): Promise<void> {
  const t = timeoutsOf(opts.web);
  const secure = new URL(opts.web.publicUrl).protocol === 'https:';
  await app.register(cookie);
  await app.register(session, {
    secret: opts.secret,
    cookieName: SESSION_COOKIE,
    cookie: { httpOnly: true, secure, sameSite: 'lax', path: '/' },
    store: storeAdapter(opts.store, opts.now, t),
    // No row for visitors who never got a form (health checks, assets); a CSRF token creates the session.
    saveUninitialized: false,
    // Saved when changed; `seenAt` changes at most once a minute, which keeps the idle time-out rolling.
    rolling: false,
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });
}

/** Whether the request's session outlived a time-out. */
export function sessionExpired(s: Partial<Session>, now: number, t: Timeouts): boolean {
  if (s.createdAt !== undefined && now - s.createdAt >= t.absoluteMs) return true;
  return s.seenAt !== undefined && now - s.seenAt >= t.idleMs;
}

/** Note a use of the session (rolling idle time-out); writes only when the last note is older than a minute. */
export function touchSession(req: FastifyRequest, now: number): void {
  const seen = req.session.seenAt;
  if (seen === undefined || now - seen >= SEEN_RESOLUTION_MS) req.session.seenAt = now;
}
