/**
 * A manual lock in Entra ID, through the real CLI and the Graph simulator: an account an admin disabled directly
 * (PATCH accountEnabled=false over Graph, not through Cadre) stays disabled across syncs and is shown held, while an
 * account Cadre disabled itself comes back when HR corrects the date.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator, type SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;

const people: EmployeeSpec[] = [
  { id: 1, first: 'Lara', last: 'Lockmann', department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Carl', last: 'Korrektur', department: 'Sales', office: 'Berlin' },
];

describe('Entra: an account disabled outside Cadre is not re-enabled (Graph simulator)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;

  const run = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await run(['plan', '--json', '--at', at])) as Plan;
  const sync = async (at: string): Promise<void> => { await run(['sync', '--quiet', '--at', at]); };
  const user = (pid: number): SimUser => {
    const found = graph.state.liveUsers().filter((u) => u.props.employeeId === String(pid));
    assert.equal(found.length, 1, `one live user with employeeId ${pid}`);
    return found[0] as SimUser;
  };
  /** What an admin does in the Entra portal: a Graph PATCH with the app's own token, not through Cadre. */
  const disableDirectly = async (id: string): Promise<void> => {
    const tok = await fetch(`${graph.url}/${graph.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: E2E_CLIENT.clientId, client_secret: E2E_CLIENT.clientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
    });
    const { access_token: token } = await tok.json() as { access_token: string };
    const res = await fetch(`${graph.url}/v1.0/users/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ accountEnabled: false }) });
    assert.equal(res.status, 204, await res.text());
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-locks-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    config = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId });
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the lock survives two syncs and is shown held; Cadre\'s own disable is undone when HR corrects the date', async () => {
    await sync(noon(0));
    assert.equal(user(1).props.accountEnabled, true);
    await disableDirectly(user(1).id);
    // Carl gets a mistyped end date: Cadre disables him itself.
    personio.company.upsert(employee({ ...people[1] as EmployeeSpec, terminationDate: day(-400) }));

    const p = await plan(noon(1));
    assert.deepEqual(p.operations.filter((o) => o.personId === '1').map((o) => o.action), [], 'no enable for the lock');
    assert.deepEqual(p.held.filter((h) => h.personId === '1').map((h) => [h.target, h.kind, h.withheld]), [['entra', 'lock', ['enable']]]);
    assert.deepEqual(p.operations.filter((o) => o.personId === '2').map((o) => o.action), ['disable'], 'a mistyped past date disables, never deletes');
    await sync(noon(1));
    assert.equal(user(1).props.accountEnabled, false, 'still locked after a sync');
    assert.equal(user(2).props.accountEnabled, false);

    personio.company.upsert(employee(people[1] as EmployeeSpec));
    await sync(noon(2));
    assert.equal(user(1).props.accountEnabled, false, 'still locked after a second sync');
    assert.equal(user(2).props.accountEnabled, true, 'the account Cadre disabled is enabled again');
    const again = await plan(noon(2));
    assert.deepEqual(again.operations.filter((o) => o.target === 'entra').map((o) => `${o.action} ${o.personId}`), [], 'converged');
    assert.match(await run(['plan', '--at', noon(2), '--no-color']), /person 1 in entra: HELD, lock \(withheld: enable\): disabled outside Cadre \(seen disabled since 2026-06-16T10:00:00(\.000)?Z\)/);
  });
});
