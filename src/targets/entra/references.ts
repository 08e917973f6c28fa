/**
 * Resolving the accounts an Entra write refers to: the user an operation targets and the manager
 * reference (`ref:<personId>` → object id), plus writing the manager link.
 */
import type { AttrValue, Operation } from '../../core/model.js';
import type { ApplyContext } from '../contract.js';
import { EntraError, mapGraphError } from './errors.js';
import type { EntraSession, GraphUser } from './session.js';

/** The account an operation targets: its anchor, or the one account with the person's employeeId. */
export async function anchorOf(s: EntraSession, op: Operation, ctx: ApplyContext): Promise<string | undefined> {
  const a = op.anchor ?? ctx.current?.anchor;
  if (a) return a;
  const cid = ctx.desired?.attributes.employeeId;
  const correlation = typeof cid === 'string' && cid ? cid : s.codec.render(op.personId);
  const found = await s.findUsers('employeeId', correlation);
  if (found.length > 1) throw new EntraError('ENTRA_AMBIGUOUS', `${op.action} for person ${op.personId}: ${found.length} accounts carry employeeId ${correlation}; resolve by hand`);
  return found[0]?.id;
}

/** Object id of the manager a value names (`ref:<personId>` resolved via the plan, then by employeeId); null clears. */
export async function managerId(s: EntraSession, value: AttrValue, ctx: ApplyContext, what: string): Promise<string | null> {
  if (value === null || value === '') return null;
  const v = String(value);
  if (!v.startsWith('ref:')) return v;
  const pid = v.slice(4);
  const anchor = await ctx.resolveAnchor(pid);
  if (anchor) return anchor;
  const found = await s.findUsers('employeeId', s.codec.render(pid));
  if (found.length === 1) return (found[0] as GraphUser).id;
  throw new EntraError('ENTRA_REFERENCE_UNRESOLVED', `${what}: manager ${pid} has ${found.length === 0 ? 'no' : 'more than one'} account in ${s.name}`);
}

/** Set (or, with null, remove) a user's manager link; removing an absent link is fine. */
export async function setManager(s: EntraSession, id: string, mgr: string | null, what: string): Promise<void> {
  if (mgr === null) {
    const res = await s.call('DELETE', `/users/${id}/manager/$ref`);
    if (res.status !== 204 && res.status !== 404) throw mapGraphError(res, what);
    return;
  }
  s.expect(await s.call('PUT', `/users/${id}/manager/$ref`, { '@odata.id': `${s.http.base}/users/${mgr}` }), [204], what);
}
