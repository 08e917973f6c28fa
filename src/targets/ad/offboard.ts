/**
 * AD offboarding steps (`offboard` operations): hiding a leaver from the address lists.
 *
 * `msExchHideFromAddressLists` belongs to the Exchange schema. A directory without it (a plain Samba or an AD that
 * never had Exchange) refuses the attribute: the step fails with `AD_SCHEMA_NO_EXCHANGE` (not retried), and
 * `cadre validate --live` reports the same before any run (live-check.ts).
 */
import type { Operation } from '../../core/model.js';
import type { ApplyContext, OperationResult } from '../contract.js';
import { AdTargetError, ldapCode, toAdError } from './errors.js';
import type { AdRuntime } from './runtime.js';
import { first, mustLocate } from './runtime.js';
import { guidDn } from './values.js';

/** The Exchange attribute that keeps a mailbox out of the global address list. */
export const HIDE_ATTRIBUTE = 'msExchHideFromAddressLists';

/** Apply an `offboard` operation. Never throws: failures are coded results. */
export async function applyOffboard(rt: AdRuntime, op: Operation, ctx: ApplyContext): Promise<OperationResult> {
  const what = `offboard ${op.action === 'offboard' ? op.step : op.action} for person ${op.personId}`;
  if (op.action !== 'offboard' || op.step !== 'hideFromAddressLists') {
    return { ok: false, error: { code: 'NOT_SUPPORTED', message: `${what}: the AD target does not handle this step`, transient: false } };
  }
  try {
    const loc = await mustLocate(rt, op, ctx);
    const user = first(loc.entry, 'sAMAccountName') ?? loc.entry.dn;
    try {
      // Undo on a re-enable: a replace with no values removes the attribute (and is fine when it is absent).
      await rt.ldap.modify(guidDn(loc.guid), [{ operation: 'replace', attribute: HIDE_ATTRIBUTE, values: op.undo === true ? [] : ['TRUE'] }]);
    } catch (e) {
      const rc = ldapCode(e);
      // undefinedAttributeType / objectClassViolation: the schema has no such attribute for users.
      if (rc === 17 || rc === 16 || rc === 65) {
        throw new AdTargetError('AD_SCHEMA_NO_EXCHANGE', `the directory schema has no ${HIDE_ATTRIBUTE} (no Exchange schema): remove the hideFromAddressLists step for this target or extend the schema`);
      }
      throw e;
    }
    return { ok: true, anchor: loc.guid, note: op.undo === true ? `${user} shown in address lists again` : `${user} hidden from address lists` };
  } catch (e) {
    return { ok: false, error: toAdError(e, what).toTargetError() };
  }
}
