/**
 * Webhook intake → durable queue → person-scoped sync: the simulator delivers (twice, with the duplicate fault)
 * to a listener that uses acceptWebhook over the real store; one event is queued, a wrong token is refused, an
 * unknown event is acknowledged, and draining the queue syncs exactly that person into the SQL target.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { drainSourceEvents, MAX_EVENT_ATTEMPTS } from '../../src/engine/source-events.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { acceptWebhook } from '../../src/sources/personio/webhooks/receiver.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const TOKEN = 'hook-token-9f2';
let dir: string;
let sim: PersonioSimulator;
let engine: Engine;
const app = Fastify();
const dept = (pid: string): unknown => {
  const db = new Database(join(dir, 'erp.db'), { readonly: true });
  try { return (db.prepare('SELECT department FROM accounts WHERE employee_id = ?').get(pid) as { department?: unknown } | undefined)?.department; } finally { db.close(); }
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-webhook-intake-'));
  sim = await startPersonioSimulator({ employees: [1, 2].map((id) => employee({ id, first: `P${id}x`, last: 'Webb', department: 'Sales', office: 'Berlin' })), webhookTimeScale: 0.00001 });
  const file = writeEngineConfig({ dir, personioUrl: sim.url });
  const config = await loadConfigOrThrow(file);
  engine = await openEngine({ ...config, source: { ...config.source, apiVersion: 'v2' } });
  await fullSync(engine, { actor: 'test' });
  app.post('/personio/webhook', async (req, reply) => {
    const r = await acceptWebhook({ authorization: req.headers.authorization, body: req.body, token: TOKEN, now: () => new Date() },
      (e) => engine.store.sourceEvents.enqueue(e), engine.log);
    return reply.code(r.status).send({ outcome: r.outcome });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const tok = await fetch(`${sim.url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
  const h = { authorization: `Bearer ${(await tok.json() as { access_token: string }).access_token}`, 'content-type': 'application/json' };
  await fetch(`${sim.url}/v2/webhooks`, { method: 'POST', headers: h, body: JSON.stringify({ url: `http://127.0.0.1:${port}/personio/webhook`, token: TOKEN, status: 'ENABLED', enabled_events: ['person.updated', 'employment.updated'] }) });
});
after(async () => {
  await app.close();
  await engine?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a delivered change is queued once, acknowledged, and draining syncs that person', async () => {
  assert.equal(dept('1'), 'Sales');
  sim.faults.webhookDuplicates = true;
  sim.company.upsert(employee({ id: 1, first: 'P1x', last: 'Webb', department: 'Finance', office: 'Berlin' }));
  await sim.deliveries.settle();
  sim.faults.webhookDuplicates = false;
  assert.ok(sim.deliveries.attempts.length >= 2 && sim.deliveries.attempts.every((a) => a.status === 202), 'every delivery was acknowledged');
  const pending = await engine.store.sourceEvents.pending(10);
  assert.deepEqual(pending.map((e) => [e.eventName, e.personId]), [['employment.updated', '1']], 'the duplicate collapsed into one queued event');
  assert.equal(dept('1'), 'Sales', 'nothing applied before the worker drains');
  assert.equal(await drainSourceEvents(engine, { actor: 'webhook' }), 1);
  assert.equal(dept('1'), 'Finance');
  assert.deepEqual(await engine.store.sourceEvents.pending(10), []);
});

test('a wrong token is refused; an unknown event is acknowledged and not queued', async () => {
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/personio/webhook`;
  const body = JSON.stringify({ company_id: '1', event_name: 'person.updated', occurred_at: new Date().toISOString(), payload: { id: '2' } });
  const bad = await fetch(url, { method: 'POST', headers: { authorization: 'nope', 'content-type': 'application/json' }, body });
  assert.equal(bad.status, 401);
  const unknown = await fetch(url, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: body.replace('person.updated', 'absence.created') });
  assert.equal(unknown.status, 200);
  assert.deepEqual(await engine.store.sourceEvents.pending(10), []);
});

test('an event that keeps failing is abandoned after MAX_EVENT_ATTEMPTS (logged), so it no longer blocks the queue; old processed events are deleted', async () => {
  const key = `poison-${Date.now()}`;
  const fresh = `fresh-${Date.now()}`;
  const dayAgo = new Date(Date.now() - 25 * 3_600_000).toISOString();
  await engine.store.sourceEvents.enqueue({ key, eventName: 'person.updated', personId: '2', occurredAt: dayAgo, receivedAt: dayAgo });
  await engine.store.sourceEvents.enqueue({ key: fresh, eventName: 'person.updated', personId: '1', occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString() });
  for (let i = 0; i < MAX_EVENT_ATTEMPTS - 2; i += 1) await engine.store.sourceEvents.markFailed(fresh, 'earlier failure');
  for (let i = 0; i < MAX_EVENT_ATTEMPTS - 2; i += 1) await engine.store.sourceEvents.markFailed(key, 'earlier failure');
  sim.faults.failAuth = true; // Personio refuses every credential and every token: the drain fails
  try {
    sim.revokeTokens();
    await assert.rejects(drainSourceEvents(engine, { actor: 'webhook' }));
    assert.deepEqual((await engine.store.sourceEvents.pending(10)).map((e) => [e.key, e.attempts]), [[key, MAX_EVENT_ATTEMPTS - 1], [fresh, MAX_EVENT_ATTEMPTS - 1]], 'retried while attempts are left');
    sim.revokeTokens();
    await assert.rejects(drainSourceEvents(engine, { actor: 'webhook' }));
    assert.deepEqual((await engine.store.sourceEvents.pending(10)).map((e) => e.key), [fresh], 'the day-old one is abandoned at its last attempt; one received now is kept (an outage of hours abandons nothing)');
  } finally {
    sim.faults.failAuth = false;
  }
  assert.equal(await drainSourceEvents(engine, { actor: 'webhook' }), 1, 'once Personio answers, the kept event is processed');
  // 32 days later the processed and abandoned events are purged by the next drain.
  const later = new Date(Date.now() + 32 * 86_400_000);
  const before = await engine.store.sourceEvents.purgeProcessed(new Date(0).toISOString());
  assert.equal(before, 0);
  const purged = await engine.store.sourceEvents.purgeProcessed(later.toISOString());
  assert.ok(purged >= 3, `the first test's processed event, the abandoned and the kept one (${purged})`);
});
