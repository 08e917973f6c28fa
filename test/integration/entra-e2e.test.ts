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
    assert.equal(first.data?.adopt, true, 'first operation carries the adopt marker');
    assert.equal(first.anchor, adoptee);
    assert.equal(first.reason.kind, 'correlation');
    const creates = p.operations.filter((o) => o.target === 'entra' && o.action === 'create').map((o) => o.personId).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(creates, ['1', '2', '3', '4', '5', '6', '7', '8', '10']);
    assert.deepEqual(p.errors, []);
  });

  test('day 1 sync: joiners with hard names get unique ASCII identifiers, Unicode names, licence, groups, manager', async () => {
    await sync(AT);
    const users = live();
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
});
