/**
 * Approver delegation: an approver lets another user decide in their place for a period. A delegation is personal
 * (it covers the approver's principal id and person id, not the OIDC groups they belong to: the other members of an
 * owner group still decide). A delegate never decides a request for themselves, and never stands in for the
 * requester's own approver reference (a manager who requests cannot have their stage approved by their delegate).
 */
import { addDays, localDate } from '../../core/lifecycle.js';
import { names } from '../../core/requests/policy.js';
import { startOfLocalDay } from '../../core/rules/filetime.js';
import type { AccessRequest, Delegation } from '../../store/types.js';
import type { Engine } from '../engine.js';
import { findPersonByEmail } from '../person-by-email.js';
import { RequestError } from './errors.js';
import type { RequestPrincipal } from './service.js';

/**
 * The approver references that name the requester or the person of a request: the requester's principal id, the
 * person linked to the requester (a local user's person, or the HR person with an OIDC requester's e-mail), and the
 * person. A delegation from one of these does not count.
 */
export async function ownRefs(engine: Engine, r: AccessRequest): Promise<ReadonlySet<string>> {
  const out = new Set([r.requester, r.personId]);
  const user = await engine.store.users.byUsername(r.requester);
  if (user?.personId !== undefined) out.add(user.personId);
  else if (r.requester.includes('@')) {
    const found = await findPersonByEmail(engine, r.requester);
    if (found.kind === 'found') out.add(found.person.id);
  }
  return out;
}

/** Delegations in force at `now` (ISO). */
export async function activeDelegations(engine: Engine, now: string): Promise<Delegation[]> {
  return (await engine.store.requests.delegations()).filter((d) => d.from <= now && now < d.until);
}

/**
 * The principal id a delegate is named by: a local user (by name, case-insensitive), an HR person id, or an e-mail
 * address (the id of a principal signed in with OIDC; lower case). Anything else is a coded error: a typo would
 * otherwise delegate to nobody.
 */
async function delegateRef(engine: Engine, to: string): Promise<string> {
  const v = to.trim();
  if (v === '' || v.startsWith('group:')) throw new RequestError('REQUEST_DELEGATE', 'delegate to one user (a user name, person id or e-mail address)');
  const user = await engine.store.users.byUsername(v);
  if (user) return user.username;
  if (await engine.store.persons.get(v)) return v;
  if (/^[^\s@]+@[^\s@]+$/.test(v)) return v.toLowerCase();
  throw new RequestError('REQUEST_DELEGATE_UNKNOWN', `no user or person ${v.slice(0, 100)}`);
}

/** The end instant of a delegation: a last day (`YYYY-MM-DD`, inclusive, lifecycle time zone) or an instant. */
function untilOf(engine: Engine, until: string): string {
  const tz = engine.config.lifecycle.timezone;
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) return new Date(startOfLocalDay(addDays(until, 1), tz)).toISOString();
  const ms = Date.parse(until);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(until) || !Number.isFinite(ms)) throw new RequestError('REQUEST_DELEGATION_PERIOD', 'the last day of the delegation, as YYYY-MM-DD');
  return new Date(ms).toISOString();
}

/**
 * Let a delegate decide in the principal's place (as approver: their principal id and person id) from now until the
 * end of `until` (a last day or an instant). Audited `request.delegated`; refusals `request.delegated.refused`.
 */
export async function delegate(engine: Engine, p: RequestPrincipal, to: string, until: string): Promise<Delegation> {
  const actor = `web:${p.id}`;
  try {
    const from = engine.now().toISOString();
    const end = untilOf(engine, until.trim());
    if (Date.parse(end) <= Date.parse(from)) throw new RequestError('REQUEST_DELEGATION_PERIOD', 'a delegation ends in the future');
    const ref = await delegateRef(engine, to);
    if (names(ref, { id: p.id, ...(p.personId !== undefined ? { personId: p.personId } : {}) })) throw new RequestError('REQUEST_DELEGATE', 'delegate to someone else');
    const d: Delegation = { approver: p.id, delegate: ref, from, until: end };
    await engine.store.transaction(async (tx) => {
      for (const approver of [p.id, ...(p.personId !== undefined ? [p.personId] : [])]) await tx.requests.addDelegation({ ...d, approver });
      await engine.audit.recordIn(tx, { actor, event: 'request.delegated', payload: { delegate: ref, from, until: end, lastDay: localDate(new Date(Date.parse(end) - 1).toISOString(), engine.config.lifecycle.timezone) } });
    });
    return d;
  } catch (err) {
    if (err instanceof RequestError) await engine.audit.record({ actor, event: 'request.delegated.refused', payload: { delegate: to.slice(0, 100), until: until.slice(0, 40), code: err.code, reason: err.message } });
    throw err;
  }
}

/**
 * End the principal's delegation to `delegate` now (before its last day). Audited `request.delegation.ended`;
 * `REQUEST_DELEGATION_NONE` when none is running.
 */
export async function endDelegation(engine: Engine, p: RequestPrincipal, delegate: string): Promise<number> {
  const at = engine.now().toISOString();
  const approvers = [p.id, ...(p.personId !== undefined ? [p.personId] : [])];
  const ref = delegate.trim().slice(0, 200);
  const n = await engine.store.transaction(async (tx) => {
    const ended = await tx.requests.endDelegations(approvers, ref, at);
    if (ended > 0) await engine.audit.recordIn(tx, { actor: `web:${p.id}`, event: 'request.delegation.ended', payload: { delegate: ref, at } });
    return ended;
  });
  if (n === 0) throw new RequestError('REQUEST_DELEGATION_NONE', `no running delegation to ${ref}`);
  return n;
}

/** A principal's delegations that have not ended: the ones they gave and the ones they received (one row each). */
export async function delegationsOf(engine: Engine, p: RequestPrincipal): Promise<{ readonly given: Delegation[]; readonly received: Delegation[] }> {
  const now = engine.now().toISOString();
  const open = (await engine.store.requests.delegations()).filter((d) => now < d.until);
  const me = { id: p.id, ...(p.personId !== undefined ? { personId: p.personId } : {}) };
  // One row per delegation: a principal linked to a person stored two (principal id and person id), same period.
  const uniq = (list: Delegation[]): Delegation[] => [...new Map(list.map((d) => [`${d.delegate}\u0000${d.from}\u0000${d.until}`, d])).values()];
  return {
    given: uniq(open.filter((d) => names(d.approver, me))),
    received: uniq(open.filter((d) => names(d.delegate, me))),
  };
}
