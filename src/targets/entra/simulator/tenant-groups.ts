/**
 * Groups of the simulated tenant: create, direct membership add/remove and memberOf.
 */
import { randomUUID } from 'node:crypto';
import { GraphError, MSG } from './errors.js';
import type { Tenant } from './tenant.js';
import { invalid } from './tenant-model.js';
import type { SimGroup } from './tenant-model.js';
import { refreshLicences } from './tenant-licences.js';

/** POST /groups */
export function createGroup(t: Tenant, body: unknown): SimGroup {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.displayName !== 'string' || !b.displayName || typeof b.mailNickname !== 'string' || typeof b.mailEnabled !== 'boolean' || typeof b.securityEnabled !== 'boolean') throw invalid();
  const g: SimGroup = {
    id: randomUUID(),
    props: {
      displayName: b.displayName, mailNickname: b.mailNickname, mailEnabled: b.mailEnabled, securityEnabled: b.securityEnabled,
      description: typeof b.description === 'string' ? b.description : null,
      groupTypes: Array.isArray(b.groupTypes) ? (b.groupTypes as string[]) : [], mail: null, createdDateTime: t.now().toISOString(),
    },
    members: [],
  };
  g.props.id = g.id;
  t.groups.set(g.id, g);
  return g;
}

/** POST /groups/{id}/members/$ref */
export function addMember(t: Tenant, groupId: string, memberId: string): void {
  const g = t.group(groupId);
  if (!t.directoryObjectExists(memberId)) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(memberId));
  if (g.members.includes(memberId)) throw new GraphError(400, 'Request_BadRequest', MSG.alreadyMember);
  g.members.push(memberId);
  relicense(t, g, memberId);
}

/** A licensed group's membership change changes the user's group-assigned licences. */
function relicense(t: Tenant, g: SimGroup, memberId: string): void {
  const u = t.users.get(memberId);
  if (!u || u.deleted || !Array.isArray(g.props.assignedLicenses) || g.props.assignedLicenses.length === 0) return;
  refreshLicences(t, u);
  t.bump(u);
}

/** DELETE /groups/{id}/members/{memberId}/$ref */
export function removeMember(t: Tenant, groupId: string, memberId: string): void {
  const g = t.group(groupId);
  if (!g.members.includes(memberId)) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(memberId));
  g.members = g.members.filter((m) => m !== memberId);
  relicense(t, g, memberId);
}

/** Groups a user (or group) is a member of, directly or through nested groups. */
export function transitiveMemberOf(t: Tenant, objectId: string): SimGroup[] {
  const out = new Map<string, SimGroup>();
  const queue = [objectId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const g of t.groups.values()) {
      if (!out.has(g.id) && g.members.includes(id)) { out.set(g.id, g); queue.push(g.id); }
    }
  }
  return [...out.values()];
}

/** Groups a user is a direct member of. */
export function memberOf(t: Tenant, userId: string): SimGroup[] {
  return [...t.groups.values()].filter((g) => g.members.includes(userId));
}
