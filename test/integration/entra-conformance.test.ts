/** The shared target conformance suite, run against the Entra connector and the Graph simulator. */
import type { AttrValue } from '../../src/core/model.js';
import { runConformanceSuite } from '../../src/targets/conformance/index.js';
import type { ConformanceHarness } from '../../src/targets/conformance/index.js';
import { fromGraph } from '../../src/targets/entra/mapping.js';
import { startEntraTestbed, TEST_SKUS } from '../../src/targets/entra/simulator/testbed.js';

runConformanceSuite('entra (graph simulator)', async (): Promise<ConformanceHarness> => {
  const tb = await startEntraTestbed({ groups: ['Conf Sales', 'Conf Engineering'] });
  const licenceNames = new Map<string, string>([[TEST_SKUS.E3.skuId, 'E3'], [TEST_SKUS.F1.skuId, 'F1']]);
  return {
    connector: tb.connector,
    referenceAttribute: 'manager',
    sample(i, variant) {
      const personId = `c${i}`;
      const surname = variant === 'renamed' ? `Renamed${i}` : `Tester${i}`;
      const attributes: Record<string, AttrValue> = {
        displayName: `Conny ${surname}`, givenName: 'Conny', surname,
        userPrincipalName: `conny.tester${i}@example.com`, mailNickname: `ctester${i}`, mail: `conny.tester${i}@example.com`,
        employeeId: personId,
        department: variant === 'updated' ? 'Engineering' : 'Sales',
        jobTitle: variant === 'updated' ? 'Engineer' : 'Account Manager',
        officeLocation: variant === 'updated' ? 'Berlin' : 'Munich',
      };
      return { personId, attributes, entitlements: ['Conf Sales', 'Conf Engineering'] };
    },
    async inspect(anchor) {
      const u = tb.sim.state.users.get(anchor);
      if (!u || u.deleted) return undefined;
      const attributes = { ...fromGraph(u.props), manager: u.managerId };
      const groups = tb.sim.state.memberOf(u.id).map((g) => String(g.props.displayName));
      const lic = ((u.props.assignedLicenses as { skuId: string }[] | null) ?? []).map((l) => licenceNames.get(l.skuId) ?? l.skuId);
      const pp = u.props.passwordProfile as { forceChangePasswordNextSignIn?: boolean } | null;
      return {
        enabled: u.props.accountEnabled === true, attributes, entitlements: [...groups, ...lic],
        ...(typeof pp?.forceChangePasswordNextSignIn === 'boolean' ? { mustChangePassword: pp.forceChangePasswordNextSignIn } : {}),
      };
    },
    // A sign-in check inside the simulator (it keeps only a hash), not through Graph.
    async verifyPassword(anchor, password) {
      const u = tb.sim.state.users.get(anchor);
      return u !== undefined && !u.deleted && u.props.accountEnabled === true && tb.sim.state.checkPassword(anchor, password);
    },
    cleanup: () => tb.sim.close(),
  };
}, { listSize: 120, helpdesk: ['resetPassword', 'accountStatus', 'passwordPolicy'] });
