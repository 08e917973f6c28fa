/**
 * The licence usage and who-has reports through the CLI after a real sync into the Graph simulator: seats purchased
 * and consumed from `GET /subscribedSkus`, assigned from Cadre's accounts (leavers apart), a seat assigned outside
 * Cadre, and the rule behind each licence.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const DAY = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const F1 = '66b55226-6b4f-492c-910c-a3b7a3c9d993';
const VISIO = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';

const people: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: 'Geld', department: 'Finance', office: 'Berlin' },
  { id: 2, first: 'Sven', last: 'Verkauf', department: 'Sales', office: 'Berlin' },
  { id: 3, first: 'Ines', last: 'Technik', department: 'Engineering', office: 'Berlin' },
  // Left three days ago; the last sync ran a week ago.
  { id: 4, first: 'Leo', last: 'Weg', department: 'Sales', office: 'Berlin', lastWorkingDay: day(-3) },
];

interface Row { [k: string]: unknown }

describe('licence usage and who-has on Entra (Graph simulator, real sync)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const licences = async (): Promise<Map<string, Row>> => {
    const r = JSON.parse(await cli(['report', 'licences', '--json'])) as { rows: Row[] };
    return new Map(r.rows.map((x) => [String(x.licence || x.sku), x]));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-reports-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [
        { skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 10 },
        { skuId: F1, skuPartNumber: 'SPE_F1', prepaidUnits: 5 },
        { skuId: VISIO, skuPartNumber: 'VISIOCLIENT', prepaidUnits: 3 },
      ],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase(), mailEnabled: false, securityEnabled: true });
    }
    config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId });
    await cli(['sync', '--quiet', '--at', `${day(-7)}T10:00:00Z`]);
    // An admin licenses a user Cadre does not manage, by hand.
    const other = graph.state.createUser({ accountEnabled: true, displayName: 'Ext Tern', mailNickname: 'extern', userPrincipalName: 'extern@example.com', usageLocation: 'DE', passwordProfile: { password: 'Ext!ern-Pw-4711' } });
    graph.state.assignLicense(other.id, { addLicenses: [{ skuId: E3, disabledPlans: [] }, { skuId: VISIO, disabledPlans: [] }], removeLicenses: [] });
  });
  after(async () => {
    await personio?.close();
    await graph?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('seats from the tenant, held by Cadre\'s accounts, on leavers, and outside Cadre', async () => {
    const m = await licences();
    assert.deepEqual(m.get('licence:e3'), { target: 'entra', licence: 'licence:e3', sku: 'SPE_E3', purchased: 10, consumed: 3, assigned: 2, assignedDisabled: 0, assignedLeavers: 0, unused: 7, outsideCadre: 1 });
    assert.deepEqual(m.get('licence:f1'), { target: 'entra', licence: 'licence:f1', sku: 'SPE_F1', purchased: 5, consumed: 2, assigned: 2, assignedDisabled: 0, assignedLeavers: 1, unused: 3, outsideCadre: 0 });
    assert.deepEqual(m.get('VISIOCLIENT'), { target: 'entra', licence: '', sku: 'VISIOCLIENT', purchased: 3, consumed: 1, assigned: 0, assignedDisabled: 0, assignedLeavers: 0, unused: 2, outsideCadre: 1 });
  });

  test('who has licence:e3, and the rule behind each', async () => {
    const r = JSON.parse(await cli(['report', 'who-has', 'licence:e3', '--json'])) as { rows: Row[] };
    assert.deepEqual(r.rows.map((x) => [x.personId, x.rule]).sort(), [['1', 'finance'], ['3', 'engineering']]);
  });

  test('after a sync the leaver is disabled and the seat is free', async () => {
    await cli(['sync', '--quiet']);
    const m = await licences();
    assert.equal(m.get('licence:f1')?.consumed, 1);
    assert.equal(m.get('licence:f1')?.assigned, 1);
    assert.equal(m.get('licence:f1')?.assignedLeavers, 0);
  });
});
