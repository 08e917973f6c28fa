/**
 * Entra `grant` / `revoke`: an entitlement is a licence (assignLicense) or a group membership
 * (members/$ref); see entitlements.ts for how names resolve. Both directions are idempotent.
 */
import type { Operation } from '../../core/model.js';
import { fail } from '../contract.js';
import type { OperationResult } from '../contract.js';
import { licenceHolding } from './mapping.js';
import { graphErrorOf } from './errors.js';
import type { EntraSession, GraphUser } from './session.js';

/** Grant (`grant = true`) or revoke the operation's entitlement for the user `anchor`. */
export async function setEntitlement(s: EntraSession, op: Operation, anchor: string, grant: boolean): Promise<OperationResult> {
  const { opts, http, call, expect, resolver } = s;
  const ent = op.entitlement;
  if (!ent) return fail('ENTRA_INVALID', `${op.action} for person ${op.personId}: no entitlement named`);
  const what = `${op.action} '${ent}' for user ${anchor} (person ${op.personId})`;
  const r = await resolver.resolve(ent);
  if (r.kind === 'licence') {
    if (grant) {
      const u = expect(await call('GET', `/users/${anchor}?$select=id,usageLocation,assignedLicenses,licenseAssignmentStates`), [200], what).body as GraphUser;
      if (licenceHolding(u).direct.includes(r.skuId)) return { ok: true, anchor, note: 'licence already assigned' };
      // assignLicense fails without a usage location; set the configured default first.
      if (!u.usageLocation) expect(await call('PATCH', `/users/${anchor}`, { usageLocation: opts.usageLocation }), [204], `${what}: set usageLocation`);
      expect(await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [{ skuId: r.skuId, disabledPlans: [] }], removeLicenses: [] }), [200], what);
      return { ok: true, anchor };
    }
    const res = await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [], removeLicenses: [r.skuId] });
    if (res.status === 400 && /does not have a corresponding license/i.test(graphErrorOf(res.body)?.message ?? '')) return { ok: true, anchor, note: 'licence was not assigned' };
    expect(res, [200], what);
    return { ok: true, anchor };
  }
  if (grant) {
    const res = await call('POST', `/groups/${r.id}/members/$ref`, { '@odata.id': `${http.base}/directoryObjects/${anchor}` });
    if (res.status === 400 && /already exist/i.test(graphErrorOf(res.body)?.message ?? '')) return { ok: true, anchor, note: 'already a member' };
    expect(res, [204], what);
    return { ok: true, anchor };
  }
  const res = await call('DELETE', `/groups/${r.id}/members/${anchor}/$ref`);
  if (res.status === 404) {
    // Not a member, or no such user: only the latter is an error.
    expect(await call('GET', `/users/${anchor}?$select=id`), [200], what);
    return { ok: true, anchor, note: 'was not a member' };
  }
  expect(res, [204], what);
  return { ok: true, anchor };
}
