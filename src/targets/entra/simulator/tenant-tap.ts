/**
 * Temporary Access Passes of the simulated tenant (Graph v1.0 `temporaryAccessPassAuthenticationMethod`, created
 * with `POST /users/{id}/authentication/temporaryAccessPassMethods`), bounded by the tenant's Temporary Access Pass
 * policy (`temporaryAccessPassAuthenticationMethodConfiguration`). What the docs say, and the simulator does:
 * - one pass per user; a create while one exists deletes the old pass and makes a new one;
 * - `lifetimeInMinutes` must lie within the policy's minimum and maximum (the policy itself within 10–43200;
 *   Entra's defaults: 60, 480, default 60); outside: 400 `badRequest` "Invalid LifetimeInMinutes specified. The
 *   valid range between 60 and 480." (the message Graph returns, microsoft-graph-docs PR #12187);
 * - without `lifetimeInMinutes` the policy default applies; without `startDateTime` the pass is usable at once;
 * - a policy with `isUsableOnce: true` makes every pass one-time (a multi-use request is refused);
 * - `temporaryAccessPass` is returned by the create only; every read returns it as null;
 * - `isUsable`/`methodUsabilityReason` are computed at read time: `NotYetValid` before the start, `Expired` after
 *   start + lifetime, `OneTimeUsed` after a one-time pass signed in, `DisabledByPolicy` with the policy disabled,
 *   else `EnabledByPolicy`.
 * The pass value is kept only as a sha256 hash, for {@link tapSignIn} (sign-in checks in tests).
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { GraphError } from './errors.js';
import type { JsonObject } from './tenant-model.js';

/** The tenant's Temporary Access Pass policy. */
export interface TapPolicy {
  state: 'enabled' | 'disabled';
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  isUsableOnce: boolean;
}

/** Entra's documented defaults (how-to: configure Temporary Access Pass, policy settings table). */
export const DEFAULT_TAP_POLICY: TapPolicy = {
  state: 'enabled', minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, defaultLength: 8, isUsableOnce: false,
};

/** One stored pass (never the value, only its hash). */
export interface SimTap {
  readonly id: string;
  readonly createdDateTime: string;
  readonly startDateTime: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
  readonly passHash: string;
  used: boolean;
}

/** What the tenant lends this module. */
export interface TapHost {
  now(): Date;
  readonly taps: Map<string, SimTap>;
  tapPolicy: TapPolicy;
}

const bad = (message: string): GraphError => new GraphError(400, 'badRequest', message);
const iso = (d: Date): string => d.toISOString().replace(/\.000Z$/, 'Z');
const hash = (pass: string): string => createHash('sha256').update(pass).digest('hex');
// Letters, digits and a few symbols, as Entra's passes look ("+drkzqAD").
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+-#%@$!';

/** Check a policy change (GET/PATCH of the policy is not served; tests and `cadre sim graph` set it). */
export function checkPolicy(p: TapPolicy): void {
  const inRange = (n: number): boolean => Number.isInteger(n) && n >= 10 && n <= 43200;
  if (![p.minimumLifetimeInMinutes, p.maximumLifetimeInMinutes, p.defaultLifetimeInMinutes].every(inRange)) throw new Error('TAP policy lifetimes must be integers within 10..43200');
  if (p.minimumLifetimeInMinutes > p.maximumLifetimeInMinutes) throw new Error('TAP policy minimum exceeds its maximum');
  if (p.defaultLifetimeInMinutes < p.minimumLifetimeInMinutes || p.defaultLifetimeInMinutes > p.maximumLifetimeInMinutes) throw new Error('TAP policy default lifetime lies outside minimum..maximum');
  if (!Number.isInteger(p.defaultLength) || p.defaultLength < 8 || p.defaultLength > 48) throw new Error('TAP policy length must be 8..48');
}

/** Usability of a pass at the tenant's now. */
function usability(t: TapHost, tap: SimTap): { isUsable: boolean; methodUsabilityReason: string } {
  const now = t.now().getTime();
  const start = Date.parse(tap.startDateTime);
  const reason = t.tapPolicy.state === 'disabled' ? 'DisabledByPolicy'
    : now < start ? 'NotYetValid'
      : now >= start + tap.lifetimeInMinutes * 60_000 ? 'Expired'
        : tap.used && tap.isUsableOnce ? 'OneTimeUsed'
          : 'EnabledByPolicy';
  return { isUsable: reason === 'EnabledByPolicy', methodUsabilityReason: reason };
}

