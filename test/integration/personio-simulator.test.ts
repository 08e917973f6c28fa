/**
 * Fidelity of the Personio v1 simulator over plain HTTP, its control endpoints, and the
 * `cadre sim personio` command as a real process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateCompany } from '../../src/sources/personio/generator.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';

type Json = unknown;

/** Reads a nested value of a parsed JSON body. */
function at(x: unknown, ...path: Array<string | number>): unknown {
  let cur: unknown = x;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}
function arr(x: unknown): unknown[] {
  assert.ok(Array.isArray(x), 'expected an array');
  return x;
}

let sim: PersonioSimulator;
let token = '';

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
}

describe('Personio simulator fidelity', () => {
  before(async () => {
    sim = await startPersonioSimulator({ employees: generateCompany(120, { seed: 8, today: '2025-05-01' }), credentials: { clientId: 'id1', clientSecret: 's3cret' } });
    const form = await fetch(`${sim.url}/v1/auth`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=id1&client_secret=s3cret',
    });
    const j = (await form.json()) as Json;
    assert.equal(at(j, 'success'), true);
    assert.equal(at(j, 'data', 'expires_in'), 86400);
    token = String(at(j, 'data', 'token'));
  });
  after(async () => { await sim.close(); });

  test('auth: query params accepted, wrong secret → 401 error body', async () => {
    const ok = await fetch(`${sim.url}/v1/auth?client_id=id1&client_secret=s3cret`, { method: 'POST' });
    assert.equal(ok.status, 200);
    const bad = await fetch(`${sim.url}/v1/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":"id1","client_secret":"nope"}' });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { success: false, error: { code: 401, message: 'Wrong credentials' } });
  });

  test('missing or invalid token → 401 error body', async () => {
    const res = await fetch(`${sim.url}/v1/company/employees`);
    assert.equal(res.status, 401);
    const j = (await res.json()) as Json;
    assert.equal(at(j, 'success'), false);
    assert.equal(at(j, 'error', 'code'), 401);
    const r2 = await fetch(`${sim.url}/v1/company/employees`, { headers: { authorization: 'Bearer papi-forged' } });
    assert.equal(r2.status, 401);
  });

  test('default page is 50, metadata is 0-based, limit above 100 is refused', async () => {
    const d = await api('GET', '/v1/company/employees');
    assert.equal(d.status, 200);
    assert.equal(arr(at(d.json, 'data')).length, 50);
    assert.deepEqual(at(d.json, 'metadata'), { total_elements: 120, current_page: 0, total_pages: 3 });
    assert.equal(at(d.json, 'limit'), 50);
    assert.equal(d.headers.get('authorization'), `Bearer ${token}`);
    const last = await api('GET', '/v1/company/employees?limit=50&offset=100');
    assert.equal(at(last.json, 'metadata', 'current_page'), 2);
    assert.equal(arr(at(last.json, 'data')).length, 20);
    const big = await api('GET', '/v1/company/employees?limit=101');
    assert.equal(big.status, 400);
    assert.equal(at(big.json, 'success'), false);
  });

  test('email filter and attributes[] projection (id always kept)', async () => {
    const someone = sim.company.list()[5];
    const email = String(someone?.attributes.email?.value);
    const r = await api('GET', `/v1/company/employees?email=${encodeURIComponent(email.toUpperCase())}&attributes[]=last_name&attributes[]=office`);
    assert.equal(arr(at(r.json, 'data')).length, 1);
    assert.deepEqual(Object.keys(at(r.json, 'data', 0, 'attributes') as object).sort(), ['id', 'last_name', 'office']);
  });

  test('single employee and documented 404 body', async () => {
    const r = await api('GET', '/v1/company/employees/1001');
    assert.equal(at(r.json, 'data', 'attributes', 'id', 'value'), 1001);
    const nf = await api('GET', '/v1/company/employees/424242');
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, { success: false, error: { code: 0, message: 'Es ist ein Problem aufgetreten' } });
  });

  test('PATCH: email ignored, unknown office → meta remark, self-supervision → 422', async () => {
    const before = sim.company.get('1050')?.attributes.email?.value;
    const r = await api('PATCH', '/v1/company/employees/1050', { employee: { email: 'x@y.example', position: 'Tester', office: 'Atlantis' } });
    assert.equal(r.status, 200);
    assert.deepEqual(at(r.json, 'data'), { id: 1050 });
    assert.equal(arr(at(r.json, 'meta')).length, 1);
    assert.equal(sim.company.get('1050')?.attributes.email?.value, before);
    assert.equal(sim.company.get('1050')?.attributes.position?.value, 'Tester');
    const self = await api('PATCH', '/v1/company/employees/1050', { employee: { supervisor_id: 1050 } });
    assert.equal(self.status, 422);
  });

  test('supervisor ShortEmployee follows the supervisor’s current name', async () => {
    await api('PATCH', '/v1/company/employees/1001', { employee: { last_name: 'Neuname' } });
    const r = await api('GET', '/v1/company/employees/1002');
    assert.equal(at(r.json, 'data', 'attributes', 'supervisor', 'value', 'attributes', 'last_name', 'value'), 'Neuname');
  });

  test('POST create: status from hire date, duplicate email 422, form body', async () => {
    const past = await api('POST', '/v1/company/employees', { employee: { email: 'neu.eins@beispiel.example', first_name: 'Neu', last_name: 'Eins', hire_date: '2020-01-01', department: 'IT' } });
    assert.equal(past.status, 200);
    assert.equal(at(past.json, 'data', 'message'), 'success');
    const created = sim.company.get(String(at(past.json, 'data', 'id')));
    assert.equal(created?.attributes.status?.value, 'active');
    assert.equal(at(created?.attributes.department?.value, 'attributes', 'name'), 'IT');
    const future = await api('POST', '/v1/company/employees',
      'employee[email]=neu.zwei%40beispiel.example&employee[first_name]=Neu&employee[last_name]=Zwei&employee[hire_date]=2099-01-01',
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(future.status, 200);
    assert.equal(sim.company.get(String(at(future.json, 'data', 'id')))?.attributes.status?.value, 'onboarding');
    const dup = await api('POST', '/v1/company/employees', { employee: { email: 'neu.eins@beispiel.example', first_name: 'A', last_name: 'B' } });
    assert.equal(dup.status, 422);
    const missing = await api('POST', '/v1/company/employees', { employee: { first_name: 'A' } });
    assert.equal(missing.status, 422);
    assert.match(String(at(missing.json, 'error', 'message')), /email, last_name/);
  });

  test('updated_since with attributes[] selects by which attributes changed', async () => {
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await api('PATCH', '/v1/company/employees/1060', { employee: { position: 'Architect' } });
    await api('PATCH', '/v1/company/employees/1061', { employee: { preferred_name: 'Kiki' } });
    const byPos = await api('GET', `/v1/company/employees?updated_since=${encodeURIComponent(since)}&attributes[]=position&limit=1&offset=5`);
    assert.deepEqual(arr(at(byPos.json, 'data')).map((e) => at(e, 'attributes', 'id', 'value')), [1060]);
    const all = await api('GET', `/v1/company/employees?updated_since=${encodeURIComponent(since)}`);
    assert.deepEqual(arr(at(all.json, 'data')).map((e) => Number(at(e, 'attributes', 'id', 'value'))).sort(), [1060, 1061]);
    const bad = await api('GET', '/v1/company/employees?updated_since=yesterday');
    assert.equal(bad.status, 400);
  });

  test('custom attributes list', async () => {
    const r = await api('GET', '/v1/company/employees/attributes');
    assert.deepEqual(arr(at(r.json, 'data')).map((a) => String(at(a, 'key'))).sort(), ['dynamic_1001', 'dynamic_1002']);
  });

  test('control endpoints flip faults and mutate', async () => {
    const f = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"serverErrors":1}' });
    assert.equal(at(await f.json(), 'serverErrors'), 1);
    assert.equal((await api('GET', '/v1/company/employees/1001')).status, 500);
    assert.equal((await api('GET', '/v1/company/employees/1001')).status, 200);
    const badFault = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"explode":true}' });
    assert.equal(badFault.status, 400);
    const size = sim.company.size;
    const m = await fetch(`${sim.url}/_sim/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"counts":{"hire":2}}' });
    const changes = arr(at(await m.json(), 'changes'));
    assert.equal(changes.filter((c) => at(c, 'kind') === 'hire').length >= 2, true);
    assert.equal(sim.company.size, size + 2);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as Json;
    assert.equal(at(state, 'employees'), size + 2);
  });

  test('rate limit answers 429 with the error body', async () => {
    sim.faults.rateLimitNext = 1;
    const r = await api('GET', '/v1/company/employees?limit=1');
    assert.equal(r.status, 429);
    assert.deepEqual(r.json, { success: false, error: { code: 429, message: 'Too Many Requests' } });
  });
});

