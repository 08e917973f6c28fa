/**
 * Deleted items of the simulated tenant: soft delete (UPN prefixed with the object id, memberships
 * and manager links dropped), restore, 30-day retention and permanent deletion (tombstoned for delta).
 */
import { GraphError, MSG } from './errors.js';
import type { Tenant } from './tenant.js';
import { RETENTION_MS } from './tenant-model.js';
import type { SimUser } from './tenant-model.js';
import { checkUnique } from './tenant-validation.js';

/** Permanently remove soft-deleted users past the 30-day retention. */
export function purgeExpired(t: Tenant): void {
  const now = t.now().getTime();
  for (const u of [...t.users.values()]) {
    if (u.deleted && now - Date.parse(u.deleted.at) > RETENTION_MS) t.hardDelete(u.id);
  }
}

/** DELETE /users/{id}: soft delete into deleted items; the UPN is prefixed with the object id like Entra does. */
export function deleteUser(t: Tenant, idOrUpn: string): void {
  const u = t.user(idOrUpn);
  const upn = u.props.userPrincipalName as string;
  const at = t.now().toISOString();
  u.deleted = { at, upn };
  u.props.deletedDateTime = at;
  u.props.userPrincipalName = `${u.id.replace(/-/g, '')}${upn}`;
  for (const g of t.groups.values()) g.members = g.members.filter((m) => m !== u.id);
  for (const other of t.users.values()) if (other.managerId === u.id) other.managerId = null;
  t.bump(u);
}

/** A soft-deleted user by id; 404 otherwise. */
export function deletedUser(t: Tenant, id: string): SimUser {
  t.purgeExpired();
  const u = t.users.get(id);
  if (!u || !u.deleted) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(id));
  return u;
}

/** POST /directory/deletedItems/{id}/restore */
export function restoreUser(t: Tenant, id: string): SimUser {
  const u = t.deletedUser(id);
  const upn = u.deleted?.upn as string;
  checkUnique(t.liveUsers(), u.id, upn, u.props.mail as string | null, u.props.mailNickname as string, (u.props.proxyAddresses as string[] | null) ?? []);
  u.props.userPrincipalName = upn;
  u.props.deletedDateTime = null;
  u.deleted = null;
  t.bump(u);
  return u;
}

/** Permanent delete (DELETE /directory/deletedItems/{id} or retention expiry). */
export function hardDelete(t: Tenant, id: string): void {
  t.users.delete(id);
  t.seq += 1;
  t.tombstones.set(id, t.seq);
}
