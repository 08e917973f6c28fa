/**
 * Licences of the simulated tenant: seat counting per SKU and assignLicense with Graph's checks
 * (usage location required, unknown SKU, licence not assigned, no seats left).
 */
import { GraphError, MSG } from './errors.js';
import type { Tenant } from './tenant.js';
import { invalid } from './tenant-model.js';
import type { Json, JsonObject, SimUser } from './tenant-model.js';

/** Units in use per SKU (live users only). */
export function consumed(t: Tenant, skuId: string): number {
  return t.liveUsers().filter((u) => ((u.props.assignedLicenses as JsonObject[] | null) ?? []).some((l) => l.skuId === skuId)).length;
}

/** The user's direct assignments: `licenseAssignmentStates` without `assignedByGroup` (older snapshots: assignedLicenses). */
function directOf(u: SimUser): JsonObject[] {
  const states = u.props.licenseAssignmentStates as JsonObject[] | undefined | null;
  if (!Array.isArray(states)) return [...((u.props.assignedLicenses as JsonObject[] | null) ?? [])];
  return states.filter((st) => st.assignedByGroup === null || st.assignedByGroup === undefined)
    .map((st) => ({ skuId: st.skuId ?? '', disabledPlans: st.disabledPlans ?? [] }));
}

/**
 * Recomputes a user's `licenseAssignmentStates` (one per direct assignment and one per licensed group the user
 * is a member of, with `assignedByGroup`) and `assignedLicenses` (their union by SKU), as group-based
 * licensing does. Graph processes group licences asynchronously; the simulator applies them at once.
 */
export function refreshLicences(t: Tenant, u: SimUser, direct: JsonObject[] = directOf(u)): void {
  const at = t.now().toISOString();
  const previous = new Map(((u.props.licenseAssignmentStates as JsonObject[] | null) ?? []).map((st) => [`${String(st.skuId)}|${String(st.assignedByGroup ?? '')}`, st]));
  const state = (skuId: string, disabledPlans: Json, group: string | null): JsonObject => ({
    assignedByGroup: group, disabledPlans, error: 'None', skuId, state: 'Active',
    lastUpdatedDateTime: (previous.get(`${skuId}|${group ?? ''}`)?.lastUpdatedDateTime as string | undefined) ?? at,
  });
  const states: JsonObject[] = direct.map((l) => state(String(l.skuId), l.disabledPlans ?? [], null));
  for (const g of t.memberOf(u.id)) {
    for (const l of (g.props.assignedLicenses as JsonObject[] | null | undefined) ?? []) states.push(state(String(l.skuId), l.disabledPlans ?? [], g.id));
  }
  const union: JsonObject[] = [];
  for (const st of states) if (!union.some((l) => l.skuId === st.skuId)) union.push({ skuId: st.skuId ?? '', disabledPlans: st.disabledPlans ?? [] });
  u.props.licenseAssignmentStates = states;
  u.props.assignedLicenses = union;
}

/** Group-based licensing (`POST /groups/{id}/assignLicense`): the group's licences reach every member user. */
export function assignGroupLicense(t: Tenant, groupId: string, body: unknown): void {
  const g = t.group(groupId);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) throw invalid();
  const next = ((g.props.assignedLicenses as JsonObject[] | null | undefined) ?? []).filter((l) => !(b.removeLicenses as unknown[]).includes(l.skuId));
  for (const a of b.addLicenses as Record<string, unknown>[]) {
    const skuId = typeof a?.skuId === 'string' ? a.skuId : '';
    if (!t.skus.some((s) => s.skuId === skuId)) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(skuId));
    if (!next.some((l) => l.skuId === skuId)) next.push({ skuId, disabledPlans: Array.isArray(a.disabledPlans) ? (a.disabledPlans as string[]) : [] });
  }
  g.props.assignedLicenses = next;
  for (const id of g.members) {
    const u = t.users.get(id);
    if (u && !u.deleted) { refreshLicences(t, u); t.bump(u); }
  }
}

/** POST /users/{id}/assignLicense */
export function assignLicense(t: Tenant, idOrUpn: string, body: unknown): SimUser {
  const u = t.user(idOrUpn);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) throw invalid();
  const current = directOf(u);
  const held = (u.props.assignedLicenses as JsonObject[] | null) ?? [];
  const adds = b.addLicenses as unknown[];
  const removes = b.removeLicenses as unknown[];
  if (adds.length > 0 && !u.props.usageLocation) throw new GraphError(400, 'Request_BadRequest', MSG.usageLocation);
  for (const r of removes) {
    if (typeof r !== 'string') throw invalid();
    if (!t.skus.some((s) => s.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(r));
    if (!current.some((l) => l.skuId === r)) {
      // Graph refuses to remove a group-assigned licence from the user; only the group membership removes it.
      if (held.some((l) => l.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.inheritedLicence);
      throw new GraphError(400, 'Request_BadRequest', MSG.noSuchLicence);
    }
  }
  const next = current.filter((l) => !removes.includes(l.skuId));
  for (const a of adds) {
    const add = a as Record<string, unknown>;
    const skuId = typeof add?.skuId === 'string' ? add.skuId : '';
    const sku = t.skus.find((s) => s.skuId === skuId);
    if (!sku) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(skuId));
    const disabledPlans = Array.isArray(add.disabledPlans) ? (add.disabledPlans as string[]) : [];
    const idx = next.findIndex((l) => l.skuId === skuId);
    if (idx >= 0) {
      next[idx] = { skuId, disabledPlans };
      continue;
    }
    // An inherited licence already holds this user's seat.
    if (!held.some((l) => l.skuId === skuId) && t.consumed(skuId) >= sku.prepaidUnits) throw new GraphError(400, 'Request_BadRequest', MSG.noSeats(skuId));
    next.push({ skuId, disabledPlans });
  }
  refreshLicences(t, u, next);
  t.bump(u);
  return u;
}