/** The resource as Graph renders it; `pass` only on the create response. */
export function renderTap(t: TapHost, tap: SimTap, pass?: string): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    id: tap.id,
    temporaryAccessPass: pass ?? null,
    createdDateTime: tap.createdDateTime,
    startDateTime: tap.startDateTime,
    lifetimeInMinutes: tap.lifetimeInMinutes,
    isUsableOnce: tap.isUsableOnce,
    ...usability(t, tap),
  };
}

/** POST …/temporaryAccessPassMethods for a live user: validates, replaces any existing pass, returns the new one. */
export function createTap(t: TapHost, userId: string, body: unknown): { tap: SimTap; pass: string } {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined) as Record<string, unknown> | undefined;
  if (!b) throw bad('Invalid request body.');
  const p = t.tapPolicy;
  if (p.state !== 'enabled') throw bad('Temporary Access Pass authentication method is not enabled by the authentication methods policy.');
  for (const k of Object.keys(b)) {
    if (!['@odata.type', 'startDateTime', 'lifetimeInMinutes', 'isUsableOnce'].includes(k)) throw bad(`Invalid property '${k}'.`);
  }
  let lifetime = p.defaultLifetimeInMinutes;
  if (b.lifetimeInMinutes !== undefined && b.lifetimeInMinutes !== null) {
    if (typeof b.lifetimeInMinutes !== 'number' || !Number.isInteger(b.lifetimeInMinutes)) throw bad('Invalid value for lifetimeInMinutes.');
    lifetime = b.lifetimeInMinutes;
  }
  if (lifetime < p.minimumLifetimeInMinutes || lifetime > p.maximumLifetimeInMinutes) {
    throw bad(`Invalid LifetimeInMinutes specified. The valid range between ${p.minimumLifetimeInMinutes} and ${p.maximumLifetimeInMinutes}.`);
  }
  if (b.isUsableOnce !== undefined && b.isUsableOnce !== null && typeof b.isUsableOnce !== 'boolean') throw bad('Invalid value for isUsableOnce.');
  if (p.isUsableOnce && b.isUsableOnce === false) throw bad('The authentication methods policy allows only one-time use Temporary Access Passes.');
  const isUsableOnce = p.isUsableOnce || b.isUsableOnce === true;
  const now = t.now();
  let start = now;
  if (b.startDateTime !== undefined && b.startDateTime !== null) {
    // DateTimeOffset: an ISO 8601 instant with a zone (Z or ±hh:mm).
    const ok = typeof b.startDateTime === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(b.startDateTime) && !Number.isNaN(Date.parse(b.startDateTime));
    if (!ok) throw bad('Invalid value for startDateTime.');
    start = new Date(Date.parse(b.startDateTime as string));
  }
  let pass = '';
  for (let i = 0; i < p.defaultLength; i += 1) pass += ALPHABET[randomInt(ALPHABET.length)];
  const tap: SimTap = {
    id: randomUUID(), createdDateTime: now.toISOString().replace(/Z$/, '0000Z'), startDateTime: iso(start),
    lifetimeInMinutes: lifetime, isUsableOnce, passHash: hash(pass), used: false,
  };
  // One pass per user: the previous one is deleted.
  t.taps.set(userId, tap);
  return { tap, pass };
}

/** GET of the pass by id; 404 as Graph answers for an unknown method id. */
export function tapById(t: TapHost, userId: string, id: string): SimTap {
  const tap = t.taps.get(userId);
  if (!tap || tap.id !== id) throw new GraphError(404, 'itemNotFound', `The requested authentication method '${id}' was not found.`);
  return tap;
}

/** Sign-in with a pass (tests): true when it is the user's usable pass; a one-time pass is used up. */
export function tapSignIn(t: TapHost, userId: string, pass: string): boolean {
  const tap = t.taps.get(userId);
  if (!tap || tap.passHash !== hash(pass) || !usability(t, tap).isUsable) return false;
  tap.used = true;
  return true;
}
