/** `cadre sim graph` as a process: prints its URL, serves Graph, control endpoints work, state survives a restart. */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

const dir = mkdtempSync(join(tmpdir(), 'cadre-simgraph-'));
const stateFile = join(dir, 'tenant.json');
after(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ proc: ChildProcessWithoutNullStreams; url: string; tenant: string; out: () => string }> {
  const proc = spawn(process.execPath, ['bin/cadre.mjs', 'sim', 'graph', '--port', '0', '--state', stateFile, '--skus', 'SPE_E3:3', '--groups', 'Sales,Engineering', '--throttle', '1000/10s', '--tap-lifetime', '60..1440'], { cwd: process.cwd() });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const deadline = Date.now() + 20_000;
  while (!/listening at (\S+) \(tenant (\S+)\)/.test(out)) {
    if (Date.now() > deadline || proc.exitCode !== null) { proc.kill('SIGKILL'); throw new Error(`simulator did not start: ${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = /listening at (\S+) \(tenant (\S+)\)/.exec(out) as RegExpExecArray;
  return { proc, url: m[1] as string, tenant: m[2] as string, out: () => out };
}

async function stop(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGTERM');
  return exited;
}

test('sim graph: serves Graph, exposes control endpoints and persists the tenant', async () => {
  const a = await start();
  try {
    const tok = await (await fetch(`${a.url}/${a.tenant}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'x', client_secret: 'y', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }).toString(),
    })).json() as { access_token: string };
    const h = { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json' };
    const created = await fetch(`${a.url}/v1.0/users`, { method: 'POST', headers: h, body: JSON.stringify({ accountEnabled: true, displayName: 'Persisted', mailNickname: 'persisted', userPrincipalName: 'persisted@example.com', employeeId: '77', passwordProfile: { password: 'Xy7!long-enough' } }) });
    assert.equal(created.status, 201);
    const uid = (await created.json() as { id: string }).id;
    // --tap-lifetime widened the TAP policy: a whole first day is allowed, more is not.
    const tap = (lifetimeInMinutes: number) => fetch(`${a.url}/v1.0/users/${uid}/authentication/temporaryAccessPassMethods`, { method: 'POST', headers: h, body: JSON.stringify({ lifetimeInMinutes }) });
    assert.equal((await tap(1440)).status, 201);
    assert.equal((await tap(1441)).status, 400);
    const skus = await (await fetch(`${a.url}/v1.0/subscribedSkus`, { headers: h })).json() as { value: { skuPartNumber: string; prepaidUnits: { enabled: number } }[] };
    assert.deepEqual(skus.value.map((s) => [s.skuPartNumber, s.prepaidUnits.enabled]), [['SPE_E3', 3]]);
    const faults = await (await fetch(`${a.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverErrors: 1 }) })).json() as { serverErrors: number; throttle: { limit: number } };
    assert.equal(faults.serverErrors, 1);
    assert.equal(faults.throttle.limit, 1000);
    assert.equal((await fetch(`${a.url}/v1.0/users`, { headers: h })).status, 503);
    const state = await (await fetch(`${a.url}/_sim/state`)).json() as { users: { userPrincipalName: string }[]; groups: { displayName: string }[] };
    assert.deepEqual(state.users.map((u) => u.userPrincipalName), ['persisted@example.com']);
    assert.deepEqual(state.groups.map((g) => g.displayName).sort(), ['Engineering', 'Sales']);
  } finally {
    assert.equal(await stop(a.proc), 0);
  }
  assert.match(readFileSync(stateFile, 'utf8'), /persisted@example\.com/);
  const b = await start();
  try {
    const state = await (await fetch(`${b.url}/_sim/state`)).json() as { users: { employeeId: string }[]; groups: unknown[] };
    assert.deepEqual(state.users.map((u) => u.employeeId), ['77'], 'the tenant was loaded from the state file');
    assert.equal(state.groups.length, 2, 'groups given again are not duplicated');
  } finally {
    await stop(b.proc);
  }
});

test('sim graph: bad arguments exit 2 with usage', async () => {
  const proc = spawn(process.execPath, ['bin/cadre.mjs', 'sim', 'graph', '--throttle', 'lots'], { cwd: process.cwd() });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(err, /--throttle must look like/);
});

test('sim graph: a bad --tap-lifetime exits 2', async () => {
  const proc = spawn(process.execPath, ['bin/cadre.mjs', 'sim', 'graph', '--tap-lifetime', '480..60'], { cwd: process.cwd() });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(err, /--tap-lifetime must look like 60\.\.1440/);
});
