/**
 * Group-based licensing end to end: a licence a user inherits from a licensed group
 * (`licenseAssignmentStates[].assignedByGroup`) is not held directly, so `cadre plan` never revokes it
 * (Graph refuses that) and reports it as unmanaged; the Graph simulator models the inheritance and the refusal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const F1 = '66b55226-6b4f-492c-910c-a3b7a3c9d993';

let dir: string;
let config: string;
let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
let graph: GraphSimulator;

const byEmployee = (pid: string): SimUser => {
  const u = graph.state.liveUsers().find((x) => x.props.employeeId === pid);
  assert.ok(u, `user for person ${pid}`);
  return u;
};
const groupId = (name: string): string => {
  const g = [...graph.state.groups.values()].find((x) => x.props.displayName === name);
  assert.ok(g, `group ${name}`);
  return g.id;
};
const states = (u: SimUser): { skuId: string; assignedByGroup: string | null }[] =>
  ((u.props.licenseAssignmentStates as { skuId: string; assignedByGroup: string | null }[] | null) ?? []).map((s) => ({ skuId: s.skuId, assignedByGroup: s.assignedByGroup }));
const cli = async (args: string[]): Promise<string> => {
  const r = await runCli([...args, '--config', config]);
  assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const plan = async (): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', AT])) as Plan;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-entra-gbl-'));
  personio = await startPersonioSimulator({
    port: 0, host: '127.0.0.1',
    employees: [
      employee({ id: 5, first: 'Élodie', last: 'Chénier', department: 'Sales', office: 'Berlin' }),
      employee({ id: 6, first: 'Seán', last: "O'Brien", department: 'Engineering', office: 'Berlin' }),
    ],
  });
  graph = await startGraphSimulator({
    port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }],
    skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 50 }, { skuId: F1, skuPartNumber: 'SPE_F1', prepaidUnits: 50 }],
  });
  for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering', 'Project Phoenix']) {
    graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
  }
  config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId });
});
after(async () => {
  await graph?.close();
  await personio?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a licence inherited from a licensed group is reported, never revoked', async () => {
  await cli(['sync', '--quiet', '--at', AT]);
  const sales = byEmployee('5');
  const eng = byEmployee('6');
  assert.deepEqual(states(sales), [{ skuId: F1, assignedByGroup: null }]);

  // An administrator licenses "All Staff" with E3 (group-based licensing, outside Cadre).
  const allStaff = groupId('All Staff');
  graph.state.assignGroupLicense(allStaff, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
  assert.deepEqual(states(byEmployee('5')), [{ skuId: F1, assignedByGroup: null }, { skuId: E3, assignedByGroup: allStaff }]);
  assert.deepEqual((byEmployee('5').props.assignedLicenses as { skuId: string }[]).map((l) => l.skuId).sort(), [E3, F1].sort());
  // Engineering holds E3 directly (its rule) and through the group: one seat, two assignment states.
  assert.deepEqual(states(eng).filter((s) => s.skuId === E3).map((s) => s.assignedByGroup), [null, allStaff]);
  assert.equal(graph.state.consumed(E3), 2);

  // Graph refuses a direct removal of the inherited licence.
  assert.throws(() => graph.state.assignLicense(sales.id, { addLicenses: [], removeLicenses: [E3] }),
    /User license is inherited from group membership and cannot be removed directly from the user\./);

  // Sales people do not get E3 by rule, but Cadre plans no revoke of the group-assigned one.
  const p = await plan();
  const entra = p.operations.filter((o) => o.target === 'entra');
  assert.deepEqual(entra.map((o) => `${o.action} ${o.personId} ${o.entitlement ?? ''}`), [], 'nothing to do, in particular no revoke of licence:e3');
  assert.deepEqual(p.errors, []);
  await cli(['sync', '--quiet', '--at', AT]);
  assert.deepEqual(states(byEmployee('5')).map((s) => s.skuId).sort(), [E3, F1].sort(), 'the inherited licence stays');

  // Leaving the group takes the inherited licence away (Graph's group-based licensing).
  graph.state.removeMember(allStaff, sales.id);
  assert.deepEqual(states(byEmployee('5')), [{ skuId: F1, assignedByGroup: null }]);
});
