/**
 * Entra on the Graph simulator, through the real CLI: adoption as its own reviewed operation, and a templated
 * correlation value (`P-{{ personId }}`) that keeps a legacy employeeId equal to a raw Personio id apart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const F1 = '66b55226-6b4f-492c-910c-a3b7a3c9d993';

const people: EmployeeSpec[] = [
  { id: 61, first: 'Mia', last: 'Manager', department: 'Finance', office: 'Berlin' },
  { id: 62, first: 'Paul', last: 'Payroll', department: 'Sales', office: 'Berlin' },
  { id: 63, first: 'Rita', last: 'Report', department: 'Sales', office: 'Berlin', supervisorId: 61 },
];

describe('Entra: adoption and templated correlation (Graph simulator)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let legacy = '';
  let payroll = '';

  const live = (): SimUser[] => graph.state.liveUsers();
  const withId = (v: string): SimUser[] => live().filter((u) => u.props.employeeId === v);
  const groupsOf = (u: SimUser): string[] => graph.state.memberOf(u.id).map((g) => String(g.props.displayName)).sort();
  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', at])) as Plan;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-match-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 10 }, { skuId: F1, skuPartNumber: 'SPE_F1', prepaidUnits: 10 }],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    // Stamped with the templated id before Cadre (a migration script): Cadre's to adopt.
    legacy = graph.state.createUser({
      accountEnabled: true, displayName: 'M. Manager (legacy)', userPrincipalName: 'legacy-mm@example.com', mailNickname: 'legacy-mm',
      employeeId: 'P-61', passwordProfile: { password: 'Legacy!Passw0rd', forceChangePasswordNextSignIn: false },
    }).id;
    // A payroll number that happens to equal person 62's Personio id: not theirs.
    payroll = graph.state.createUser({
      accountEnabled: true, displayName: 'Payroll 62', userPrincipalName: 'payroll62@example.com', mailNickname: 'payroll62',
      employeeId: '62', passwordProfile: { password: 'Legacy!Passw0rd', forceChangePasswordNextSignIn: false },
    }).id;
    config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId, correlation: 'P-{{ personId }}' });
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('P-61 is adopted by an adopt operation first; 62 gets a new P-62 user; the payroll user is left alone', async () => {
    const payrollBefore = JSON.stringify(graph.state.users.get(payroll)?.props);
    const p = await plan(noon(0));
    const mia = p.operations.filter((o) => o.target === 'entra' && o.personId === '61');
    assert.equal(mia[0]?.action, 'adopt');
    assert.equal(mia[0]?.anchor, legacy);
    assert.deepEqual(mia[0]?.changes, [], 'already carries P-61');
    assert.ok(mia.length > 1 && mia.slice(1).every((o) => o.dependsOn.includes(mia[0]?.id as string)), 'every other operation of the account waits for the adoption');
    assert.ok(!p.operations.some((o) => o.anchor === payroll), 'nothing for the payroll user');
    const creates = p.operations.filter((o) => o.target === 'entra' && o.action === 'create');
    assert.deepEqual(creates.map((o) => [o.personId, o.changes.find((c) => c.attribute === 'employeeId')?.to]), [['62', 'P-62'], ['63', 'P-63']]);
    assert.equal(p.summary['adopt'], 1);

    await cli(['sync', '--quiet', '--at', noon(0)]);
    const [m, ...more] = withId('P-61');
    assert.ok(m && more.length === 0);
    assert.equal(m.id, legacy, 'the legacy user itself');
    assert.equal(m.props.displayName, 'Mia Manager');
    assert.deepEqual(groupsOf(m), ['All Staff', 'Finance']);
    assert.equal(withId('P-62').length, 1, 'person 62 got their own user');
    const [r] = withId('P-63');
    assert.equal(r?.managerId, legacy, 'the report\'s manager is the adopted user');
    assert.equal(JSON.stringify(graph.state.users.get(payroll)?.props), payrollBefore, 'the payroll user is untouched');
    assert.deepEqual(groupsOf(graph.state.users.get(payroll) as SimUser), []);

    const again = await plan(noon(0));
    assert.deepEqual(again.operations.filter((o) => o.target === 'entra').map((o) => `${o.action} ${o.personId}`), [], 'converged (the manager reads back as ref:61)');
    assert.deepEqual(again.errors, []);
  });

  test('person 62 leaves: the P-62 user is disabled, the payroll user with employeeId 62 stays enabled', async () => {
    personio.company.upsert(employee({ ...(people[1] as EmployeeSpec), terminationDate: day(1) }));
    await cli(['sync', '--quiet', '--at', noon(2)]);
    assert.equal(withId('P-62')[0]?.props.accountEnabled, false);
    assert.equal(graph.state.users.get(payroll)?.props.accountEnabled, true);
  });
});
