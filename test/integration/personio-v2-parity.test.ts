/**
 * The v1 and v2 modes give the same people and the same plan for the same company: one simulator company is
 * planned once over `/v1/company/employees` and once over `/v2/persons` + employments (SQLite targets), and the
 * persons and plan operations are compared. Also checks v2 cursor paging (limit ≤ 50) and problem+json errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { preparePlan } from '../../src/engine/planning.js';
import { generateCompany } from '../../src/sources/personio/generator.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';

const AT = '2025-06-01T10:00:00Z';

describe('Personio v1 and v2 modes', () => {
  let dir: string;
  let sim: PersonioSimulator;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-personio-v2-'));
    sim = await startPersonioSimulator({ employees: generateCompany(130, { seed: 11, today: '2025-06-01' }) });
  });
  after(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (mode: 'v1' | 'v2') => {
    const d = join(dir, mode);
    mkdirSync(d);
    const file = writeEngineConfig({ dir: d, personioUrl: sim.url, extra: mode === 'v2' ? '' : '' });
    const config = await loadConfigOrThrow(file);
    const engine = await openEngine({ ...config, source: { ...config.source, apiVersion: mode } });
    try {
      return await preparePlan(engine, { at: AT });
    } finally {
      await engine.close();
    }
  };

  test('the same people and the same plan operations', async () => {
    const v1 = await plan('v1');
    const before = sim.stats.requests.length;
    const v2 = await plan('v2');
    const v2Requests = sim.stats.requests.slice(before);
    assert.ok(v2Requests.every((r) => r.path.startsWith('/v2/')), 'the v2 mode reads only v2 endpoints');
    const personPages = v2Requests.filter((r) => r.path === '/v2/persons');
    assert.ok(personPages.length >= 3, `130 persons at 50 per page take 3 pages (got ${personPages.length})`);
    assert.ok(personPages.every((r) => Number(r.query.limit) <= 50));
    assert.equal(v2.snapshot.complete, true);
    const byId = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    assert.equal(v2.snapshot.persons.length, v1.snapshot.persons.length);
    assert.ok(v1.snapshot.persons.length > 100);
    assert.deepEqual(byId(v2.snapshot.persons), byId(v1.snapshot.persons));
    const ops = (p: typeof v1) => p.plan.operations.map((o) => ({ id: o.id, target: o.target, action: o.action, personId: o.personId, changes: o.changes })).sort((a, b) => a.id.localeCompare(b.id));
    assert.ok(v1.plan.operations.length > 100);
    assert.deepEqual(ops(v2), ops(v1));
  });

  const token = async (): Promise<string> => {
    const tok = await fetch(`${sim.url}/v2/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' }).toString(),
    });
    return (await tok.json() as { access_token: string }).access_token;
  };

  test('v2 persons refuse a limit over 50 with problem+json', async () => {
    const res = await fetch(`${sim.url}/v2/persons?limit=51`, { headers: { authorization: `Bearer ${await token()}` } });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = await res.json() as { errors: { title: string }[] };
    assert.equal(body.errors[0]?.title, 'Bad request');
  });

  test('webhook management: created DISABLED by default, enabled by PATCH, listed, removed; the token is never shown', async () => {
    const h = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    const created = await fetch(`${sim.url}/v2/webhooks`, {
      method: 'POST', headers: h, body: JSON.stringify({ url: 'https://cadre.example.com/hook', token: 'secret-token-1', enabled_events: ['person.updated'] }),
    });
    assert.equal(created.status, 201);
    const w = await created.json() as { id: string; status: string; token?: string };
    assert.equal(w.status, 'DISABLED');
    assert.equal(w.token, undefined);
    const bad = await fetch(`${sim.url}/v2/webhooks`, { method: 'POST', headers: h, body: JSON.stringify({ url: 'https://x.example.com', enabled_events: ['nope'] }) });
    assert.equal(bad.status, 422);
    const patched = await fetch(`${sim.url}/v2/webhooks/${w.id}`, { method: 'PATCH', headers: h, body: JSON.stringify({ status: 'ENABLED' }) });
    assert.equal((await patched.json() as { status: string }).status, 'ENABLED');
    assert.equal(sim.webhooks.get(w.id)?.token, 'secret-token-1');
    const list = await (await fetch(`${sim.url}/v2/webhooks`, { headers: h })).json() as { _data: { id: string }[] };
    assert.deepEqual(list._data.map((x) => x.id), [w.id]);
    assert.equal((await fetch(`${sim.url}/v2/webhooks/${w.id}`, { method: 'DELETE', headers: { authorization: h.authorization } })).status, 204);
    assert.equal((await fetch(`${sim.url}/v2/webhooks/${w.id}`, { headers: h })).status, 404);
  });
});