describe('cadre sim personio command', () => {
  const runner = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', '-e',
    `import('./src/cli/commands/sim-personio.ts').then(async (m) => { process.exitCode = await m.simPersonioCommand(${JSON.stringify(args)}); })`],
  { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });

  test('bad arguments → exit 2 with a message', async () => {
    const p = runner(['--generate', 'many']);
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += String(d); });
    const code = await new Promise<number | null>((r) => p.on('exit', r));
    assert.equal(code, 2);
    assert.match(err, /--generate must be an integer/);
  });

  test('serves a fixture file and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadre-sim-'));
    try {
      const file = join(dir, 'employees.json');
      writeFileSync(file, JSON.stringify({ success: true, data: generateCompany(7, { seed: 1 }) }));
      const p = runner(['--port', '0', '--fixture', file, '--client-id', 'a', '--client-secret', 'b']);
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        p.stdout.on('data', (d: Buffer) => {
          out += String(d);
          const m = /listening at (http:\/\/\S+) with 7 employees/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        p.on('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const auth = await fetch(`${url}/v1/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":"a","client_secret":"b"}' });
      assert.equal(auth.status, 200);
      const state = (await (await fetch(`${url}/_sim/state`)).json()) as Json;
      assert.equal(at(state, 'employees'), 7);
      p.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => p.on('exit', r));
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Personio simulator: fixture employees without last_modified_at', () => {
  test('count as modified when loaded, so updated_since returns them', async () => {
    const loadedAt = new Date('2025-06-01T10:00:00Z');
    const stamped = generateCompany(3, { seed: 4, today: '2025-05-01' });
    const bare = structuredClone(stamped).map((e) => {
      const { last_modified_at: _drop, ...attributes } = e.attributes;
      return { ...e, attributes };
    });
    const s = await startPersonioSimulator({ employees: bare, now: () => loadedAt });
    try {
      const auth = await fetch(`${s.url}/v1/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":"a","client_secret":"b"}' });
      const tok = String(at(await auth.json(), 'data', 'token'));
      const get = async (q: string): Promise<unknown[]> => {
        const r = await fetch(`${s.url}/v1/company/employees?${q}`, { headers: { authorization: `Bearer ${tok}` } });
        return arr(at(await r.json(), 'data'));
      };
      assert.equal((await get('updated_since=2025-06-01T09:00:00')).length, 3);
      assert.equal((await get('updated_since=2025-06-01T09:00:00&attributes[]=position')).length, 3);
      assert.equal((await get('updated_since=2025-06-02')).length, 0);
      const first = (await get('limit=1'))[0];
      assert.equal(at(first, 'attributes', 'last_modified_at', 'value'), '2025-06-01T12:00:00+02:00');
    } finally {
      await s.close();
    }
  });
});
