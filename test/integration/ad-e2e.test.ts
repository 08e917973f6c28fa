/**
 * Acceptance of the Active Directory target end to end: Personio simulator → the real `cadre plan/sync` CLI →
 * a real Samba AD DC over LDAPS. Every step is checked with independent raw LDAP reads as Administrator (never
 * through the connector), and a second plan at the same instant must have nothing left to do in AD.
 * Time moves with `--at`; calendar days are Europe/Berlin days.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change, Client } from 'ldapts';
import type { CreateOperation, Operation, Plan } from '../../src/core/model.js';
import { accountExpiresFiletime } from '../../src/core/rules/filetime.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import {
  adE2eTree, addRawUser, createTree, many, one, parentOf, rawAdmin, removeStaleTrees, removeTree, sameDnText, setAttr, setKnownPassword, setMember,
  usersWithEmployeeId, usersWithSam, writeAdE2eConfig, AD_E2E_UNMANAGED, type RawUser,
} from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

/** Day 0 of the scenario, 12:00 in Berlin. */
const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
/** 12:00 Berlin (summer time) on scenario day `offset`. */
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const RUN = randomBytes(3).toString('hex');
const tree = adE2eTree('ad', RUN);
const LEGACY_SAM = `legacy-${RUN}`;
const KNOWN = 'Kn0wn!Passw0rd-42';
/** The legacy account's own primary address (not Cadre's): kept, demoted to smtp:. */
const LEGACY_MAIL = `a.adopt-${RUN}@legacy.example`;
/** Values Cadre does not own, added by Exchange or by hand. */
const ADOPTED_FOREIGN = [`X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=adopt${RUN}`, `SIP:adam-${RUN}@example.com`, `smtp:adam.hand-${RUN}@example.com`];
const ELODIE_FOREIGN = [`X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=elodie${RUN}`, `SIP:elodie.chenier-${RUN}@example.com`, `smtp:e.chenier-${RUN}@example.com`, `x400:c=DE;a= ;p=Example;o=Exchange;s=Chenier${RUN};g=Elodie;`];

