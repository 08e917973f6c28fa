/**
 * Microsoft's own libraries against the Graph simulator over HTTPS: @azure/identity (MSAL) takes its token from
 * the simulator's authority (OpenID discovery, then the token endpoint), the Graph JS SDK pages, follows delta,
 * batches, sets a manager, creates a Temporary Access Pass and gets Graph's error codes. The client runs as its own process with
 * NODE_EXTRA_CA_CERTS, as a user trusting the simulator's certificate would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { selfSignedCertificate, startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimCertificate } from '../../src/targets/entra/simulator/index.js';
import { repoRoot } from '../support/cli.js';

const run = promisify(execFile);
const CLIENT = { clientId: '5b0c1d2e-0000-4000-8000-0000000005dc', clientSecret: 'sdk-test-secret~not-real' };

describe("Microsoft's Graph JS SDK and @azure/identity against the Graph simulator (https)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-graph-sdk-'));
  let cert: SimCertificate;
  let sim: GraphSimulator;

  before(async () => {
    cert = selfSignedCertificate(dir);
    sim = await startGraphSimulator({ port: 0, tls: { key: cert.key, cert: cert.cert }, clients: [CLIENT], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = async (tenant: string): Promise<Record<string, unknown>> => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/support/graph-sdk-client.ts'), sim.url, tenant, CLIENT.clientId, CLIENT.clientSecret], {
      cwd: repoRoot, env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certFile }, timeout: 120_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  };

  test('OpenID discovery: by tenant id and by verified domain the endpoints name the tenant id; an unknown tenant is AADSTS90002', async () => {
    const f = (await import('../../src/targets/entra/tls-fetch.js')).fetchTrusting(cert.cert);
    for (const seg of [sim.tenantId, 'example.com']) {
      const doc = await (await f(`${sim.url}/${seg}/v2.0/.well-known/openid-configuration`, { method: 'GET', headers: {} })).json() as Record<string, string>;
      assert.equal(doc['token_endpoint'], `${sim.url}/${sim.tenantId}/oauth2/v2.0/token`);
      assert.equal(doc['issuer'], `${sim.url}/${sim.tenantId}/v2.0`);
    }
    const bad = await f(`${sim.url}/nowhere.example/v2.0/.well-known/openid-configuration`, { method: 'GET', headers: {} });
    assert.equal(bad.status, 400);
    assert.match(String(((await bad.json()) as { error_description: string }).error_description), /^AADSTS90002: Tenant 'nowhere.example' not found/);
  });

  test('the SDKs sign in (a wrong secret is AADSTS7000215), page, follow delta, batch, set a manager, search and see Graph errors', async () => {
    const r = await client('example.com');
    assert.equal(r['wrongSecret'], 'AADSTS7000215');
    assert.equal(r['tenantId'], sim.tenantId);
    assert.deepEqual(r['paged'], [0, 1, 2, 3, 4, 5, 6].map((i) => `sdk${i}@example.onmicrosoft.com`), 'PageIterator followed every https nextLink');
    assert.equal(r['deltaLink'], true);
    assert.deepEqual(r['deltaChanges'], [[true, 'Changed by the SDK']], 'the deltaLink returns exactly the changed user');
    assert.deepEqual(r['batchStatuses'], [204, 204]);
    assert.deepEqual(r['members'], [0, 1]);
    assert.equal(r['manager'], true);
    assert.deepEqual(r['groupChecks'], [[true], [true], 0], 'member of the group; a user in none has none');
    assert.deepEqual(r['me'], [400, '/me request is only valid with delegated authentication flow.']);
    assert.deepEqual(r['search'], ['sdk3@example.onmicrosoft.com'], '$search filters (before, the simulator ignored it)');
    assert.deepEqual(r['notFound'], [404, 'Request_ResourceNotFound']);
    assert.deepEqual(r['duplicate'], [400, 'Request_BadRequest']);
    assert.deepEqual(r['tap'], [true, false, 'NotYetValid', [[true, null]]], 'the pass in the create answer only; not usable before its start');
    assert.deepEqual(r['tapLifetime'], [400, 'badRequest', 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.']);
    assert.equal(r['tapDeleted'], 0);
    assert.equal(sim.state.snapshot().users.filter((u) => String(u.props['userPrincipalName']).startsWith('sdk')).length, 7, 'the users are in the tenant');
  });
});
