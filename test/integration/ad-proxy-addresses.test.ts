/**
 * proxyAddresses on a REAL Samba AD DC: the AD connector changes owned values one by one (delete/add of single
 * values, never a replace), so X500:, SIP:, x400: and hand-added smtp: values survive updates, replays and adoption.
 * Results are checked with raw ldapts reads as Administrator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Attribute, Change, type Client, type Entry } from 'ldapts';
import { targetGuard } from '../../src/config/schema.js';
import { addressListChange } from '../../src/core/address-list.js';
import type { AccountState, AttrValue } from '../../src/core/model.js';
import type { OperationResult, TargetConnector } from '../../src/targets/contract.js';
import { createAdTarget } from '../../src/targets/ad/index.js';
import { createChanges, desiredFor, makeCtx, makeOp, type ConformanceSample } from '../../src/targets/conformance/helpers.js';
import { addRawUser } from '../support/ad-e2e-config.js';
import { deleteTree, quietLog, sambaAdmin, sambaEnv } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex');
const ROOT = `OU=Cadre Proxy ${RUN},DC=example,DC=test`;
const STAFF = `OU=Staff,${ROOT}`;
const addr = (local: string): string => `${local}-${RUN}@example.test`;
const FOREIGN = [
  `X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${RUN}-petra`,
  `SIP:${addr('petra.sip')}`,
  `smtp:${addr('petra.hand')}`,
  `x400:c=DE;a= ;p=Example;o=Exchange;s=Proxy${RUN};g=Petra;`,
];

let admin: Client;

const proxies = async (guid: string): Promise<string[]> => {
  const r = await admin.search(`<GUID=${guid}>`, { scope: 'base', attributes: ['proxyAddresses'] });
  const v = (r.searchEntries[0] as Entry | undefined)?.['proxyAddresses'];
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String).sort();
};

function sample(n: number, sam: string, extra: Record<string, AttrValue> = {}): ConformanceSample {
  const attributes: Record<string, AttrValue> = { cn: `Petra Proxy ${n}`, displayName: `Petra Proxy ${n}`, sAMAccountName: `${sam}${RUN}`.slice(0, 20), mail: addr(`${sam}`), ...extra };
  return { personId: `${RUN}-${n}`, attributes, container: STAFF, entitlements: [] };
}

async function create(c: TargetConnector, s: ConformanceSample): Promise<OperationResult> {
  return c.apply(makeOp('ad', 'create', s.personId, { changes: createChanges(s.attributes) }), { ...makeCtx({ desired: desiredFor('ad', s) }), secret: 'Init!al-Pass-2024' });
}

const anchorOf = (r: OperationResult): string => {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  assert.ok(r.anchor);
  return r.anchor;
};

describe('AD proxyAddresses: owned values only, per value (Samba)', () => {
  let c: TargetConnector;

  before(async () => {
    const env = await sambaEnv();
    admin = await sambaAdmin();
    await admin.add(ROOT, { objectClass: ['top', 'organizationalUnit'] });
    await admin.add(STAFF, { objectClass: ['top', 'organizationalUnit'] });
    c = await createAdTarget('ad', {
      url: env.url, bindDN: env.bindDN, bindPassword: env.password, insecure: true, baseDN: ROOT, usersOU: STAFF, upnSuffix: 'example.test',
    }, { log: quietLog, timezone: 'Europe/Berlin' }, targetGuard.parse({ type: 'ad', password: true, attributes: { cn: 'x', displayName: 'x', sAMAccountName: 'x', mail: 'x', employeeID: 'x' } }));
  });

  after(async () => {
    await c?.close();
    if (admin) {
      await deleteTree(admin, ROOT);
      await admin.unbind();
    }
  });

  test('marriage: SMTP:old → smtp:old and the new SMTP: in one modify; foreign values survive; replays and late foreign values are safe', async () => {
    const s = sample(1, 'petra', { proxyAddresses: [`SMTP:${addr('petra.alt')}`] });
    const anchor = anchorOf(await create(c, s));
    await admin.modify(`<GUID=${anchor}>`, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: FOREIGN }) }));

    let live: AccountState | undefined;
    for await (const page of c.list()) live ??= page.find((a) => a.anchor === anchor);
    assert.ok(live, 'listed');
    assert.deepEqual([...(live.attributes['proxyAddresses'] as string[])].sort(), [`SMTP:${addr('petra.alt')}`, ...FOREIGN].sort(), 'read back as a list, foreign values included');
    const want = [`SMTP:${addr('petra.neu')}`, `smtp:${addr('petra.alt')}`];
    const change = addressListChange('proxyAddresses', live.attributes['proxyAddresses'], want);
    assert.ok(change);
    assert.deepEqual(change.remove, [`SMTP:${addr('petra.alt')}`], 'only the old primary is removed');
    const op = makeOp('ad', 'update', s.personId, { anchor, changes: [change, { attribute: 'mail', from: addr('petra'), to: addr('petra.neu') }] });
    let r = await c.apply(op, makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const expected = [...FOREIGN, ...want].sort();
    assert.deepEqual(await proxies(anchor), expected);

    // A replay (crash after the modify) finds everything in place and changes nothing.
    r = await c.apply(op, makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(await proxies(anchor), expected);

    // A value added by hand between plan and apply survives: nothing is replaced.
    await admin.modify(`<GUID=${anchor}>`, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: [`smtp:${addr('petra.late')}`] }) }));
    const back = addressListChange('proxyAddresses', expected, [`SMTP:${addr('petra.alt')}`, `smtp:${addr('petra.neu')}`]);
    assert.ok(back);
    r = await c.apply(makeOp('ad', 'update', s.personId, { anchor, changes: [back] }), makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(await proxies(anchor), [...FOREIGN, `smtp:${addr('petra.late')}`, `SMTP:${addr('petra.alt')}`, `smtp:${addr('petra.neu')}`].sort());

    // Read back, the list converges: nothing left to change.
    const [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.equal(addressListChange('proxyAddresses', st?.attributes['proxyAddresses'], [`SMTP:${addr('petra.alt')}`, `smtp:${addr('petra.neu')}`]), undefined);
  });

  test('adoption at create time keeps foreign values and demotes a foreign SMTP: primary to smtp:', async () => {
    const s = sample(2, 'paula', { proxyAddresses: [`SMTP:${addr('paula')}`] });
    const dn = `CN=Paula Legacy,${STAFF}`;
    await addRawUser(admin, dn, { sAMAccountName: `pl${RUN}`, employeeID: s.personId }, 'Legacy!Passw0rd-1');
    await admin.modify(dn, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: [`SMTP:${addr('paula.legacy')}`, ...FOREIGN.slice(0, 2)] }) }));
    const r = await create(c, s);
    const anchor = anchorOf(r);
    assert.ok(r.ok && r.adopted, 'adopted, not created');
    assert.deepEqual(await proxies(anchor), [...FOREIGN.slice(0, 2), `SMTP:${addr('paula')}`, `smtp:${addr('paula.legacy')}`].sort());
  });

  test('a proxyAddresses template next to the option is refused; options.proxyAddresses: false leaves it to the template', async () => {
    const env = await sambaEnv();
    const opts = { url: env.url, bindDN: env.bindDN, bindPassword: env.password, insecure: true, baseDN: ROOT, usersOU: STAFF, upnSuffix: 'example.test' };
    const block = targetGuard.parse({ type: 'ad', attributes: { proxyAddresses: "{{ concat('SMTP:', id.mail) }}" } });
    await assert.rejects(createAdTarget('ad', opts, { log: quietLog }, block), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /proxyAddresses/.test(e.message));
    const off = await createAdTarget('ad', { ...opts, proxyAddresses: false }, { log: quietLog }, block);
    assert.equal(off.addressList, undefined);
    await off.close();
    const untouched = await createAdTarget('ad', { ...opts, proxyAddresses: false }, { log: quietLog }, targetGuard.parse({ type: 'ad' }));
    assert.deepEqual(untouched.readOnlyAttributes, ['proxyAddresses'], 'without option and template Cadre never writes it');
    await untouched.close();
  });
});
