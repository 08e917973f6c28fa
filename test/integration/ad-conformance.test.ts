/**
 * The shared target conformance suite against the AD connector and a REAL Samba AD DC over LDAPS.
 * `inspect` reads Samba with a raw ldapts client as Administrator, never through the connector.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'ldapts';
import { targetGuard } from '../../src/config/schema.js';
import type { AttrValue } from '../../src/core/model.js';
import { createAdTarget } from '../../src/targets/ad/index.js';
import { isBelow, parentDn, rdnValue } from '../../src/targets/ad/escape.js';
import { runConformanceSuite } from '../../src/targets/conformance/index.js';
import type { ConformanceHarness, ConformanceSample } from '../../src/targets/conformance/index.js';
import { createLockoutPolicy, deleteTree, lockOutByBinds, quietLog, sambaAdmin, sambaEnv, userBind } from '../support/samba.js';

const ATTRS = ['cn', 'displayName', 'givenName', 'sn', 'sAMAccountName', 'userPrincipalName', 'mail', 'title', 'department', 'manager'];
const PAGE_SIZE = 50;

async function makeHarness(): Promise<ConformanceHarness> {
  const env = await sambaEnv();
  const admin: Client = await sambaAdmin();
  const run = randomBytes(3).toString('hex');
  const root = `OU=Cadre Conformance ${run},${env.baseDN}`;
  const ou = (n: string): string => `OU=${n},${root}`;
  await admin.add(root, { objectClass: ['top', 'organizationalUnit'] });
  for (const n of ['Berlin', 'Munich', 'Groups']) await admin.add(ou(n), { objectClass: ['top', 'organizationalUnit'] });
  for (const g of ['GG-Alpha', 'GG-Beta']) await admin.add(`CN=${g},${ou('Groups')}`, { objectClass: ['top', 'group'], sAMAccountName: `${g}-${run}` });
  // A lockout threshold for the accounts the unlock test locks out, and for no one else (the domain has none).
  const pso = await createLockoutPolicy(admin, `Cadre Conformance ${run}`);

  const connector = await createAdTarget('ad', {
    url: env.url, bindDN: env.bindDN, bindPassword: env.password, insecure: true,
    baseDN: root, usersOU: ou('Berlin'), managedGroupsOUs: [ou('Groups')], upnSuffix: 'example.test', pageSize: PAGE_SIZE,
  }, { log: quietLog }, targetGuard.parse({ type: 'ad', attributes: Object.fromEntries(ATTRS.map((a) => [a, ''])), password: true }));

  const sample = (i: number, variant?: 'renamed' | 'updated'): ConformanceSample => {
    const user = `${variant === 'renamed' ? 'r' : 'c'}${i}${run}`;
    const last = variant === 'renamed' ? `Neumann-${i}` : `Müller, Jr. ${i}`;
    const attributes: Record<string, AttrValue> = {
      cn: `Jörg ${last}`,
      displayName: variant === 'updated' ? `Jörg „Jojo“ ${last}` : `Jörg ${last}`,
      givenName: 'Jörg',
      sn: last,
      sAMAccountName: user,
      userPrincipalName: `${user}@example.test`,
      mail: `${user}@example.test`,
      title: variant === 'updated' ? 'Head of Sales' : 'Sales (Field) *',
      department: variant === 'updated' ? 'Vertrieb & Marketing' : 'Vertrieb',
    };
    return { personId: `${run}-${i}`, attributes, container: ou('Berlin'), altContainer: ou('Munich'), entitlements: ['GG-Alpha', 'GG-Beta'] };
  };

  const dnOf = async (anchor: string): Promise<string | undefined> => {
    try {
      const r = await admin.search(`<GUID=${anchor}>`, { scope: 'base', attributes: ['1.1'] });
      return r.searchEntries[0]?.dn;
    } catch (e) {
      if ((e as { code?: number }).code === 32) return undefined;
      throw e;
    }
  };

  return {
    connector,
    sample,
    referenceAttribute: 'manager',
    referenceValue: async (anchor) => (await dnOf(anchor)) ?? null,
    async inspect(anchor) {
      let entry;
      try {
        const r = await admin.search(`<GUID=${anchor}>`, { scope: 'base', attributes: [...ATTRS, 'userAccountControl', 'memberOf', 'pwdLastSet'] });
        entry = r.searchEntries[0];
      } catch (e) {
        if ((e as { code?: number }).code === 32) return undefined;
        throw e;
      }
      if (entry === undefined) return undefined;
      const list = (a: string): string[] => {
        const v = entry[a];
        return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
      };
      const attributes: Record<string, AttrValue> = {};
      for (const a of ATTRS) {
        const v = list(a);
        attributes[a] = v.length === 0 ? null : v.length === 1 ? (v[0] as string) : v;
      }
      return {
        enabled: (Number(list('userAccountControl')[0] ?? '0') & 2) === 0,
        attributes,
        container: parentDn(entry.dn),
        entitlements: list('memberOf').filter((g) => isBelow(g, ou('Groups'))).map(rdnValue),
        mustChangePassword: list('pwdLastSet')[0] === '0',
      };
    },
    // A bind as the user. Samba refuses the bind of a user who must change the password with data 773, and
    // only for the right password (a wrong one is 52e): that counts as "the password works".
    async verifyPassword(anchor, password) {
      const dn = await dnOf(anchor);
      if (dn === undefined) return false;
      const r = await userBind(dn, password);
      return r === 'ok' || r === 'mustChange';
    },
    async lockOut(anchor) {
      const dn = await dnOf(anchor);
      if (dn === undefined) throw new Error(`no account ${anchor}`);
      await pso.applyTo(dn);
      await lockOutByBinds(dn);
    },
    async cleanup() {
      await deleteTree(admin, root);
      await pso.remove();
      await admin.unbind();
    },
  };
}

runConformanceSuite('ad (Samba over LDAPS)', makeHarness, {
  listSize: 120, pageSize: PAGE_SIZE, helpdesk: ['resetPassword', 'unlock', 'accountStatus', 'passwordPolicy'],
});
