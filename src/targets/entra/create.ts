/**
 * Entra user lifecycle ends: create (idempotent: adopts an account with the same employeeId, and a
 * rehire within 30 days restores the soft-deleted account) and delete (soft, into deleted items).
 */
import { randomInt } from 'node:crypto';
import type { AttrValue, CreateOperation, Operation } from '../../core/model.js';
import { fail } from '../contract.js';
import type { ApplyContext, OperationResult } from '../contract.js';
import { EntraError } from './errors.js';
import { MANAGER_EXPAND, toWrite, USER_SELECT } from './mapping.js';
import { anchorOf, managerId, setManager } from './references.js';
import type { EntraSession, GraphUser } from './session.js';
import { converge } from './update.js';

/** Random initial password meeting Entra complexity (used only when the engine supplies none). */
function randomPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&*+-=?@^_'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)] as string);
  while (chars.length < 24) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/** `create`: adopt, restore (rehire) or create the person's user. */
export async function createUser(s: EntraSession, op: CreateOperation, ctx: ApplyContext): Promise<OperationResult> {
  const { opts, call, expect } = s;
  const what = `create user for person ${op.personId}`;
  const attrs: Record<string, AttrValue> = { ...(ctx.desired?.attributes ?? {}) };
  for (const c of op.changes) attrs[c.attribute] = c.to ?? null;
  const { enabled } = op;
  const employeeId = typeof attrs.employeeId === 'string' && attrs.employeeId ? attrs.employeeId : s.codec.render(op.personId);
  attrs.employeeId = employeeId;

  // Idempotent: an account with this employeeId is adopted (crash replay or pre-existing account).
  const live = await s.findUsers('employeeId', employeeId);
  if (live.length > 1) return fail('ENTRA_AMBIGUOUS', `${what}: ${live.length} accounts carry employeeId ${employeeId}; resolve by hand`);
  if (live[0]) {
    const changed = await converge(s, live[0], attrs, enabled, ctx, what);
    return { ok: true, anchor: live[0].id, adopted: true, note: changed.length > 0 ? `adopted existing account, updated ${changed.join(', ')}` : 'account already exists' };
  }
  // Rehire within 30 days: restore the soft-deleted account instead of creating a second one.
  const deleted = (await s.deletedByEmployeeId()).get(employeeId) ?? [];
  if (deleted.length > 0) {
    const latest = [...deleted].sort((a, b) => b.deletedDateTime.localeCompare(a.deletedDateTime))[0] as { id: string };
    expect(await call('POST', `/directory/deletedItems/${latest.id}/restore`, {}), [200], `${what} (restore from deleted items)`);
    s.forgetDeleted();
    // The engine hands out the secret as the new initial password: set it, or the rehire keeps the old one.
    if (ctx.secret) expect(await call('PATCH', `/users/${latest.id}`, { passwordProfile: { forceChangePasswordNextSignIn: true, password: ctx.secret } }), [204], `${what} (new initial password)`);
    const restored = expect(await call('GET', `/users/${latest.id}?$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}`), [200], what).body as GraphUser;
    const changed = await converge(s, restored, attrs, enabled, ctx, what);
    return { ok: true, anchor: latest.id, note: `restored from deleted items (rehire)${changed.length > 0 ? `, updated ${changed.join(', ')}` : ''}` };
  }
  const write = toWrite(Object.entries(attrs).map(([attribute, to]) => ({ attribute, to })), what, true);
  const body: Record<string, unknown> = Object.fromEntries(Object.entries(write.body).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
  if (typeof body.mailNickname !== 'string' && typeof body.userPrincipalName === 'string') body.mailNickname = body.userPrincipalName.split('@')[0];
  const missing = ['displayName', 'userPrincipalName', 'mailNickname'].filter((k) => typeof body[k] !== 'string');
  if (missing.length > 0) return fail('ENTRA_INVALID', `${what}: required attribute(s) missing: ${missing.join(', ')}`);
  body.accountEnabled = enabled;
  body.usageLocation ??= opts.usageLocation;
  body.passwordProfile = { forceChangePasswordNextSignIn: true, password: ctx.secret ?? randomPassword() };
  const res = expect(await call('POST', '/users', body), [201], what);
  const id = (res.body as { id: string }).id;
  const notes: string[] = [];
  if (write.manager !== undefined && write.manager !== null) {
    try {
      await setManager(s, id, await managerId(s, write.manager, ctx, what), what);
    } catch (err) {
      if (!(err instanceof EntraError) || err.transient) throw err;
      notes.push(`manager not set: ${err.message}`);
    }
  }
  if (write.skipped.length > 0) notes.push(`not writable in Graph: ${write.skipped.join(', ')}`);
  return notes.length > 0 ? { ok: true, anchor: id, note: notes.join('; ') } : { ok: true, anchor: id };
}

/** `delete`: soft delete into deleted items (restorable for 30 days); an absent account is fine. */
export async function deleteUser(s: EntraSession, op: Operation, ctx: ApplyContext): Promise<OperationResult> {
  const anchor = await anchorOf(s, op, ctx);
  if (!anchor) return { ok: true, note: 'no account to delete' };
  const res = await s.call('DELETE', `/users/${anchor}`);
  if (res.status === 404) return { ok: true, anchor, note: 'already deleted' };
  s.expect(res, [204], `delete user ${anchor} (person ${op.personId})`);
  s.forgetDeleted();
  return { ok: true, anchor, note: 'moved to deleted items (restorable for 30 days)' };
}
