/**
 * Signing in and out, shared by the local sign-in and OIDC: the session id is always regenerated when the
 * principal changes (no session fixation), and the sign-in instant starts the absolute time-out.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../context.js';

/** Start a signed-in session for `principal` under a new session id. */
export async function signIn(req: FastifyRequest, principal: Principal, now: number): Promise<void> {
  await req.session.regenerate();
  req.session.principal = principal;
  req.session.createdAt = now;
  req.session.seenAt = now;
  req.principal = principal;
}

/** End the session (its row is deleted) and continue with a fresh anonymous one carrying `notice`. */
export async function signOut(req: FastifyRequest, now: number, notice?: 'expired' | 'signedOut'): Promise<void> {
  await req.session.regenerate();
  req.session.seenAt = now;
  if (notice !== undefined) req.session.notice = notice;
  req.principal = undefined;
}

/** A safe local path to continue at after sign-in (no open redirect): `/…` but not `//…`, else `/`. */
export function nextPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  // No control characters at all: browsers drop tab/CR/LF inside a URL, so `/<TAB>/evil` would become `//evil`.
  if (/[\u0000-\u001f\u007f]/.test(value)) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
