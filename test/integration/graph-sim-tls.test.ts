/**
 * The Graph simulator over HTTPS (`--tls`): nextLink and deltaLink are https URLs, and Cadre's Entra
 * connector pages and follows delta over TLS when it trusts the simulator's certificate (`caFile`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selfSignedCertificate } from '../../src/targets/entra/simulator/index.js';
import type { SimCertificate } from '../../src/targets/entra/simulator/index.js';
import { startEntraTestbed } from '../../src/targets/entra/simulator/testbed.js';
import type { Testbed } from '../../src/targets/entra/simulator/testbed.js';
import { fetchTrusting } from '../../src/targets/entra/tls-fetch.js';

const dir = mkdtempSync(join(tmpdir(), 'cadre-graph-tls-test-'));
let cert: SimCertificate;
let tb: Testbed;

before(async () => {
  cert = selfSignedCertificate(dir);
  tb = await startEntraTestbed({ sim: { tls: { key: cert.key, cert: cert.cert } }, options: { caFile: cert.certFile } });
  for (let i = 0; i < 230; i += 1) {
    tb.sim.state.createUser({
      accountEnabled: true, displayName: `Tls User ${i}`, mailNickname: `tls${i}`, userPrincipalName: `tls${i}@example.com`,
      employeeId: `t${i}`, passwordProfile: { password: 'Xy7!long-enough' },
    });
  }
});
after(async () => {
  await tb.close();
  rmSync(dir, { recursive: true, force: true });
});

test('simulator serves https; an untrusting client is refused', async () => {
  assert.match(tb.sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  await assert.rejects(fetch(`${tb.sim.url}/_sim/state`), 'the built-in fetch does not trust a self-signed certificate');
});

test('a client trusting the certificate reaches the token endpoint', async () => {
  const f = fetchTrusting(cert.cert);
  const tok = await (await f(`${tb.sim.url}/${tb.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'x', client_secret: 'y', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
  })).json() as { access_token?: string; error?: string };
  // The testbed registers one client; a wrong one is refused, so take the connector's path below for data.
  assert.equal(tok.error, 'unauthorized_client');
});

test('Entra connector with caFile: delta pages over TLS, then the https deltaLink returns only changes', async () => {
  const first = await tb.connector.listChanges();
  assert.equal(first.changed.filter((s) => s.correlation?.startsWith('t')).length, 230, 'all delta pages followed');
  const pages = tb.sim.log.filter((e) => e.path.startsWith('/v1.0/users/delta'));
  assert.ok(pages.length >= 3, `delta came in several pages (${pages.length})`);
  tb.sim.state.updateUser('tls7@example.com', { jobTitle: 'Changed' });
  const next = await tb.connector.listChanges();
  assert.deepEqual(next.changed.map((s) => s.correlation), ['t7']);
  let listed = 0;
  for await (const page of tb.connector.list()) listed += page.length;
  assert.ok(listed >= 230, `list() over TLS: ${listed}`);
});

test('Entra connector without caFile cannot reach the https simulator (coded, transient)', async () => {
  const c = await tb.connect({ caFile: undefined });
  await assert.rejects(c.listChanges(), (e: Error & { code?: string }) => e.code === 'ENTRA_UNAVAILABLE');
  await c.close();
});

test('cadre sim graph --tls prints its certificate; a client trusting it gets a token and https links', async () => {
  const proc = spawn(process.execPath, ['bin/cadre.mjs', 'sim', 'graph', '--port', '0', '--tls'], { cwd: process.cwd() });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    const deadline = Date.now() + 30_000;
    while (!/TLS certificate: (\S+)/.test(out)) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`simulator did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = (/listening at (\S+) \(tenant (\S+)\)/.exec(out) as RegExpExecArray)[1] as string;
    const tenant = (/listening at (\S+) \(tenant (\S+)\)/.exec(out) as RegExpExecArray)[2] as string;
    const certFile = (/TLS certificate: (\S+)/.exec(out) as RegExpExecArray)[1] as string;
    assert.match(url, /^https:/);
    assert.match(out, /NODE_EXTRA_CA_CERTS=/);
    const f = fetchTrusting(readFileSync(certFile, 'utf8'));
    const tok = await (await f(`${url}/example.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'x', client_secret: 'y', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
    })).json() as { access_token: string };
    const h = { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json' };
    for (const n of [1, 2, 3]) {
      const r = await f(`${url}/v1.0/users`, { method: 'POST', headers: h, body: JSON.stringify({ accountEnabled: true, displayName: `P${n}`, mailNickname: `p${n}`, userPrincipalName: `p${n}@example.com`, passwordProfile: { password: 'Xy7!long-enough' } }) });
      assert.equal(r.status, 201);
    }
    const page = await (await f(`${url}/v1.0/users?$top=2`, { method: 'GET', headers: h })).json() as { '@odata.nextLink'?: string };
    assert.match(String(page['@odata.nextLink']), /^https:\/\//);
    const delta = await (await f(`${url}/v1.0/users/delta`, { method: 'GET', headers: h })).json() as { '@odata.deltaLink'?: string };
    assert.match(String(delta['@odata.deltaLink']), /^https:\/\//);
    assert.ok(tenant.length > 0);
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
});
