/**
 * Licences of the simulated tenant: seat counting per SKU and assignLicense with Graph's checks
 * (usage location required, unknown SKU, licence not assigned, no seats left).
 */
import { GraphError, MSG } from './errors.js';
import type { Tenant } from './tenant.js';
import { invalid } from './tenant-model.js';
import type { JsonObject, SimUser } from './tenant-model.js';

/** Units in use per SKU (live users only). */
export function consumed(t: Tenant, skuId: string): number {
  return t.liveUsers().filter((u) => ((u.props.assignedLicenses as JsonObject[] | null) ?? []).some((l) => l.skuId === skuId)).length;
}

/** POST /users/{id}/assignLicense */
export function assignLicense(t: Tenant, idOrUpn: string, body: unknown): SimUser {
  const u = t.user(idOrUpn);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) throw invalid();
  const current = [...((u.props.assignedLicenses as JsonObject[] | null) ?? [])];
  const adds = b.addLicenses as unknown[];
  const removes = b.removeLicenses as unknown[];
  if (adds.length > 0 && !u.props.usageLocation) throw new GraphError(400, 'Request_BadRequest', MSG.usageLocation);
  for (const r of removes) {
    if (typeof r !== 'string') throw invalid();
    if (!t.skus.some((s) => s.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(r));
    if (!current.some((l) => l.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.noSuchLicence);
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
    if (t.consumed(skuId) >= sku.prepaidUnits) throw new GraphError(400, 'Request_BadRequest', MSG.noSeats(skuId));
    next.push({ skuId, disabledPlans });
  }
  u.props.assignedLicenses = next;
  t.bump(u);
  return u;
}
