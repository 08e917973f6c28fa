/**
 * Graph's proxyAddresses is read-only on users: Cadre never plans or writes it, even when the `mail` identifier
 * names it by default or a template maps it. Exchange Online (here the Graph simulator) keeps the old address as
 * smtp: after a marriage, and a second plan has nothing to do. Real CLI, Personio and Graph simulators.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, E2E_GROUPS, entraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';

describe('Entra: proxyAddresses stays Exchange\'s (Graph simulator)', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: Awaited<ReturnType<typeof startGraphSimulator>>;
  const cli = async (config: string, args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const entraOps = async (config: string): Promise<string[]> => {
    const p = JSON.parse(await cli(config, ['plan', '--json', '--at', AT])) as Plan;
    assert.deepEqual(p.errors, []);
    return p.operations.filter((o) => o.target === 'entra').map((o) => `${o.action} ${o.changes.map((c) => c.attribute).join(',')}`);
  };
  /** The e2e config with the mail identifier left to the connector's default (mail, proxyAddresses). */
  const write = (name: string, extraAttributes = ''): string => {
    const text = entraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId })
      .replace('identifiers: { username: [mailNickname], upn: [userPrincipalName], mail: [mail] }', 'identifiers: { username: [mailNickname], upn: [userPrincipalName] }')
      .replace('      mail: "{{ id.mail }}"\n', `      mail: "{{ id.mail }}"\n${extraAttributes}`);
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const user = () => {
    const u = [...graph.state.users.values()].find((x) => x.props.employeeId === '1');
    assert.ok(u);
    return u;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-proxy-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Erika', last: 'Muster', department: 'Finance', office: 'Berlin' })] });
    graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'], skus: [
      { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 5 },
      { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 5 },
    ] });
    // Every group and licence the shared e2e config maps exists: a plan that names a missing one is refused.
    for (const name of Object.values(E2E_GROUPS)) graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('default mail identifier: created, married, and converged without ever planning proxyAddresses', async () => {
    const config = write('default.yaml');
    const first = await entraOps(config);
    assert.ok(first.some((o) => o.startsWith('create') && !o.includes('proxyAddresses')), first.join('; '));
    await cli(config, ['sync', '--quiet', '--at', AT]);
    assert.deepEqual(user().props.proxyAddresses, ['SMTP:erika.muster@example.com']);
    assert.deepEqual(await entraOps(config), [], 'nothing left: proxyAddresses is not compared with a bare address');
    personio.company.upsert(employee({ id: 1, first: 'Erika', last: 'Schmidt', department: 'Finance', office: 'Berlin' }));
    const married = await entraOps(config);
    assert.ok(married.length > 0 && married.every((o) => !o.includes('proxyAddresses')), married.join('; '));
    await cli(config, ['sync', '--quiet', '--at', AT]);
    assert.equal(user().props.mail, 'erika.schmidt@example.com');
    assert.deepEqual(user().props.proxyAddresses, ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com'], 'Exchange keeps the old address');
    assert.deepEqual(await entraOps(config), []);
  });

  test('a proxyAddresses template on an Entra target is never planned', async () => {
    const config = write('template.yaml', '      proxyAddresses: "{{ split(concat(\'SMTP:\', id.mail), \',\') }}"\n');
    assert.deepEqual(await entraOps(config), []);
  });
});
