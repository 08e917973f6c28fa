/**
 * Entra writes to an existing user: attribute updates and name changes (rename = update in Graph),
 * enable/disable (with optional session revocation and licence removal), password reset, and the
 * convergence used when a create adopts or restores an account.
 */
import type { AttrValue, Operation } from '../../core/model.js';
import { fail, sameValue } from '../contract.js';
import type { ApplyContext, OperationResult } from '../contract.js';
import { fromGraph, licenceHolding, toWrite } from './mapping.js';
import { managerId, setManager } from './references.js';
import type { EntraSession, GraphUser } from './session.js';

/** PATCH whatever differs from the desired attributes/enabled flag (adoption and restore); returns the properties written. */
export async function converge(s: EntraSession, u: GraphUser, attrs: Record<string, AttrValue>, enabled: boolean, ctx: ApplyContext, what: string): Promise<string[]> {
  const current = fromGraph(u);
  const diffs = Object.entries(attrs).filter(([k, v]) => k !== 'manager' && k !== 'proxyAddresses' && !sameValue(current[k], v)).map(([attribute, to]) => ({ attribute, to }));
  const write = toWrite(diffs, what, s.opts.upnFollowsName);
  const body: Record<string, unknown> = { ...write.body };
  if (u.accountEnabled !== enabled) body.accountEnabled = enabled;
  if (Object.keys(body).length > 0) s.expect(await s.call('PATCH', `/users/${u.id}`, body), [204], what);
  if (attrs.manager !== undefined) {
    const mgr = await managerId(s, attrs.manager, ctx, what);
    const have = (u.manager as { id?: string } | undefined)?.id ?? null;
    if (mgr !== have) await setManager(s, u.id, mgr, what);
  }
  return Object.keys(body);
}

/** `update` / `rename`: write the changed attributes (and the manager link). */
export async function updateUser(s: EntraSession, op: Operation, ctx: ApplyContext, anchor: string): Promise<OperationResult> {
  const what = `${op.action} user ${anchor} (person ${op.personId})`;
  const write = toWrite(op.changes, what, s.opts.upnFollowsName);
  // Resolve the manager first: an unresolvable reference must change nothing.
  const mgr = write.manager !== undefined ? await managerId(s, write.manager, ctx, what) : undefined;
  if (Object.keys(write.body).length > 0) s.expect(await s.call('PATCH', `/users/${anchor}`, write.body), [204], what);
  else if (mgr !== undefined) s.expect(await s.call('GET', `/users/${anchor}?$select=id`), [200], what);
  if (mgr !== undefined) await setManager(s, anchor, mgr, what);
  const notes: string[] = [];
  if (write.skipped.includes('userPrincipalName')) notes.push('userPrincipalName kept (upnFollowsName is off)');
  if (write.skipped.includes('proxyAddresses')) notes.push('proxyAddresses are read-only in Graph (a mail change keeps the old address as smtp: alias)');
  return notes.length > 0 ? { ok: true, anchor, note: notes.join('; ') } : { ok: true, anchor };
}

/** `enable` / `disable`; a disable may also revoke sessions and remove managed licences (options). */
export async function setEnabled(s: EntraSession, op: Operation, anchor: string, enabled: boolean): Promise<OperationResult> {
  const { opts, call, expect, resolver } = s;
  const what = `${op.action} user ${anchor} (person ${op.personId})`;
  // A disable reads first: a user someone disabled already (a lock made after the state this plan came from) is
  // reported unchanged, so the engine does not record the lock as Cadre's (a rehire would lift it).
  const was = enabled ? undefined : (expect(await call('GET', `/users/${anchor}?$select=id,accountEnabled`), [200], what).body as GraphUser).accountEnabled;
  const unchanged = !enabled && was === false;
  if (!unchanged) expect(await call('PATCH', `/users/${anchor}`, { accountEnabled: enabled }), [204], what);
  const notes: string[] = unchanged ? ['already disabled'] : [];
  if (!enabled && opts.revokeSessionsOnDisable) {
    expect(await call('POST', `/users/${anchor}/revokeSignInSessions`, {}), [200, 204], `${what}: revoke sign-in sessions`);
    notes.push('sign-in sessions revoked');
  }
  if (!enabled && opts.removeLicencesOnDisable) {
    const u = expect(await call('GET', `/users/${anchor}?$select=id,assignedLicenses,licenseAssignmentStates`), [200], what).body as GraphUser;
    const remove: string[] = [];
    // Only direct assignments: group-assigned licences go with the group membership.
    for (const skuId of licenceHolding(u).direct) if (await resolver.licenceName(skuId)) remove.push(skuId);
    if (remove.length > 0) {
      expect(await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [], removeLicenses: remove }), [200], `${what}: remove licences`);
      notes.push(`${remove.length} licence(s) removed`);
    }
  }
  return { ok: true, anchor, ...(notes.length > 0 ? { note: notes.join('; ') } : {}), ...(unchanged ? { unchanged: true } : {}) };
}

/** `setPassword`: the engine-supplied secret becomes a new initial password (change forced at sign-in). */
export async function setPassword(s: EntraSession, op: Operation, ctx: ApplyContext, anchor: string): Promise<OperationResult> {
  if (!ctx.secret) return fail('ENTRA_INVALID', `setPassword for person ${op.personId}: no password supplied`);
  s.expect(await s.call('PATCH', `/users/${anchor}`, { passwordProfile: { forceChangePasswordNextSignIn: true, password: ctx.secret } }), [204], `setPassword for user ${anchor} (person ${op.personId})`);
  return { ok: true, anchor };
}
