/**
 * Acceptance of the Entra ID target end to end: Personio simulator → the real `cadre plan/sync` CLI →
 * Graph simulator. Every step asserts on the simulator's tenant state directly (users, groups,
 * licences, deleted items, manager links, request log), and that a second plan converges to nothing.
 * Time moves with `--at`; calendar days are Europe/Berlin days.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Operation, Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

/** Day 1 of the scenario, 12:00 in Berlin. */
const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
/** 12:00 Berlin (summer time) on scenario day `offset`. */
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const F1 = '66b55226-6b4f-492c-910c-a3b7a3c9d993';

const people: EmployeeSpec[] = [
  { id: 1, first: 'Jürgen', last: 'Müller', department: 'Finance', office: 'Berlin', position: 'Head of Finance' },
  { id: 2, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Berlin', supervisorId: 1 },
  { id: 3, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Hamburg', supervisorId: 1, position: 'Account Manager' },
  { id: 4, first: 'Björn', last: 'Weiß-Großmann', department: 'Finance', office: 'München' },
  { id: 5, first: 'Élodie', last: 'Chénier', department: 'Sales', office: 'Berlin' },
  { id: 6, first: 'Дмитрий', last: 'Иванов', department: 'Engineering', office: 'Berlin' },
  { id: 7, first: 'Seán', last: "O'Brien", department: 'Engineering', office: 'Berlin', supervisorId: 6 },
  { id: 8, first: 'Paula', last: 'Prehire', department: 'Sales', office: 'Berlin', hireDate: day(1), status: 'onboarding' },
  { id: 9, first: 'Adam', last: 'Adopt', department: 'Engineering', office: 'Berlin' },
  { id: 10, first: 'Gerd', last: 'Geher', department: 'Finance', office: 'Berlin', supervisorId: 1 },
];
const spec = (id: number): EmployeeSpec => people.find((p) => p.id === id) as EmployeeSpec;

describe('Entra end to end: Personio simulator → cadre sync → Graph simulator', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let adoptee = '';
  let phoenix = '';
  let leaverId = '';

  const live = (): SimUser[] => graph.state.liveUsers();
  const deleted = (): SimUser[] => graph.state.deletedUsers();
  const byEmployee = (pid: number | string): SimUser => {
    const found = live().filter((u) => u.props.employeeId === String(pid));
    assert.equal(found.length, 1, `exactly one live user with employeeId ${pid}`);
    return found[0] as SimUser;
  };
  const groupsOf = (u: SimUser): string[] => graph.state.memberOf(u.id).map((g) => String(g.props.displayName)).sort();
  const skusOf = (u: SimUser): string[] => ((u.props.assignedLicenses as { skuId: string }[] | null) ?? []).map((l) => l.skuId).sort();
  const groupId = (name: string): string => {
    const g = [...graph.state.groups.values()].find((x) => x.props.displayName === name);
    assert.ok(g, `group ${name}`);
    return g.id;
  };

  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', at])) as Plan;
  const sync = async (at: string): Promise<void> => { await cli(['sync', '--quiet', '--at', at]); };
  /** Move the Graph simulator's clock (deleted-items retention, timestamps) through its control endpoint. */
  const advanceGraphDays = async (days: number): Promise<void> => {
    const res = await fetch(`${graph.url}/_sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: days }) });
    assert.equal(res.status, 200);
  };
  /** A second plan at the same instant has nothing left to do in Entra, and no errors. */
  const assertConverged = async (at: string): Promise<void> => {
    const p = await plan(at);
    const left = p.operations.filter((o) => o.target === 'entra');
    assert.deepEqual(left.map((o) => `${o.action} ${o.personId} ${o.entitlement ?? o.changes.map((c) => `${c.attribute}:${JSON.stringify(c.from)}→${JSON.stringify(c.to)}`).join(',')}`), [], 'second plan is empty');
    assert.deepEqual(p.errors, [], 'no plan errors');
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-e2e-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [
        { skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 50 },
        { skuId: F1, skuPartNumber: 'SPE_F1', prepaidUnits: 50 },
      ],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering', 'Project Phoenix']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    phoenix = groupId('Project Phoenix');
    // An account someone created by hand before Cadre, carrying the person's employeeId.
    adoptee = graph.state.createUser({
      accountEnabled: true, displayName: 'A. Adopt (legacy)', userPrincipalName: 'legacy-aa@example.com', mailNickname: 'legacy-aa',
      employeeId: '9', passwordProfile: { password: 'Legacy!Passw0rd', forceChangePasswordNextSignIn: false },
    }).id;
    config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId });
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('day 1 plan: the pre-created account is adopted by correlation, not created again', async () => {
    const p = await plan(AT);
    const mine = p.operations.filter((o) => o.target === 'entra' && o.personId === '9');
    assert.ok(!mine.some((o) => o.action === 'create'), 'no create for the person with an existing account');
    const first = mine[0] as Operation;
    assert.equal(first.action, 'adopt', 'the adoption is its own operation, first for the account');
    assert.ok(mine.slice(1).every((o) => o.dependsOn.includes(first.id)), 'everything else of the account waits for the adoption');
    assert.equal(first.anchor, adoptee);
    assert.equal(first.reason.kind, 'correlation');
    const creates = p.operations.filter((o) => o.target === 'entra' && o.action === 'create').map((o) => o.personId).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(creates, ['1', '2', '3', '4', '5', '6', '7', '8', '10']);
    // A manager created in the same run: the report's create leaves it out, a later update sets it.
    const createOf = (pid: string): Operation => p.operations.find((o) => o.target === 'entra' && o.action === 'create' && o.personId === pid) as Operation;
    assert.ok(!createOf('2').changes.some((c) => c.attribute === 'manager'));
    const setManager = p.operations.find((o) => o.personId === '2' && o.action === 'update' && o.changes.some((c) => c.attribute === 'manager'));
    assert.ok(setManager, 'manager update for person 2');
    assert.equal(setManager.changes.find((c) => c.attribute === 'manager')?.to, 'ref:1');
    assert.ok(setManager.dependsOn.includes(createOf('1').id) && setManager.dependsOn.includes(createOf('2').id), 'waits for both creates');
    assert.ok(p.operations.indexOf(setManager) > p.operations.indexOf(createOf('1')));
    assert.deepEqual(p.errors, []);
  });

  test('day 1 sync: joiners with hard names get unique ASCII identifiers, Unicode names, licence, groups, manager', async (t) => {
    await sync(AT);
    const users = live();
    t.diagnostic(users.map((u) => `${String(u.props.employeeId)}: ${String(u.props.displayName)} <${String(u.props.userPrincipalName)}> ${String(u.props.mailNickname)}`).join('; '));
    assert.equal(users.length, 10, 'nine created plus one adopted');
    const upns = users.map((u) => String(u.props.userPrincipalName));
    const nicks = users.map((u) => String(u.props.mailNickname));
    const mails = users.map((u) => String(u.props.mail).toLowerCase());
    for (const upn of upns) {
      assert.match(upn, /^[a-z0-9._-]+@example\.com$/, `UPN ${upn}`);
      assert.ok(upn.split('@')[0]!.length <= 64, `UPN local part within 64: ${upn}`);
    }
    for (const n of nicks) assert.match(n, /^[a-z0-9._-]{1,20}$/, `mailNickname ${n}`);
    assert.equal(new Set(upns.map((x) => x.toLowerCase())).size, upns.length, 'UPNs unique');
    assert.equal(new Set(nicks).size, nicks.length, 'mailNicknames unique');
    assert.equal(new Set(mails).size, mails.length, 'mail addresses unique');

    const j1 = byEmployee(1);
    const j2 = byEmployee(2);
    const j3 = byEmployee(3);
    assert.equal(j1.props.userPrincipalName, 'juergen.mueller@example.com');
    assert.equal(j1.props.mailNickname, 'juergen.mueller');
    assert.equal(j2.props.mailNickname, 'jmueller');
    assert.notEqual(j3.props.mailNickname, 'jmueller');
    for (const j of [j1, j2, j3]) assert.equal(j.props.displayName, 'Jürgen Müller');
    assert.match(String(byEmployee(4).props.mailNickname), /^bjoern\.weiss-gross|^bweiss/);
    const dmitry = byEmployee(6);
    assert.equal(dmitry.props.displayName, 'Дмитрий Иванов');
    assert.equal(dmitry.props.givenName, 'Дмитрий');
    assert.match(String(dmitry.props.userPrincipalName), /^[a-z]/);
    const sean = byEmployee(7);
    assert.equal(sean.props.displayName, "Seán O'Brien");
    assert.equal(sean.props.surname, "O'Brien");
    assert.equal(byEmployee(5).props.mail, 'elodie.chenier@example.com');

    for (const pid of [1, 2, 3, 4, 5, 6, 7, 10]) {
      const u = byEmployee(pid);
      assert.equal(u.props.accountEnabled, true, `person ${pid} enabled`);
      assert.deepEqual(u.props.passwordProfile, { forceChangePasswordNextSignIn: true, forceChangePasswordNextSignInWithMfa: false }, `person ${pid} must change the initial password`);
      assert.equal(u.props.usageLocation, 'DE');
      assert.equal(u.props.companyName, 'Example GmbH');
      assert.equal(u.props.employeeHireDate, '2020-01-01T00:00:00Z');
      assert.deepEqual(u.props.proxyAddresses, [`SMTP:${String(u.props.mail)}`]);
    }
    assert.equal(j1.props.jobTitle, 'Head of Finance');
    assert.equal(j3.props.officeLocation, 'Hamburg');
    assert.equal(j3.props.department, 'Sales');

    // Licences and groups by department.
    assert.deepEqual(skusOf(j1), [E3]);
    assert.deepEqual(groupsOf(j1), ['All Staff', 'Finance']);
    assert.deepEqual(skusOf(j2), [F1]);
    assert.deepEqual(groupsOf(j2), ['All Staff', 'Sales']);
    assert.deepEqual(skusOf(dmitry), [E3]);
    assert.deepEqual(groupsOf(dmitry), ['All Staff', 'Engineering']);
    assert.equal(graph.state.consumed(E3), 6, 'E3: Finance (1, 4, 10) and Engineering (6, 7, 9)');
    assert.equal(graph.state.consumed(F1), 4, 'F1: Sales (2, 3, 5, 8)');

    // Managers, including ones created in the same run (set by a later step of the run).
    assert.equal(j2.managerId, j1.id);
    assert.equal(j3.managerId, j1.id);
    assert.equal(sean.managerId, dmitry.id);
    assert.equal(byEmployee(10).managerId, j1.id);
    assert.equal(j1.managerId, null);

    // Adopted, not duplicated: the same object, now converged to the desired identifiers.
    const adopted = byEmployee(9);
    assert.equal(adopted.id, adoptee);
    assert.equal(adopted.props.displayName, 'Adam Adopt');
    assert.equal(adopted.props.userPrincipalName, 'adam.adopt@example.com');
    assert.deepEqual(skusOf(adopted), [E3]);
    assert.deepEqual(groupsOf(adopted), ['All Staff', 'Engineering']);

    await assertConverged(AT);
  });

  test('pre-hire: created disabled ahead of the hire date, enabled on the hire day', async () => {
    const p = byEmployee(8);
    assert.equal(p.props.accountEnabled, false, 'pre-hire account is disabled');
    assert.deepEqual(groupsOf(p), ['All Staff', 'Sales']);
    const lastEvening = await plan(`${day(0)}T21:30:00Z`);
    assert.ok(!lastEvening.operations.some((o) => o.personId === '8' && o.action === 'enable'), 'still disabled at 23:30 Berlin the day before');
    await sync(`${day(1)}T06:00:00Z`);
    assert.equal(byEmployee(8).props.accountEnabled, true, 'enabled at 08:00 Berlin on the hire date');
    await assertConverged(`${day(1)}T06:00:00Z`);
  });
  test('day 2: mover swaps exactly the department group and licence; marriage renames, old address stays as alias', async () => {
    const bjoern = byEmployee(4);
    const elodie = byEmployee(5);
    personio.company.upsert(employee({ ...spec(4), department: 'Sales' }));
    personio.company.upsert(employee({ ...spec(5), last: 'Dupont' }));
    const p = await plan(noon(1));
    const ops = (pid: string): Operation[] => p.operations.filter((o) => o.target === 'entra' && o.personId === pid);
    const mover = ops('4');
    assert.deepEqual(mover.filter((o) => o.action === 'grant').map((o) => o.entitlement).sort(), ['grp:sales', 'licence:f1']);
    assert.deepEqual(mover.filter((o) => o.action === 'revoke').map((o) => o.entitlement).sort(), ['grp:finance', 'licence:e3']);
    assert.deepEqual(mover.filter((o) => o.action === 'update').flatMap((o) => o.changes.map((c) => c.attribute)), ['department']);
    assert.ok(!mover.some((o) => o.action === 'create' || o.action === 'delete' || o.action === 'disable'));
    const rename = ops('5').filter((o) => o.action === 'update');
    assert.equal(rename.length, 1);
    assert.deepEqual(rename[0]?.changes.map((c) => c.attribute).sort(), ['displayName', 'mail', 'mailNickname', 'surname', 'userPrincipalName']);
    assert.ok(!ops('5').some((o) => o.action === 'grant' || o.action === 'revoke'), 'a name change touches no entitlement');
    assert.deepEqual(p.operations.filter((o) => o.target === 'entra' && !['4', '5'].includes(o.personId)), [], 'nobody else is touched');

    await sync(noon(1));
    const b = byEmployee(4);
    assert.equal(b.id, bjoern.id, 'mover keeps the account');
    assert.equal(b.props.department, 'Sales');
    assert.deepEqual(groupsOf(b), ['All Staff', 'Sales']);
    assert.deepEqual(skusOf(b), [F1]);
    const e = byEmployee(5);
    assert.equal(e.id, elodie.id, 'marriage keeps the account');
    assert.equal(e.props.displayName, 'Élodie Dupont');
    assert.equal(e.props.surname, 'Dupont');
    assert.equal(e.props.mail, 'elodie.dupont@example.com');
    assert.equal(e.props.mailNickname, 'elodie.dupont');
    assert.equal(e.props.userPrincipalName, 'elodie.dupont@example.com', 'upnFollowsName: true');
    assert.deepEqual(e.props.proxyAddresses, ['SMTP:elodie.dupont@example.com', 'smtp:elodie.chenier@example.com']);
    assert.deepEqual(groupsOf(e), ['All Staff', 'Sales']);
    await assertConverged(noon(1));
  });

  test('drift: a manual managed membership and licence are removed, a changed jobTitle corrected, unmanaged left alone', async () => {
    const j2 = byEmployee(2);
    const j3 = byEmployee(3);
    graph.state.addMember(groupId('Finance'), j2.id);
    graph.state.addMember(phoenix, j2.id);
    graph.state.assignLicense(j2.id, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
    graph.state.updateUser(j3.id, { jobTitle: 'Self-declared CEO' });
    const p = await plan(noon(1));
    const entra = p.operations.filter((o) => o.target === 'entra');
    assert.deepEqual(entra.map((o) => `${o.action} ${o.personId} ${o.entitlement ?? o.changes.map((c) => `${c.attribute}=${String(c.to)}`).join(',')}`).sort(), [
      'revoke 2 grp:finance', 'revoke 2 licence:e3', 'update 3 jobTitle=Account Manager',
    ]);
    await sync(noon(1));
    assert.deepEqual(groupsOf(byEmployee(2)), ['All Staff', 'Project Phoenix', 'Sales'], 'managed drift removed, unmanaged membership kept');
    assert.deepEqual(skusOf(byEmployee(2)), [F1]);
    assert.equal(byEmployee(3).props.jobTitle, 'Account Manager');
    assert.deepEqual(graph.state.group(phoenix).members, [j2.id]);
    await assertConverged(noon(1));
  });

  test('day 3: the leaver is disabled after the end of the last day, sessions revoked, licence and groups removed', async () => {
    personio.company.upsert(employee({ ...spec(10), terminationDate: day(1) }));
    const leaver = byEmployee(10);
    leaverId = leaver.id;
    const lastEvening = await plan(`${day(1)}T21:30:00Z`);
    assert.ok(!lastEvening.operations.some((o) => o.personId === '10'), 'nothing at 23:30 Berlin on the last day');
    const p = await plan(noon(2));
    const mine = p.operations.filter((o) => o.target === 'entra' && o.personId === '10');
    assert.deepEqual(mine.map((o) => `${o.action} ${o.entitlement ?? ''}`.trim()).sort(), ['disable', 'revoke grp:all-staff', 'revoke grp:finance', 'revoke licence:e3']);
    const revokesBefore = graph.log.filter((l) => l.path === `/v1.0/users/${leaverId}/revokeSignInSessions`).length;
    const sessionsBefore = String(leaver.props.signInSessionsValidFromDateTime);
    await advanceGraphDays(1);
    await sync(noon(2));
    const u = byEmployee(10);
    assert.equal(u.props.accountEnabled, false);
    const revokes = graph.log.filter((l) => l.method === 'POST' && l.path === `/v1.0/users/${leaverId}/revokeSignInSessions`);
    assert.equal(revokes.length - revokesBefore, 1, 'revokeSignInSessions called once');
    assert.ok(revokes.every((l) => l.status === 204 || l.status === 200));
    assert.ok(String(u.props.signInSessionsValidFromDateTime) > sessionsBefore, 'tokens issued before now are invalid');
    assert.deepEqual(skusOf(u), [], 'licence removed (leaver.removeEntitlements)');
    assert.deepEqual(groupsOf(u), []);
    assert.equal(graph.state.consumed(E3), 4, 'E3 seat freed: 1, 6, 7, 9 keep theirs');
    await assertConverged(noon(2));
  });

  test('day 3 + retention: the leaver is soft-deleted into deleted items', async () => {
    const early = await plan(noon(8));
    assert.ok(!early.operations.some((o) => o.personId === '10'), 'no delete before the retention has passed');
    await advanceGraphDays(7);
    await sync(noon(9));
    assert.equal(live().filter((u) => u.props.employeeId === '10').length, 0, 'no live account left');
    const gone = deleted().filter((u) => u.props.employeeId === '10');
    assert.equal(gone.length, 1, 'in deleted items');
    assert.equal(gone[0]?.id, leaverId);
    assert.equal(gone[0]?.deleted?.upn, 'gerd.geher@example.com');
    assert.equal(gone[0]?.props.userPrincipalName, `${leaverId.replace(/-/g, '')}gerd.geher@example.com`, 'UPN freed like Entra does');
    assert.equal(byEmployee(2).managerId, byEmployee(1).id, 'others untouched');
    await assertConverged(noon(9));
  });

  test('rehire within 30 days: the deleted account is restored and re-enabled, no new account', async () => {
    await advanceGraphDays(3);
    const before = graph.state.users.get(leaverId) as SimUser;
    const passwordBefore = String(before.props.lastPasswordChangeDateTime);
    const count = graph.state.users.size;
    personio.company.upsert(employee({ ...spec(10), hireDate: day(12), terminationDate: day(1), status: 'active' }));
    const p = await plan(noon(12));
    const mine = p.operations.filter((o) => o.target === 'entra' && o.personId === '10');
    assert.equal(mine.filter((o) => o.action === 'create').length, 1);
    assert.equal(mine.find((o) => o.action === 'create')?.reason.source, 'rehire');
    await sync(noon(12));
    assert.equal(graph.state.users.size, count, 'no new user object');
    const u = byEmployee(10);
    assert.equal(u.id, leaverId, 'the same object, restored');
    assert.equal(deleted().filter((x) => x.props.employeeId === '10').length, 0);
    assert.equal(u.props.accountEnabled, true);
    assert.equal(u.props.userPrincipalName, 'gerd.geher@example.com');
    assert.equal(u.props.employeeHireDate, `${day(12)}T00:00:00Z`);
    assert.deepEqual(groupsOf(u), ['All Staff', 'Finance']);
    assert.deepEqual(skusOf(u), [E3]);
    assert.equal(u.managerId, byEmployee(1).id, 'manager link restored');
    assert.notEqual(String(u.props.lastPasswordChangeDateTime), passwordBefore, 'a new initial password is set on rehire');
    assert.equal((u.props.passwordProfile as { forceChangePasswordNextSignIn?: boolean }).forceChangePasswordNextSignIn, true);
    await assertConverged(noon(12));
  });

  test('throttling: a bulk run under a tight Graph limit still completes every operation', async (t) => {
    const joiners: EmployeeSpec[] = Array.from({ length: 6 }, (_, i) => ({ id: 20 + i, first: ['Anna', 'Ben', 'Clara', 'Deniz', 'Emil', 'Frieda'][i] as string, last: 'Bulk', department: i % 2 === 0 ? 'Sales' : 'Engineering', office: 'Berlin', supervisorId: 6 }));
    for (const j of joiners) personio.company.upsert(employee(j));
    const throttledBefore = graph.stats.throttled;
    graph.setThrottle({ limit: 15, windowSeconds: 1 });
    try {
      const r = await runCli(['sync', '--json', '--at', noon(13), '--config', config]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = JSON.parse(r.stdout) as { counts: Record<string, number> };
      assert.equal(out.counts.failed ?? 0, 0);
      assert.ok((out.counts.done ?? 0) >= joiners.length * 4, `every operation done: ${JSON.stringify(out.counts)}`);
    } finally {
      graph.setThrottle(undefined);
    }
    const throttled = graph.stats.throttled - throttledBefore;
    t.diagnostic(`429s sent by the Graph simulator during the bulk run: ${throttled}`);
    assert.ok(throttled > 0, 'the simulator sent 429s');
    assert.ok(graph.log.some((l) => l.status === 429 && (l.retryAfter ?? 0) >= 1), '429s carried Retry-After');
    for (const j of joiners) {
      const u = byEmployee(j.id);
      assert.equal(u.props.accountEnabled, true);
      assert.equal(u.managerId, byEmployee(6).id);
      const sales = j.department === 'Sales';
      assert.deepEqual(groupsOf(u), sales ? ['All Staff', 'Sales'] : ['All Staff', 'Engineering']);
      assert.deepEqual(skusOf(u), sales ? [F1] : [E3]);
    }
    await assertConverged(noon(13));
  });
  test('rehire after the 30-day window: the purged account is gone, a fresh one is created with the same identifiers', async () => {
    const old = byEmployee(3);
    const upn = String(old.props.userPrincipalName);
    personio.company.upsert(employee({ ...spec(3), terminationDate: day(14) }));
    await sync(noon(15));
    assert.equal(byEmployee(3).props.accountEnabled, false);
    await sync(noon(23));
    assert.equal(deleted().filter((u) => u.props.employeeId === '3').length, 1);
    await advanceGraphDays(31);
    assert.equal(deleted().filter((u) => u.props.employeeId === '3').length, 0, 'purged after 30 days');
    assert.equal(graph.state.users.has(old.id), false);
    personio.company.upsert(employee({ ...spec(3), hireDate: day(60), terminationDate: day(14), status: 'active' }));
    await sync(noon(60));
    const u = byEmployee(3);
    assert.notEqual(u.id, old.id, 'a new object');
    assert.equal(u.props.userPrincipalName, upn, 'the reserved UPN is reused for the same person');
    assert.equal(u.props.accountEnabled, true);
    assert.deepEqual(groupsOf(u), ['All Staff', 'Sales']);
    assert.deepEqual(skusOf(u), [F1]);
    assert.equal(u.managerId, byEmployee(1).id);
    await assertConverged(noon(60));
  });

  test('secondary correlation: a legacy user without employeeId is found by mail, adopted and stamped', async () => {
    config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId, secondaryCorrelation: true });
    const legacy = graph.state.createUser({
      accountEnabled: true, displayName: 'Lena Legacy', userPrincipalName: 'lena.l@example.com', mailNickname: 'lena.l',
      mail: 'lena.legacy@legacy.example', passwordProfile: { password: 'Legacy!Passw0rd-2', forceChangePasswordNextSignIn: false },
    }).id;
    // Someone else's legacy user with another address stays untouched.
    const other = graph.state.createUser({
      accountEnabled: true, displayName: 'Olaf Other', userPrincipalName: 'olaf.o@example.com', mailNickname: 'olaf.o',
      mail: 'olaf.other@legacy.example', passwordProfile: { password: 'Legacy!Passw0rd-3', forceChangePasswordNextSignIn: false },
    }).id;
    personio.company.upsert(employee({ id: 40, first: 'Lena', last: 'Legacy', email: 'lena.legacy@legacy.example', department: 'Sales', office: 'Berlin', hireDate: '2020-01-01' }));
    const p = await plan(noon(61));
    const mine = p.operations.filter((o) => o.target === 'entra' && o.personId === '40');
    assert.ok(mine.length > 0 && !mine.some((o) => o.action === 'create'), 'no new user for a person with a legacy one');
    const adopting = mine.find((o) => o.action === 'adopt');
    assert.ok(adopting, 'one operation adopts the legacy user');
    assert.equal(adopting.anchor, legacy);
    assert.match(adopting.reason.detail, /no correlation id and its mail matches/);
    assert.ok(adopting.changes.some((c) => c.attribute === 'employeeId' && c.to === '40'), 'the adoption stamps employeeId');
    await sync(noon(61));
    const u = byEmployee(40);
    assert.equal(u.id, legacy, 'the legacy user itself');
    assert.deepEqual(groupsOf(u), ['All Staff', 'Sales']);
    assert.equal(graph.state.users.get(other)?.props.employeeId ?? null, null, 'the unrelated legacy user is untouched');
    await assertConverged(noon(61));
  });
});