const people: EmployeeSpec[] = [
  { id: 1, first: 'Jürgen', last: 'Müller', department: 'Finance', office: 'Berlin', position: 'Head of Finance', phone: '+49 30 1234-100' },
  { id: 2, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Berlin', supervisorId: 1 },
  { id: 3, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Hamburg', supervisorId: 1, position: 'Account Manager' },
  { id: 4, first: 'Björn', last: 'Weiß-Großmann', department: 'Finance', office: 'München', supervisorId: 1 },
  { id: 5, first: 'Élodie', last: 'Chénier', department: 'Sales', office: 'Berlin' },
  { id: 6, first: 'Дмитрий', last: 'Иванов', department: 'Engineering', office: 'Berlin' },
  { id: 7, first: 'Seán', last: "O'Brien", department: 'Engineering', office: 'Berlin', supervisorId: 6 },
  { id: 8, first: 'Paula', last: 'Prehire', department: 'Sales', office: 'Berlin', hireDate: day(1), status: 'onboarding' },
  { id: 9, first: 'Adam', last: 'Adopt', department: 'Engineering', office: 'Berlin' },
  { id: 10, first: 'Gerd', last: 'Geher', department: 'Finance', office: 'Berlin', supervisorId: 1 },
  { id: 11, first: 'Rita', last: 'Rückkehr', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
  { id: 12, first: 'Erna', last: 'Extern', department: 'Engineering', office: 'Berlin', employmentType: 'external', supervisorId: 6 },
  { id: 13, first: 'Hans', last: 'Meier, Jr.', department: 'Finance', office: 'München' },
  { id: 14, first: 'Maximiliane-Friederike', last: 'von Hohenzollern-Sigmaringen', department: 'Sales', office: 'Berlin' },
];
const spec = (id: number): EmployeeSpec => people.find((p) => p.id === id) as EmployeeSpec;

describe('AD end to end: Personio simulator → cadre sync → Samba AD (LDAPS)', () => {
  let dir: string;
  let config: string;
  let shareRoot: string;
  let archiveRoot: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;
  let adoptee = '';
  let rehireGuid = '';

  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', at])) as Plan;
  const sync = async (at: string): Promise<void> => { await cli(['sync', '--quiet', '--at', at]); };
  const show = (o: Operation): string => (o.action === 'move'
    ? `move ${o.personId} →${String(o.changes[0]?.to)}`
    : `${o.action} ${o.personId} ${o.entitlement ?? o.changes.map((c) => `${c.attribute}:${JSON.stringify(c.from)}→${JSON.stringify(c.to)}`).join(',')}`);
  /** A second plan at the same instant has nothing left to do in AD, and no errors. */
  const assertConverged = async (at: string): Promise<void> => {
    const p = await plan(at);
    assert.deepEqual(p.operations.filter((o) => o.target === 'ad').map(show), [], 'second plan is empty');
    assert.deepEqual(p.errors, [], 'no plan errors');
  };
  /** The person's only account in this run's tree (raw LDAP; other test runs may use the same ids elsewhere). */
  const acct = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID ${pid}: ${found.map((u) => u.dn).join('; ')}`);
    return found[0] as RawUser;
  };
  const attr = (u: RawUser, a: string): string | undefined => one(u.entry, a);
  const inOu = (u: RawUser, ou: string): boolean => sameDnText(parentOf(u.dn), ou);
  const groupDn = (cn: string): string => `CN=${cn},${tree.groups}`;
  const ldapsBind = async (login: string, password: string): Promise<string> => {
    const c = new Client({ url: 'ldaps://127.0.0.1:636', tlsOptions: { rejectUnauthorized: false } });
    try {
      await c.bind(login, password);
      return 'ok';
    } catch (e) {
      const m = /data ([0-9a-f]{3})/i.exec((e as Error).message);
      return m ? `data ${m[1] as string}` : (e as Error).message;
    } finally {
      await c.unbind().catch(() => undefined);
    }
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeStaleTrees(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-e2e-'));
    shareRoot = join(dir, 'home');
    archiveRoot = join(dir, 'home-archive');
    // An account someone created by hand before Cadre, carrying the person's employeeID, in another OU.
    await addRawUser(admin, `CN=A. Adopt (legacy),${tree.legacy}`, {
      sAMAccountName: LEGACY_SAM, userPrincipalName: `${LEGACY_SAM}@example.com`, employeeID: '9', displayName: 'A. Adopt (legacy)',
    }, 'Legacy!Passw0rd-1');
    adoptee = (await acct(9)).guid;
    // Addresses Exchange and an admin gave the legacy account: Cadre must keep every one of them.
    await admin.modify(`CN=A. Adopt (legacy),${tree.legacy}`, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: [`SMTP:${LEGACY_MAIL}`, ...ADOPTED_FOREIGN] }) }));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, home: { shareRoot, archiveRoot } });
  });
  after(async () => {
    await personio?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('day 1 plan: the legacy account is adopted by correlation, everyone else is created', async () => {
    const p = await plan(AT);
    assert.deepEqual(p.errors, []);
    const ad = p.operations.filter((o) => o.target === 'ad');
    const creates = ad.filter((o) => o.action === 'create').map((o) => Number(o.personId)).sort((a, b) => a - b);
    assert.deepEqual(creates, [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]);
    const mine = ad.filter((o) => o.personId === '9');
    assert.ok(mine.length > 0 && !mine.some((o) => o.action === 'create'), 'no create for the person with an existing account');
    const first = mine[0] as Operation;
    assert.equal(first.action, 'adopt', 'the adoption is its own operation, first for the account');
    assert.equal(first.reason.kind, 'correlation');
    assert.ok(mine.slice(1).every((o) => o.dependsOn.includes(first.id)), 'everything else of the account waits for the adoption');
    const move = mine.find((o) => o.action === 'move' && o.changes[0]?.to === tree.berlin);
    const rename = mine.find((o) => o.action === 'rename' && o.changes[0]?.to === 'Adam Adopt');
    assert.ok(move && rename, 'adopted account is renamed and moved into its OU');
    assert.ok(move.dependsOn.includes(rename.id), 'both change the DN: the move waits for the rename');
    // A manager created in the same run: the create leaves it out, a later update waits for both creates.
    const createOf = (pid: string): CreateOperation => ad.find((o) => o.action === 'create' && o.personId === pid) as CreateOperation;
    assert.ok(!createOf('2').changes.some((c) => c.attribute === 'manager'));
    const setManager = ad.find((o) => o.personId === '2' && o.action === 'update' && o.changes.some((c) => c.attribute === 'manager'));
    assert.ok(setManager, 'manager update for person 2');
    assert.ok(setManager.dependsOn.includes(createOf('1').id) && setManager.dependsOn.includes(createOf('2').id));
    assert.equal(createOf('8').enabled, false, 'pre-hire account planned disabled');
  });

  test('day 1 sync: hard names get unique transliterated identifiers, Unicode names, OU, groups, password, manager', async (t) => {
    await sync(AT);
    const all = await Promise.all(people.map((p) => acct(p.id)));
    t.diagnostic(all.map((u) => `${attr(u, 'employeeID')}: ${attr(u, 'sAMAccountName')} <${attr(u, 'userPrincipalName')}> ${u.dn}`).join('\n'));
    const sams = all.map((u) => String(attr(u, 'sAMAccountName')));
    const upns = all.map((u) => String(attr(u, 'userPrincipalName')).toLowerCase());
    for (const s of sams.filter((x) => x !== LEGACY_SAM)) assert.match(s, /^[a-z0-9._-]{1,20}$/, `sAMAccountName ${s}`);
    for (const u of upns) assert.match(u, /^[a-z0-9._-]+@example\.com$/, `UPN ${u}`);
    assert.equal(new Set(sams.map((s) => s.toLowerCase())).size, sams.length, 'sAMAccountNames unique');
    assert.equal(new Set(upns).size, upns.length, 'UPNs unique');

    const [j1, j2, j3] = [await acct(1), await acct(2), await acct(3)];
    assert.equal(attr(j1, 'sAMAccountName'), 'juergen.mueller');
    assert.equal(attr(j2, 'sAMAccountName'), 'jmueller');
    assert.equal(attr(j3, 'sAMAccountName'), 'jumueller');
    assert.equal(attr(j1, 'userPrincipalName'), 'juergen.mueller@example.com');
    assert.equal(attr(j2, 'userPrincipalName'), 'j.mueller@example.com');
    assert.equal(attr(j3, 'userPrincipalName'), 'juergen.mueller2@example.com');
    for (const j of [j1, j2, j3]) {
      assert.equal(attr(j, 'displayName'), 'Jürgen Müller');
      assert.equal(attr(j, 'givenName'), 'Jürgen');
      assert.equal(attr(j, 'sn'), 'Müller');
    }
    // Two of them share an OU: the second CN gets a suffix.
    assert.deepEqual([attr(j1, 'cn'), attr(j2, 'cn'), attr(j3, 'cn')], ['Jürgen Müller', 'Jürgen Müller (2)', 'Jürgen Müller']);
    const bjoern = await acct(4);
    assert.match(String(attr(bjoern, 'sAMAccountName')), /^bjoern\.weiss-gros/);
    assert.ok(String(attr(bjoern, 'sAMAccountName')).length <= 20);
    assert.equal(attr(bjoern, 'displayName'), 'Björn Weiß-Großmann');
    assert.equal(attr(await acct(5), 'sAMAccountName'), 'elodie.chenier');
    const dmitry = await acct(6);
    assert.equal(attr(dmitry, 'displayName'), 'Дмитрий Иванов');
    assert.equal(attr(dmitry, 'cn'), 'Дмитрий Иванов');
    assert.match(String(attr(dmitry, 'sAMAccountName')), /^[a-z]+\.[a-z]+$/, 'Cyrillic transliterated');
    const sean = await acct(7);
    assert.equal(attr(sean, 'sn'), "O'Brien");
    assert.equal(attr(sean, 'sAMAccountName'), 'sean.obrien');
    const hans = await acct(13);
    assert.equal(attr(hans, 'cn'), 'Hans Meier, Jr.', 'comma in the CN survives DN escaping');
    assert.ok(inOu(hans, tree.muenchen));
    const maxi = await acct(14);
    assert.ok(String(attr(maxi, 'sAMAccountName')).length <= 20, 'long names are truncated to 20');
    assert.equal(attr(maxi, 'displayName'), 'Maximiliane-Friederike von Hohenzollern-Sigmaringen');

    // Placement: office OUs, externals by rule.
    assert.ok(inOu(j1, tree.berlin) && inOu(j2, tree.berlin) && inOu(j3, tree.hamburg) && inOu(bjoern, tree.muenchen));
    assert.ok(inOu(await acct(12), tree.externals), 'external staff go to the Externals OU');

    // Groups: department + location (+ all staff).
    assert.deepEqual(j1.groups, ['GG-All-Staff', 'GG-Finance', 'GG-Loc-Berlin']);
    assert.deepEqual(j3.groups, ['GG-All-Staff', 'GG-Loc-Hamburg', 'GG-Sales']);
    assert.deepEqual(bjoern.groups, ['GG-All-Staff', 'GG-Finance', 'GG-Loc-München']);
    assert.deepEqual(dmitry.groups, ['GG-All-Staff', 'GG-Engineering', 'GG-Loc-Berlin']);

    // Enabled with an initial password that must be changed.
    for (const pid of [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14]) {
      const u = await acct(pid);
      assert.equal(attr(u, 'userAccountControl'), '512', `person ${pid} enabled`);
      assert.equal(attr(u, 'pwdLastSet'), '0', `person ${pid} must change the password`);
      assert.equal(await ldapsBind(`${String(attr(u, 'sAMAccountName'))}@example.test`, 'Wrong!Passw0rd-0'), 'data 52e', `person ${pid} has a password (not an empty one)`);
    }
    // Mapped attributes.
    assert.equal(attr(j1, 'title'), 'Head of Finance');
    assert.equal(attr(j1, 'department'), 'Finance');
    assert.equal(attr(j1, 'company'), 'Example GmbH');
    assert.equal(attr(j1, 'physicalDeliveryOfficeName'), 'Berlin');
    assert.equal(attr(j1, 'telephoneNumber'), '+49 30 1234-100');
    assert.equal(attr(j1, 'employeeID'), '1');
    assert.equal(attr(j1, 'mail'), 'juergen.mueller@example.com');
    assert.deepEqual(many(j1.entry, 'proxyAddresses'), ['SMTP:juergen.mueller@example.com']);
    assert.equal(attr(j1, 'homeDirectory'), '\\\\fs1\\home\\juergen.mueller');
    assert.equal(attr(j1, 'homeDrive'), 'H:');
    assert.ok(statSync(join(shareRoot, 'juergen.mueller')).isDirectory(), 'home folder created');

    // Managers, including ones created in the same run.
    assert.ok(sameDnText(String(attr(j2, 'manager')), j1.dn));
    assert.ok(sameDnText(String(attr(j3, 'manager')), j1.dn));
    assert.ok(sameDnText(String(attr(sean, 'manager')), dmitry.dn));
    assert.equal(attr(j1, 'manager'), undefined);

    // Adopted, not duplicated: the same object, its login kept (createOnly), the rest converged.
    const adopted = await acct(9);
    assert.equal(adopted.guid, adoptee, 'the legacy object itself');
    assert.equal(attr(adopted, 'sAMAccountName'), LEGACY_SAM, 'sAMAccountName is createOnly: the existing login stays');
    assert.equal(attr(adopted, 'userPrincipalName'), 'adam.adopt@example.com');
    assert.equal(attr(adopted, 'displayName'), 'Adam Adopt');
    assert.equal(attr(adopted, 'mail'), 'adam.adopt@example.com');
    assert.deepEqual(many(adopted.entry, 'proxyAddresses').sort(), ['SMTP:adam.adopt@example.com', `smtp:${LEGACY_MAIL}`, ...ADOPTED_FOREIGN].sort(),
      'adopted: Cadre\'s primary added, the legacy primary kept as smtp:, X500:/SIP:/smtp: values untouched');
    assert.equal(attr(adopted, 'cn'), 'Adam Adopt', 'renamed to the mapped cn');
    assert.ok(inOu(adopted, tree.berlin), 'moved from the legacy OU');
    assert.deepEqual(adopted.groups, ['GG-All-Staff', 'GG-Engineering', 'GG-Loc-Berlin']);
    assert.equal((await usersWithSam(admin, LEGACY_SAM)).length, 1);

    await assertConverged(AT);
  });

  test('pre-hire: created disabled (514) ahead of the hire date, enabled on the hire day', async () => {
    const p = await acct(8);
    assert.equal(attr(p, 'userAccountControl'), '514', 'pre-hire account is disabled');
    assert.equal(attr(p, 'pwdLastSet'), '0');
    assert.deepEqual(p.groups, ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales']);
    const lastEvening = await plan(`${day(0)}T21:30:00Z`);
    assert.ok(!lastEvening.operations.some((o) => o.personId === '8' && o.action === 'enable'), 'still disabled at 23:30 Berlin the day before');
    await sync(`${day(1)}T06:00:00Z`);
    const q = await acct(8);
    assert.equal(q.guid, p.guid);
    assert.equal(attr(q, 'userAccountControl'), '512', 'enabled at 08:00 Berlin on the hire date');
    await assertConverged(`${day(1)}T06:00:00Z`);
  });

  test('drift: a manual managed membership is removed, an unmanaged one kept, a changed title corrected', async () => {
    const j2 = await acct(2);
    const j3 = await acct(3);
    await setMember(admin, groupDn('GG-Finance'), j2.dn, true);
    await setMember(admin, `CN=${AD_E2E_UNMANAGED},${tree.other}`, j2.dn, true);
    await setAttr(admin, j3.dn, 'title', ['Self-declared CEO']);
    const p = await plan(noon(1));
    assert.deepEqual(p.operations.filter((o) => o.target === 'ad').map(show).sort(), [
      'revoke 2 GG-Finance', 'update 3 title:"Self-declared CEO"→"Account Manager"',
    ]);
    await sync(noon(1));
    assert.deepEqual((await acct(2)).groups, ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales', AD_E2E_UNMANAGED].sort(), 'managed drift removed, unmanaged membership kept');
    assert.equal(attr(await acct(3), 'title'), 'Account Manager');
    await assertConverged(noon(1));
  });

  test('day 2: department move swaps exactly the group; office move changes OU and location group; marriage renames', async () => {
    const bjoern = await acct(4);
    const sean = await acct(7);
    const elodie = await acct(5);
    personio.company.upsert(employee({ ...spec(4), department: 'Sales' }));
    personio.company.upsert(employee({ ...spec(7), office: 'Hamburg' }));
    // Exchange and an admin added addresses of their own: they plan nothing and survive the marriage.
    await admin.modify(elodie.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'proxyAddresses', values: ELODIE_FOREIGN }) }));
    assert.ok(!(await plan(noon(1))).operations.some((o) => o.personId === '5'), 'foreign values alone plan nothing');
    personio.company.upsert(employee({ ...spec(5), last: 'Dupont' }));
    const p = await plan(noon(1));
    const ops = (pid: string): string[] => p.operations.filter((o) => o.target === 'ad' && o.personId === pid).map(show).sort();
    assert.deepEqual(ops('4'), ['grant 4 GG-Sales', 'revoke 4 GG-Finance', 'update 4 department:"Finance"→"Sales"']);
    assert.deepEqual(ops('7'), [
      'grant 7 GG-Loc-Hamburg', `move 7 →${tree.hamburg}`, 'revoke 7 GG-Loc-Berlin', 'update 7 physicalDeliveryOfficeName:"Berlin"→"Hamburg"',
    ]);
    const mine5 = p.operations.filter((o) => o.target === 'ad' && o.personId === '5');
    assert.deepEqual(mine5.map((o) => o.action).sort(), ['rename', 'update']);
    const upd = mine5.find((o) => o.action === 'update') as Operation;
    assert.deepEqual(upd.changes.map((c) => c.attribute).sort(), ['displayName', 'mail', 'proxyAddresses', 'sn', 'userPrincipalName']);
    const proxy = upd.changes.find((c) => c.attribute === 'proxyAddresses');
    assert.deepEqual([proxy?.remove, proxy?.add], [['SMTP:elodie.chenier@example.com'], ['SMTP:elodie.dupont@example.com', 'smtp:elodie.chenier@example.com']], 'per value, owned values only');
    assert.deepEqual(p.operations.filter((o) => o.target === 'ad' && !['4', '5', '7'].includes(o.personId)).map(show), [], 'nobody else is touched');

    await sync(noon(1));
    const b = await acct(4);
    assert.equal(b.guid, bjoern.guid, 'mover keeps the account');
    assert.equal(attr(b, 'department'), 'Sales');
    assert.deepEqual(b.groups, ['GG-All-Staff', 'GG-Loc-München', 'GG-Sales']);
    assert.ok(inOu(b, tree.muenchen), 'department move does not move the OU');
    const s = await acct(7);
    assert.equal(s.guid, sean.guid);
    assert.ok(inOu(s, tree.hamburg), 'office move → modifyDN to the Hamburg OU');
    assert.equal(attr(s, 'cn'), "Seán O'Brien");
    assert.deepEqual(s.groups, ['GG-All-Staff', 'GG-Engineering', 'GG-Loc-Hamburg']);
    assert.equal(attr(s, 'physicalDeliveryOfficeName'), 'Hamburg');
    assert.ok(sameDnText(String(attr(s, 'manager')), (await acct(6)).dn), 'manager link survives the move');
    const e = await acct(5);
    assert.equal(e.guid, elodie.guid, 'marriage keeps the account');
    assert.equal(attr(e, 'sn'), 'Dupont');
    assert.equal(attr(e, 'displayName'), 'Élodie Dupont');
    assert.equal(attr(e, 'cn'), 'Élodie Dupont', 'renamed (modifyDN)');
    assert.ok(inOu(e, tree.berlin));
    assert.equal(attr(e, 'mail'), 'elodie.dupont@example.com');
    assert.equal(attr(e, 'userPrincipalName'), 'elodie.dupont@example.com', 'UPN follows the name (onNameChange: regenerate)');
    assert.deepEqual(many(e.entry, 'proxyAddresses').sort(), ['SMTP:elodie.dupont@example.com', 'smtp:elodie.chenier@example.com', ...ELODIE_FOREIGN].sort(),
      'old address kept as smtp:, the new one SMTP:, foreign X500:/SIP:/x400:/smtp: values untouched');
    assert.equal(attr(e, 'sAMAccountName'), 'elodie.chenier', 'the login stays');
    assert.deepEqual(e.groups, ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales']);
    await assertConverged(noon(1));
  });

  test('day 3: leavers are disabled (514), stamped, moved to the Disabled OU, managed groups removed', async () => {
    personio.company.upsert(employee({ ...spec(10), terminationDate: day(1) }));
    personio.company.upsert(employee({ ...spec(11), terminationDate: day(1) }));
    const gerd = await acct(10);
    const rita = await acct(11);
    rehireGuid = rita.guid;
    // Give Rita a password someone knows (as if she had logged in and changed it), and an unmanaged group.
    await setKnownPassword(admin, rita.dn, KNOWN);
    await setMember(admin, `CN=${AD_E2E_UNMANAGED},${tree.other}`, rita.dn, true);
    assert.equal(await ldapsBind('rita.rueckkehr@example.test', KNOWN), 'ok', 'the known password works while employed');
    // As soon as the end date is known, accountExpires follows it (end of the last day, Berlin time).
    const known = await plan(`${day(1)}T21:30:00Z`);
    const early = known.operations.filter((o) => o.target === 'ad' && (o.personId === '10' || o.personId === '11'));
    assert.deepEqual(early.map((o) => `${o.action} ${o.changes.map((c) => c.attribute).join(',')}`), ['update accountExpires', 'update accountExpires']);
    await sync(`${day(1)}T21:30:00Z`);
    assert.equal(attr(await acct(10), 'accountExpires'), accountExpiresFiletime(day(1), 'Europe/Berlin'));
    const lastEvening = await plan(`${day(1)}T21:30:00Z`);
    assert.ok(!lastEvening.operations.some((o) => o.personId === '10' || o.personId === '11'), 'nothing else at 23:30 Berlin on the last day');
    const p = await plan(noon(2));
    const mine = p.operations.filter((o) => o.target === 'ad' && o.personId === '10').map((o) => `${o.action} ${o.entitlement ?? ''}`.trim()).sort();
    assert.deepEqual(mine, ['disable', 'move', 'revoke GG-All-Staff', 'revoke GG-Finance', 'revoke GG-Loc-Berlin']);
    const before = new Date().toISOString().slice(0, 10);
    await sync(noon(2));
    const after = new Date().toISOString().slice(0, 10);
    for (const [u0, pid] of [[gerd, 10], [rita, 11]] as const) {
      const u = await acct(pid);
      assert.equal(u.guid, u0.guid);
      assert.equal(attr(u, 'userAccountControl'), '514', `person ${pid} disabled`);
      assert.ok(inOu(u, tree.disabled), `person ${pid} moved to the Disabled OU`);
      const stamp = String(attr(u, 'description'));
      assert.match(stamp, /^Disabled by Cadre on \d{4}-\d{2}-\d{2}: end date has passed: termination_date 2026-06-16 \(disableAt: earliest\)/, stamp);
      assert.ok([before, after].includes(stamp.slice(21, 31)), 'stamped with the date of the run');
    }
    assert.deepEqual((await acct(10)).groups, [], 'managed groups removed');
    assert.deepEqual((await acct(11)).groups, [AD_E2E_UNMANAGED], 'only the unmanaged group is left');
    assert.equal(await ldapsBind('rita.rueckkehr@example.test', KNOWN), 'data 533', 'a disabled account cannot sign in');
    await assertConverged(noon(2));
  });

  test('rehire within retention: the same account is re-enabled, moved back, regrouped, and gets a new password', async () => {
    personio.company.upsert(employee({ ...spec(11), hireDate: day(4), terminationDate: day(1), status: 'active' }));
    const p = await plan(noon(4));
    const mine = p.operations.filter((o) => o.target === 'ad' && o.personId === '11');
    assert.ok(!mine.some((o) => o.action === 'create'), 'no new account');
    assert.deepEqual(mine.map((o) => `${o.action} ${o.entitlement ?? ''}`.trim()).sort(), ['enable', 'grant GG-All-Staff', 'grant GG-Loc-Hamburg', 'grant GG-Sales', 'move', 'setPassword', 'update']);
    assert.deepEqual(mine.find((o) => o.action === 'update')?.changes.map((c) => [c.attribute, c.to]), [['accountExpires', '0']], 'the old expiry is cleared');
    await sync(noon(4));
    const u = await acct(11);
    assert.equal(u.guid, rehireGuid, 'the same objectGUID');
    assert.equal(attr(u, 'userAccountControl'), '512');
    assert.ok(inOu(u, tree.hamburg), 'moved back to the office OU');
    assert.deepEqual(u.groups, ['GG-All-Staff', 'GG-Loc-Hamburg', 'GG-Sales', AD_E2E_UNMANAGED].sort());
    assert.equal(attr(u, 'description'), undefined, 'the disable stamp is removed');
    assert.equal(attr(u, 'pwdLastSet'), '0', 'must change the new password');
    assert.ok(['0', '9223372036854775807'].includes(String(attr(u, 'accountExpires'))), 'a rehired account does not expire');
    assert.equal(await ldapsBind('rita.rueckkehr@example.test', KNOWN), 'data 52e', 'the old password no longer works');
    await assertConverged(noon(4));
  });

  test('day 3 + retention: the leaver is deleted and the home folder archived', async () => {
    const gerd = await acct(10);
    const sam = String(attr(gerd, 'sAMAccountName'));
    const early = await plan(noon(8));
    assert.ok(!early.operations.some((o) => o.personId === '10'), 'no delete before the retention has passed');
    const p = await plan(noon(9));
    assert.deepEqual(p.operations.filter((o) => o.target === 'ad').map((o) => `${o.action} ${o.personId}`), ['delete 10']);
    await sync(noon(9));
    assert.deepEqual(await usersWithEmployeeId(admin, 10, tree.root), [], 'no account left');
    assert.deepEqual(await usersWithSam(admin, sam), []);
    assert.throws(() => statSync(join(shareRoot, sam)), /ENOENT/, 'home folder moved away');
    const archived = readdirSync(archiveRoot).filter((n) => n.startsWith(`${sam}-`));
    assert.equal(archived.length, 1, 'home folder archived');
    assert.equal((await acct(11)).guid, rehireGuid, 'the rehired person is untouched');
    await assertConverged(noon(9));
  });

  test('secondary correlation: a legacy account without employeeID is found by mail, adopted and stamped', async () => {
    const legacyDn = `CN=Lena Legacy,${tree.legacy}`;
    await addRawUser(admin, legacyDn, { sAMAccountName: `ll-${RUN}`, userPrincipalName: `ll-${RUN}@example.com`, mail: `lena.legacy.${RUN}@legacy.example`, displayName: 'Lena Legacy' }, 'Legacy!Passw0rd-2');
    const legacyGuid = (await usersWithSam(admin, `ll-${RUN}`))[0]?.guid;
    assert.ok(legacyGuid);
    personio.company.upsert(employee({ id: 20, first: 'Lena', last: 'Legacy', email: `lena.legacy.${RUN}@legacy.example`, department: 'Sales', office: 'Berlin' }));
    const p = await plan(noon(9));
    const mine = p.operations.filter((o) => o.target === 'ad' && o.personId === '20');
    assert.ok(mine.length > 0 && !mine.some((o) => o.action === 'create'), 'no new account for a person with a legacy one');
    assert.equal(mine[0]?.action, 'adopt');
    assert.ok(mine[0]?.changes.some((c) => c.attribute === 'employeeID' && c.to === '20'), 'the adoption stamps employeeID');
    await sync(noon(9));
    const u = await acct(20);
    assert.equal(u.guid, legacyGuid, 'the legacy object itself');
    assert.equal(attr(u, 'sAMAccountName'), `ll-${RUN}`, 'its login stays (createOnly)');
    await assertConverged(noon(9));
  });
});
