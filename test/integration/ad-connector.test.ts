/**
 * AD target against a REAL Samba AD DC over LDAPS (started by scripts/services/samba.sh).
 * Every result is checked with an independent raw ldapts search as Administrator.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Attribute, Change, Client } from 'ldapts';
import type { Entry } from 'ldapts';
import { targetGuard } from '../../src/config/schema.js';
import type { AttrValue } from '../../src/core/model.js';
import type { OperationResult, TargetConnector } from '../../src/targets/contract.js';
import { createAdTarget } from '../../src/targets/ad/index.js';
import { AdLdap } from '../../src/targets/ad/client.js';
import { escapeDnValue, parentDn, rdnValue, sameDn } from '../../src/targets/ad/escape.js';
import { parseAdTargetOptions } from '../../src/targets/ad/guard.js';
import { guidToString } from '../../src/targets/ad/values.js';
import { createChanges, desiredFor, makeCtx, makeOp } from '../../src/targets/conformance/helpers.js';
import type { ConformanceSample } from '../../src/targets/conformance/helpers.js';
import { deleteTree, quietLog, sambaAdmin, sambaCtl, sambaEnv } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex'); // usernames are domain-wide: keep reruns apart
const ROOT = `OU=Cadre Test ${RUN},DC=example,DC=test`;
const OU = (name: string): string => `OU=${name},${ROOT}`;
const PID = (n: number): string => `${RUN}-${n}`;
const SECRET = 'Init!al-Pass-2024';

let admin: Client;
let shareRoot: string;
let archiveRoot: string;

async function raw(dn: string, attributes: string[] = ['*']): Promise<Entry | undefined> {
  try {
    const r = await admin.search(dn, { scope: 'base', attributes, explicitBufferAttributes: ['objectGUID'] });
    return r.searchEntries[0];
  } catch (e) {
    if ((e as { code?: number }).code === 32) return undefined;
    throw e;
  }
}
const byGuid = (guid: string, attributes?: string[]): Promise<Entry | undefined> => raw(`<GUID=${guid}>`, attributes);
const one = (e: Entry | undefined, a: string): string | undefined => {
  const v = e?.[a];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : String(v[0]);
  return String(v);
};
const many = (e: Entry | undefined, a: string): string[] => {
  const v = e?.[a];
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
};

function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: 'ldaps://127.0.0.1:636',
    bindDN: 'CN=Administrator,CN=Users,DC=example,DC=test',
    bindPassword: 'Adm1n!Passw0rd',
    insecure: true,
    baseDN: ROOT,
    usersOU: OU('Berlin'),
    managedGroupsOUs: [OU('Groups')],
    disabledOU: OU('Disabled'),
    upnSuffix: 'example.test',
    homeDirectory: { template: '\\\\fs1\\home\\{{ id.username }}', drive: 'H:', shareRoot, archiveRoot },
    accountExpiresFromEndDate: true,
    pageSize: 500,
    ...extra,
  };
}

const TARGET = targetGuard.parse({ type: 'ad', attributes: {}, password: true });

async function connector(extra: Record<string, unknown> = {}): Promise<TargetConnector> {
  return createAdTarget('ad', options(extra), { log: quietLog, timezone: 'Europe/Berlin' }, TARGET);
}

function person(n: number, first: string, last: string, sam: string, extra: Record<string, AttrValue> = {}): ConformanceSample {
  const attributes: Record<string, AttrValue> = {
    cn: `${first} ${last}`, displayName: `${first} ${last}`, givenName: first, sn: last,
    sAMAccountName: sam, userPrincipalName: `${sam}@example.test`, mail: `${sam}@example.test`, title: 'Engineer',
    ...extra,
  };
  return { personId: PID(n), attributes, container: OU('Berlin'), altContainer: OU('Munich'), entitlements: ['GG-Sales', 'GG-VPN'] };
}

async function create(c: TargetConnector, s: ConformanceSample, o: { enabled?: boolean; secret?: string } = {}): Promise<OperationResult> {
  const ctx = { ...makeCtx({ desired: desiredFor('ad', s, o.enabled === undefined ? {} : { enabled: o.enabled }) }), secret: o.secret ?? SECRET };
  return c.apply(makeOp('ad', 'create', s.personId, { changes: createChanges(s.attributes), ...(o.enabled === undefined ? {} : { enabled: o.enabled }) }), ctx);
}

function anchorOf(r: OperationResult): string {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  assert.ok(r.anchor);
  return r.anchor;
}

const sam = (n: string): string => `${n}${RUN}`.slice(0, 20);

describe('AD target against Samba (LDAPS)', () => {
  let c: TargetConnector;

  before(async () => {
    await sambaEnv();
    admin = await sambaAdmin();
    shareRoot = await mkdtemp(join(tmpdir(), 'cadre-home-'));
    archiveRoot = join(shareRoot, '..', `${shareRoot.split('/').pop() ?? 'x'}-archive`);
    await admin.add(ROOT, { objectClass: ['top', 'organizationalUnit'] });
    for (const ou of ['Berlin', 'Munich', 'Disabled', 'Groups', 'Other', 'Bulk']) await admin.add(OU(ou), { objectClass: ['top', 'organizationalUnit'] });
    for (const g of ['GG-Sales', 'GG-VPN']) await admin.add(`CN=${g},${OU('Groups')}`, { objectClass: ['top', 'group'], sAMAccountName: `${g}-${RUN}` });
    await admin.add(`CN=Unmanaged Group,${OU('Other')}`, { objectClass: ['top', 'group'], sAMAccountName: `unmanaged-${RUN}` });
    c = await connector();
  });

  after(async () => {
    await c?.close();
    if (admin) {
      await deleteTree(admin, ROOT);
      await admin.unbind();
    }
    if (shareRoot) await rm(shareRoot, { recursive: true, force: true });
    if (archiveRoot) await rm(archiveRoot, { recursive: true, force: true });
  });

  test('joiner with hard Unicode names: DN escaping, displayName, password + must-change, home folder', async () => {
    const s = person(1, 'Jörg-Åsa', 'Müller, "Jojo" + #1 \\ Ñandú', sam('jmueller'), { cn: '#Müller, "Jojo" + <Ñandú> \\ Jörg;= ' });
    const anchor = anchorOf(await create(c, s));
    const e = await byGuid(anchor, ['cn', 'displayName', 'pwdLastSet', 'userAccountControl', 'homeDirectory', 'homeDrive', 'employeeID', 'objectGUID', 'sAMAccountName']);
    assert.ok(e, 'created');
    assert.equal(one(e, 'cn'), s.attributes['cn'], 'cn with every DN special survives');
    assert.equal(rdnValue(e.dn), s.attributes['cn']);
    assert.ok(sameDn(parentDn(e.dn), OU('Berlin')));
    assert.equal(one(e, 'displayName'), s.attributes['displayName']);
    assert.equal(guidToString(e['objectGUID'] as Buffer), anchor, 'anchor is the objectGUID (little-endian fields converted)');
    assert.equal(one(e, 'employeeID'), s.personId);
    assert.equal(one(e, 'pwdLastSet'), '0', 'must change password at next logon');
    assert.equal(one(e, 'userAccountControl'), '512', 'enabled normal account');
    assert.equal(one(e, 'homeDirectory'), `\\\\fs1\\home\\${s.attributes['sAMAccountName']}`);
    assert.equal(one(e, 'homeDrive'), 'H:');
    const st = await stat(join(shareRoot, String(s.attributes['sAMAccountName'])));
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o777, 0o700);
    // The initial password is set: binding with it is refused only because it must be changed (data 773).
    const u = new Client({ url: 'ldaps://127.0.0.1:636', tlsOptions: { rejectUnauthorized: false } });
    await assert.rejects(u.bind(`${String(s.attributes['sAMAccountName'])}@example.test`, SECRET), /data 773/);
    const wrong = new Client({ url: 'ldaps://127.0.0.1:636', tlsOptions: { rejectUnauthorized: false } });
    await assert.rejects(wrong.bind(`${String(s.attributes['sAMAccountName'])}@example.test`, 'Wrong!Passw0rd1'), /data 52e/);
  });

  test('a weak password is AD_PASSWORD_POLICY and the message does not contain it', async () => {
    const s = person(2, 'Weak', 'Password', sam('wpass'));
    const r = await create(c, s, { secret: 'abc' });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'AD_PASSWORD_POLICY');
    assert.equal(r.error.transient, false);
    assert.match(r.error.message, new RegExp(`^create for person ${PID(2)} \\(${sam('wpass')}\\): `));
    assert.ok(!r.error.message.includes('"abc"') && !/unicodePwd.*abc/.test(r.error.message));
    assert.equal((await c.find({ attribute: 'employeeID', value: s.personId })).length, 0, 'nothing created');
    // setPassword on an existing account maps the same way
    const ok = anchorOf(await create(c, s));
    const sp = await c.apply(makeOp('ad', 'setPassword', s.personId, { anchor: ok }), { ...makeCtx(), secret: 'short' });
    assert.equal(sp.ok ? 'ok' : sp.error.code, 'AD_PASSWORD_POLICY');
    const good = await c.apply(makeOp('ad', 'setPassword', s.personId, { anchor: ok }), { ...makeCtx(), secret: 'An0ther!Secret-99' });
    assert.ok(good.ok);
    assert.equal(one(await byGuid(ok, ['pwdLastSet']), 'pwdLastSet'), '0');
  });

  test('CN collision in the OU gets a (2) suffix; the first account is untouched', async () => {
    const a = person(3, 'Anna', 'Schmidt', sam('aschmidt'));
    const b = person(4, 'Anna', 'Schmidt', sam('aschmidt2'));
    const ga = anchorOf(await create(c, a));
    const gb = await create(c, b);
    const anchorB = anchorOf(gb);
    assert.equal(rdnValue((await byGuid(ga, ['cn']))!.dn), 'Anna Schmidt');
    assert.equal(one(await byGuid(anchorB, ['cn']), 'cn'), 'Anna Schmidt (2)');
    assert.ok(gb.ok && gb.note?.includes('(2)'));
  });

  test('duplicate sAMAccountName / UPN (also of a disabled account or a group) → AD_IDENTIFIER_TAKEN; isFree agrees', async () => {
    const first = person(5, 'Tom', 'Taken', sam('ttaken'));
    const anchor = anchorOf(await create(c, first, { enabled: false }));
    assert.equal(one(await byGuid(anchor, ['userAccountControl']), 'userAccountControl'), '514', 'created disabled');
    const dupSam = person(6, 'Tim', 'Taken', sam('ttaken'));
    const r1 = await create(c, dupSam);
    assert.equal(r1.ok ? 'ok' : r1.error.code, 'AD_IDENTIFIER_TAKEN');
    const dupUpn = person(7, 'Tim', 'Other', sam('tother'), { userPrincipalName: `${sam('ttaken')}@example.test` });
    const r2 = await create(c, dupUpn);
    assert.equal(r2.ok ? 'ok' : r2.error.code, 'AD_IDENTIFIER_TAKEN');
    const groupSam = person(8, 'Group', 'Name', `GG-Sales-${RUN}`);
    const r3 = await create(c, groupSam);
    assert.equal(r3.ok ? 'ok' : r3.error.code, 'AD_IDENTIFIER_TAKEN', 'groups share the sAMAccountName namespace');
    assert.equal(await c.isFree('sAMAccountName', sam('ttaken').toUpperCase()), false);
    assert.equal(await c.isFree('userPrincipalName', `${sam('ttaken')}@EXAMPLE.test`), false);
    assert.equal(await c.isFree('sAMAccountName', sam('nobody')), true);
    // a UPN that is someone's mail alias is not free
    await admin.modify(`<GUID=${anchor}>`, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: [`SMTP:alias-${RUN}@example.test`] }) }));
    assert.equal(await c.isFree('userPrincipalName', `alias-${RUN}@example.test`), false);
    assert.equal(await c.isFree('proxyAddresses', `alias-${RUN}@example.test`), false);
    assert.equal(await c.isFree('sAMAccountName', 'x*)(sAMAccountName=*'), true, 'filter values are escaped');
    // renaming an account onto a taken sAMAccountName is refused the same way
    const other = anchorOf(await create(c, person(18, 'Uwe', 'Update', sam('uupdate'))));
    const ren = await c.apply(makeOp('ad', 'update', PID(18), { anchor: other, changes: [{ attribute: 'sAMAccountName', from: sam('uupdate'), to: sam('ttaken') }] }), makeCtx());
    assert.equal(ren.ok ? 'ok' : ren.error.code, 'AD_IDENTIFIER_TAKEN');
    assert.equal(one(await byGuid(other, ['sAMAccountName']), 'sAMAccountName'), sam('uupdate'));
  });

  test('replayed create adopts by employeeID (no duplicate) and updates drifted attributes', async () => {
    const s = person(9, 'Rita', 'Replay', sam('rreplay'));
    const anchor = anchorOf(await create(c, s));
    await admin.modify(`<GUID=${anchor}>`, new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Drifted'] }) }));
    const again = await create(c, s);
    assert.equal(anchorOf(again), anchor);
    assert.ok(again.ok && again.note?.includes('adopted'));
    assert.equal(one(await byGuid(anchor, ['title']), 'title'), 'Engineer');
    const found = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.deepEqual(found.map((f) => f.anchor), [anchor]);
  });

  test('move, rename (with special characters), and update incl. clearing and multi-valued proxyAddresses', async () => {
    const s = person(10, 'Max', 'Mover', sam('mmover'));
    const anchor = anchorOf(await create(c, s));
    let r = await c.apply(makeOp('ad', 'move', s.personId, { anchor, changes: [{ attribute: 'container', from: OU('Berlin'), to: OU('Munich') }] }), makeCtx());
    assert.ok(r.ok);
    assert.ok(sameDn(parentDn((await byGuid(anchor, ['cn']))!.dn), OU('Munich')));
    r = await c.apply(makeOp('ad', 'rename', s.personId, { anchor, changes: [{ attribute: 'cn', from: 'Max Mover', to: 'Max Mover, Jr. + "Co"' }, { attribute: 'displayName', from: 'Max Mover', to: 'Max Mover Jr.' }] }), makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    let e = await byGuid(anchor, ['cn', 'displayName']);
    assert.equal(one(e, 'cn'), 'Max Mover, Jr. + "Co"');
    assert.equal(one(e, 'displayName'), 'Max Mover Jr.');
    assert.ok(sameDn(parentDn(e!.dn), OU('Munich')), 'rename stays in the OU');
    r = await c.apply(makeOp('ad', 'update', s.personId, { anchor, changes: [
      { attribute: 'title', from: 'Engineer', to: null },
      { attribute: 'proxyAddresses', from: null, to: [`SMTP:max-${RUN}@example.test`, `smtp:mm-${RUN}@example.test`] },
      { attribute: 'department', from: null, to: 'Vertrieb & Marketing' },
    ] }), makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    e = await byGuid(anchor, ['title', 'proxyAddresses', 'department']);
    assert.equal(one(e, 'title'), undefined, 'null clears the attribute');
    assert.deepEqual(many(e, 'proxyAddresses').sort(), [`SMTP:max-${RUN}@example.test`, `smtp:mm-${RUN}@example.test`].sort());
    r = await c.apply(makeOp('ad', 'update', s.personId, { anchor, changes: [{ attribute: 'proxyAddresses', from: null, to: [`SMTP:max-${RUN}@example.test`] }] }), makeCtx());
    assert.ok(r.ok);
    assert.deepEqual(many(await byGuid(anchor, ['proxyAddresses']), 'proxyAddresses'), [`SMTP:max-${RUN}@example.test`]);
    const [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.deepEqual(st?.attributes['proxyAddresses'], [`SMTP:max-${RUN}@example.test`], 'multi-valued attributes are arrays');
    assert.equal(st?.attributes['department'], 'Vertrieb & Marketing');
    // unknown attribute → coded error
    r = await c.apply(makeOp('ad', 'update', s.personId, { anchor, changes: [{ attribute: 'noSuchAttr', from: null, to: 'x' }] }), makeCtx());
    assert.equal(r.ok ? 'ok' : r.error.code, 'AD_INVALID_ATTRIBUTE');
  });

  test('disable stamps the description and flips only ACCOUNTDISABLE; enable restores', async () => {
    const s = person(11, 'Dana', 'Disable', sam('ddisable'));
    const anchor = anchorOf(await create(c, s));
    // a foreign flag (DONT_EXPIRE_PASSWORD) must survive
    await admin.modify(`<GUID=${anchor}>`, new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(512 | 65536)] }) }));
    let r = await c.apply(makeOp('ad', 'disable', s.personId, { anchor, description: 'left the company' }), makeCtx());
    assert.ok(r.ok);
    let e = await byGuid(anchor, ['userAccountControl', 'description']);
    assert.equal(one(e, 'userAccountControl'), String(512 | 65536 | 2));
    assert.match(one(e, 'description') ?? '', /^Disabled by Cadre on \d{4}-\d{2}-\d{2}: left the company$/);
    const [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.equal(st?.enabled, false);
    r = await c.apply(makeOp('ad', 'enable', s.personId, { anchor }), makeCtx());
    assert.ok(r.ok);
    e = await byGuid(anchor, ['userAccountControl', 'description']);
    assert.equal(one(e, 'userAccountControl'), String(512 | 65536));
    assert.equal(one(e, 'description'), undefined, 'our stamp is removed again');
  });

  test('grant/revoke managed groups; unmanaged memberships are reported, never touched', async () => {
    const s = person(12, 'Gina', 'Groups', sam('ggroups'));
    const anchor = anchorOf(await create(c, s));
    const dn = (await byGuid(anchor, ['cn']))!.dn;
    await admin.modify(`CN=Unmanaged Group,${OU('Other')}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }));
    for (const g of ['GG-Sales', 'GG-VPN', 'GG-Sales', `CN=GG-VPN,${OU('Groups')}`]) {
      const r = await c.apply(makeOp('ad', 'grant', s.personId, { anchor, entitlement: g }), makeCtx());
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
    const memberOf = many(await byGuid(anchor, ['memberOf']), 'memberOf');
    assert.equal(memberOf.length, 3);
    let [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.deepEqual(st?.entitlements, ['GG-Sales', 'GG-VPN']);
    assert.deepEqual(st?.unmanaged, [`CN=Unmanaged Group,${OU('Other')}`]);
    const bad = await c.apply(makeOp('ad', 'revoke', s.personId, { anchor, entitlement: `CN=Unmanaged Group,${OU('Other')}` }), makeCtx());
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'AD_UNMANAGED_GROUP');
    const none = await c.apply(makeOp('ad', 'grant', s.personId, { anchor, entitlement: 'GG-Nope' }), makeCtx());
    assert.equal(none.ok ? 'ok' : none.error.code, 'AD_GROUP_NOT_FOUND');
    for (let i = 0; i < 2; i++) {
      const r = await c.apply(makeOp('ad', 'revoke', s.personId, { anchor, entitlement: 'GG-VPN' }), makeCtx());
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
    [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.deepEqual(st?.entitlements, ['GG-Sales']);
    assert.ok(many(await byGuid(anchor, ['memberOf']), 'memberOf').some((g) => g.startsWith('CN=Unmanaged Group')), 'unmanaged membership kept');
    // group renamed behind Cadre's back: the GUID cache keeps the grant working
    await admin.modifyDN(`CN=GG-Sales,${OU('Groups')}`, `CN=GG-Sales-Renamed,${OU('Groups')}`);
    const r = await c.apply(makeOp('ad', 'revoke', s.personId, { anchor, entitlement: 'GG-Sales' }), makeCtx());
    assert.ok(r.ok);
    assert.ok(!many(await byGuid(anchor, ['memberOf']), 'memberOf').some((g) => g.includes('GG-Sales')));
    await admin.modifyDN(`CN=GG-Sales-Renamed,${OU('Groups')}`, `CN=GG-Sales,${OU('Groups')}`);
  });

  test('a revoke a review decided removes a member of an unmanaged group below reviewGroupsOUs only; a review reason never grants one', async () => {
    const s = person(41, 'Rhea', 'Review', sam('rreview'));
    const anchor = anchorOf(await create(c, s));
    const dn = (await byGuid(anchor, ['cn']))!.dn;
    const group = `CN=Unmanaged Group,${OU('Other')}`;
    await admin.modify(group, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }));
    const review = { kind: 'review' as const, source: 'q4#1', detail: 'removed in review "Q4" (q4 #1) by web:mia on 2026-12-02: no longer needed' };
    const revoke = { ...makeOp('ad', 'revoke', s.personId, { anchor, entitlement: group }), reason: review };
    const narrow = await connector({ reviewGroupsOUs: [OU('Groups')] });
    try {
      const outside = await narrow.apply(revoke, makeCtx());
      assert.equal(outside.ok ? 'ok' : outside.error.code, 'AD_UNMANAGED_GROUP', 'outside reviewGroupsOUs: refused');
      assert.match(outside.ok ? '' : outside.error.message, /not below reviewGroupsOUs/);
    } finally {
      await narrow.close();
    }
    assert.ok(many(await byGuid(anchor, ['memberOf']), 'memberOf').some((g) => g.startsWith('CN=Unmanaged Group')), 'still a member');
    const grant = await c.apply({ ...makeOp('ad', 'grant', s.personId, { anchor, entitlement: group }), reason: review }, makeCtx());
    assert.equal(grant.ok ? 'ok' : grant.error.code, 'AD_UNMANAGED_GROUP', 'a review reason never makes an unmanaged group grantable');
    const done = await c.apply(revoke, makeCtx());
    assert.ok(done.ok, done.ok ? '' : done.error.message);
    assert.ok(!many(await byGuid(anchor, ['memberOf']), 'memberOf').some((g) => g.startsWith('CN=Unmanaged Group')), 'removed (default scope: the base DN)');
    const again = await c.apply(revoke, makeCtx());
    assert.ok(again.ok, 'revoking again is done');
    const [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.equal(st?.unmanaged, undefined);
    const normal = await c.apply(makeOp('ad', 'grant', s.personId, { anchor, entitlement: group }), makeCtx());
    assert.equal(normal.ok ? 'ok' : normal.error.code, 'AD_UNMANAGED_GROUP', 'and the review revoke left nothing cached that grants it');
  });

  test('manager ref:<personId> resolves to the DN; find reports ref:<personId>; endDate sets accountExpires (end of that day in the lifecycle zone)', async () => {
    const boss = person(13, 'Bea', 'Boss', sam('bboss'));
    const bossAnchor = anchorOf(await create(c, boss));
    const s = person(14, 'Rob', 'Report', sam('rreport'), { manager: `ref:${boss.personId}` });
    const ctx = { ...makeCtx({ desired: desiredFor('ad', s), anchors: new Map([[boss.personId, bossAnchor]]) }), secret: SECRET };
    const anchor = anchorOf(await c.apply(makeOp('ad', 'create', s.personId, { changes: createChanges(s.attributes), endDate: '2031-12-31' }), ctx));
    const e = await byGuid(anchor, ['manager', 'accountExpires']);
    assert.ok(sameDn(one(e, 'manager') ?? '', (await byGuid(bossAnchor, ['cn']))!.dn));
    // Berlin is UTC+1 in winter: the last day ends at 23:00 UTC.
    assert.equal(one(e, 'accountExpires'), String((BigInt(Date.UTC(2031, 11, 31, 23)) + 11_644_473_600_000n) * 10_000n));
    const [st] = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.equal(st?.attributes['manager'], `ref:${boss.personId}`);
    const dangling = await c.apply(makeOp('ad', 'update', s.personId, { anchor, changes: [{ attribute: 'manager', from: null, to: 'ref:nobody' }] }), makeCtx());
    assert.equal(dangling.ok ? 'ok' : dangling.error.code, 'AD_MANAGER_UNRESOLVED');
  });

  test('an account that never expires reads accountExpires 0, as a mapping without an end date renders it (no update)', async () => {
    const mapped = await createAdTarget('ad', options(), { log: quietLog, timezone: 'Europe/Berlin' },
      targetGuard.parse({ type: 'ad', attributes: { accountExpires: "{{ filetime(endDate, 'Europe/Berlin') }}" }, password: true }));
    try {
      const s = person(20, 'Nia', 'Never', sam('nnever'));
      const anchor = anchorOf(await create(mapped, s));
      assert.equal(one(await byGuid(anchor, ['accountExpires']), 'accountExpires'), '9223372036854775807', 'Samba writes "never" as the largest FILETIME');
      const [st] = await mapped.find({ attribute: 'employeeID', value: s.personId });
      assert.equal(st?.attributes['accountExpires'], '0');
    } finally {
      await mapped.close();
    }
  });

  test('delete archives the home folder; deleting again is ok', async () => {
    const s = person(15, 'Lea', 'Leaver', sam('lleaver'));
    const anchor = anchorOf(await create(c, s));
    const r = await c.apply(makeOp('ad', 'delete', s.personId, { anchor }), makeCtx());
    assert.ok(r.ok && r.note?.includes('archived'), r.ok ? r.note : r.error.message);
    assert.equal(await byGuid(anchor), undefined);
    const archived = await readdir(archiveRoot);
    assert.ok(archived.some((d) => d.startsWith(`${sam('lleaver')}-`)));
    const again = await c.apply(makeOp('ad', 'delete', s.personId, { anchor }), makeCtx());
    assert.ok(again.ok);
  });

  test('cn from arbitrary strings round-trips through Samba', async () => {
    const cnArb = fc.string({ unit: fc.oneof(
      fc.constantFrom(',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ', 'ä', 'ß', '😀', '*', '(', ')'),
      fc.constantFrom(...'abcXYZ019-_.'.split('')),
    ), minLength: 1, maxLength: 24 }).filter((s) => s.trim() === s && s.trim() !== '');
    let n = 0;
    await fc.assert(fc.asyncProperty(cnArb, async (cn) => {
      n++;
      const s = person(100 + n, 'Prop', 'Erty', `p${n}${RUN}`.slice(0, 20), { cn });
      const anchor = anchorOf(await create(c, s));
      const e = await byGuid(anchor, ['cn']);
      assert.equal(one(e, 'cn'), cn);
      assert.equal(rdnValue(e!.dn), cn);
      // and the connector finds it again by a filter-escaped value
      const [st] = await c.find({ attribute: 'cn', value: cn });
      assert.equal(st?.anchor, anchor);
      assert.ok((await c.apply(makeOp('ad', 'delete', s.personId, { anchor }), makeCtx())).ok);
    }), { numRuns: 25 });
  });

  test('paged list of 1200 users with pageSize 500; range retrieval of a 1600-member group', async () => {
    // attributes-only adds are fast; the connector lists them through the paged-results control
    const bulk = OU('Bulk');
    const dns: string[] = [];
    for (let i = 0; i < 1200; i += 1) {
      const dn = `CN=Bulk ${i},${bulk}`;
      dns.push(dn);
      await admin.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: `b${i}-${RUN}`, employeeID: `${RUN}-bulk-${i}` });
    }
    const lc = await connector({ baseDN: bulk, usersOU: bulk, pageSize: 500 });
    try {
      const sizes: number[] = [];
      const seen = new Set<string>();
      for await (const page of lc.list()) {
        sizes.push(page.length);
        for (const st of page) seen.add(st.anchor);
      }
      assert.deepEqual(sizes, [500, 500, 200]);
      assert.equal(seen.size, 1200);
    } finally {
      await lc.close();
    }
    // 1600 members: more than one range step of 1500
    const group = `CN=Big Group,${OU('Groups')}`;
    await admin.add(group, { objectClass: ['top', 'group'], sAMAccountName: `big-${RUN}` });
    for (let i = 0; i < 1200; i += 300) {
      await admin.modify(group, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns.slice(i, i + 300) }) }));
    }
    const extra: string[] = [];
    for (let i = 0; i < 400; i++) {
      const dn = `CN=${escapeDnValue(`Extra, ${i}`)},${bulk}`;
      extra.push(dn);
      await admin.add(dn, { objectClass: ['top', 'group'], sAMAccountName: `x${i}-${RUN}` });
    }
    await admin.modify(group, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: extra }) }));
    const ldap = new AdLdap(parseAdTargetOptions('ad', options()), quietLog, 'ad');
    try {
      const members = await ldap.allValues(group, 'member', 1500);
      assert.equal(members.length, 1600);
      assert.equal(new Set(members).size, 1600);
      const small = await ldap.allValues(group, 'member', 700);
      assert.equal(small.length, 1600, 'several range steps');
      // the server really ranges: a plain request for the first range returns a ranged attribute name
      const r = await admin.search(group, { scope: 'base', attributes: ['member;range=0-99'] });
      const key = Object.keys(r.searchEntries[0] ?? {}).find((k) => k.startsWith('member;range='));
      assert.equal(key, 'member;range=0-99');
    } finally {
      await ldap.close();
    }
  });

  test('containers outside the base DN are refused; a missing UPN defaults to sAMAccountName@upnSuffix', async () => {
    const s = person(19, 'Otto', 'Outside', sam('ooutside'));
    const { userPrincipalName: _omit, ...noUpn } = s.attributes;
    const outside = { ...s, attributes: noUpn, container: 'CN=Users,DC=example,DC=test' };
    const r = await create(c, outside);
    assert.equal(r.ok ? 'ok' : r.error.code, 'AD_INVALID_DN');
    const anchor = anchorOf(await create(c, { ...s, attributes: noUpn }));
    assert.equal(one(await byGuid(anchor, ['userPrincipalName']), 'userPrincipalName'), `${sam('ooutside')}@example.test`);
    const mv = await c.apply(makeOp('ad', 'move', s.personId, { anchor, changes: [{ attribute: 'container', from: OU('Berlin'), to: 'CN=Users,DC=example,DC=test' }] }), makeCtx());
    assert.equal(mv.ok ? 'ok' : mv.error.code, 'AD_INVALID_DN');
  });

  test('configuration and connection errors are coded', async () => {
    const saved = process.env['NODE_DEBUG'];
    process.env['NODE_DEBUG'] = 'net,ldapts';
    try {
      await assert.rejects(connector(), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /NODE_DEBUG/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env['NODE_DEBUG']; else process.env['NODE_DEBUG'] = saved;
    }
    assert.throws(() => parseAdTargetOptions('ad', { ...options(), url: 'ldap://127.0.0.1:389' }), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /startTls/.test(e.message));
    assert.throws(() => parseAdTargetOptions('ad', { ...options(), bindPassword: '' }), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && !e.message.includes('Adm1n'));
    const badPw = await connector({ bindPassword: 'Wrong!Passw0rd' });
    await assert.rejects(badPw.find({ attribute: 'employeeID', value: 'x' }), (e: Error & { code?: string }) => e.code === 'AD_AUTH_FAILED' && !e.message.includes('Wrong!Passw0rd'));
    await badPw.close();
    const down = await connector({ url: 'ldaps://127.0.0.1:1', timeoutMs: 3000 });
    const r = await down.apply(makeOp('ad', 'disable', PID(1), { anchor: '7dd96cb3-691e-458c-a496-8586780976f2' }), makeCtx());
    assert.equal(r.ok ? 'ok' : `${r.error.code}/${r.error.transient}`, 'AD_UNAVAILABLE/true');
    await down.close();
  });

  test('warns once when the correlation attribute is not indexed (employeeNumber); employeeID (indexed by samba.sh) is quiet', async () => {
    const lines: string[] = [];
    const log = { ...quietLog, warn: (_o: object, msg?: string): void => { lines.push(msg ?? ''); } };
    const un = await createAdTarget('ad', options({ correlationAttribute: 'employeeNumber' }), { log }, TARGET);
    for await (const _ of un.list()) { /* drain */ }
    for await (const _ of un.list()) { /* drain */ }
    await un.close();
    assert.equal(lines.filter((l) => /employeeNumber is not indexed/.test(l)).length, 1);
    lines.length = 0;
    const ix = await createAdTarget('ad', options(), { log }, TARGET);
    for await (const _ of ix.list()) { /* drain */ }
    await ix.close();
    assert.deepEqual(lines, []);
  });

  test('StartTLS on 389 works too', async () => {
    const st = await connector({ url: 'ldap://127.0.0.1:389', startTls: true });
    try {
      const s = person(16, 'Stella', 'StartTLS', sam('sstarttls'));
      const anchor = anchorOf(await create(st, s));
      assert.equal(one(await byGuid(anchor, ['pwdLastSet']), 'pwdLastSet'), '0');
    } finally {
      await st.close();
    }
  });

  test('reconnects after the DC restarts', async () => {
    const s = person(17, 'Rene', 'Reconnect', sam('rreconn'));
    anchorOf(await create(c, s));
    await sambaCtl('stop');
    await sambaCtl('start');
    await admin.unbind().catch(() => undefined);
    admin = await sambaAdmin();
    const found = await c.find({ attribute: 'employeeID', value: s.personId });
    assert.equal(found.length, 1);
    const r = await c.apply(makeOp('ad', 'disable', s.personId, { anchor: found[0]!.anchor }), makeCtx());
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  });
});
