/**
 * Write-back end to end on the Personio simulator, v1 and v2: the generated address lands in a custom attribute,
 * each write is audited (person, attribute, old → new), a value Personio holds already is never written again, and
 * the echo of our own write (the `updated_since` poll, the v2 `person.updated` webhook) starts no run. Counted on the
 * simulator's write calls and the store's runs over several ticks. In-process engine, SQLite store, SQL target.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { createLogger } from '../../src/engine/log.js';
import { preparePlan } from '../../src/engine/planning.js';
import { drainSourceEvents } from '../../src/engine/source-events.js';
import { fullSync, incrementalSync } from '../../src/engine/sync.js';
import { startPersonioSimulator, type PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { acceptWebhook } from '../../src/sources/personio/webhooks/receiver.js';
import type { AuditRow } from '../../src/store/types.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const people = () => [
  employee({ id: 1, first: 'Greta', last: 'Gross', department: 'Sales', office: 'Berlin' }),
  employee({ id: 2, first: 'Hans', last: 'Huber', department: 'Finance', office: 'Hamburg' }),
  employee({ id: 3, first: 'Ida', last: 'Ilg', department: 'Sales', office: 'Berlin' }),
];
const MAILS: Record<string, string> = { '1': 'greta.gross@example.com', '2': 'hans.huber@example.com', '3': 'ida.ilg@example.com' };

/** What the tests look at: write calls on the simulator, the engine's runs and audit. */
function probe(sim: PersonioSimulator, engine: () => Engine) {
  return {
    writes: (path: RegExp) => sim.stats.requests.filter((r) => r.method === 'PATCH' && path.test(r.path)).length,
    held: (id: string) => (sim.company.get(id)?.attributes['dynamic_1003']?.value ?? null) as string | null,
    runs: async () => (await engine().store.runs.recent(1000)).length,
    audit: async (): Promise<AuditRow[]> => {
      const rows: AuditRow[] = [];
      for await (const page of engine().store.audit.iterate()) rows.push(...page);
      return rows;
    },
  };
}

const payloadOf = (r: AuditRow) => JSON.parse(r.payload) as { action?: string; changes?: { attribute: string; from: unknown; to: unknown }[] };

describe('write-back over v1 (PATCH /v1/company/employees)', () => {
  let dir: string;
  let sim: PersonioSimulator;
  let engine: Engine;
  let p: ReturnType<typeof probe>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-wb-v1-'));
    sim = await startPersonioSimulator({ employees: people() });
    const file = writeEngineConfig({ dir, personioUrl: sim.url, extra: 'writeBack: { enabled: true, attributes: { dynamic_1003: "{{ id.mail }}" } }' });
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    p = probe(sim, () => engine);
  });
  after(async () => {
    await engine?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the first sync writes each address once and audits person, attribute, old and new value', async () => {
    const { report } = await fullSync(engine, { actor: 'test' });
    assert.equal(p.writes(/^\/v1\/company\/employees\//), 3, 'one PATCH per person');
    for (const id of ['1', '2', '3']) assert.equal(p.held(id), MAILS[id]);
    const rows = (await p.audit()).filter((r) => r.runId === report?.runId && r.target === 'personio');
    assert.deepEqual(rows.map((r) => [r.event, r.personId, payloadOf(r).changes]).sort(), ['1', '2', '3'].map((id) =>
      ['op.done', id, [{ attribute: 'dynamic_1003', from: null, to: MAILS[id] }]]));
  });

  test('right after the writes, a plan from the stored records (people a tick does not re-read) sees the written values', async () => {
    const prepared = await withRunLease(engine, { command: 'plan' }, () => preparePlan(engine, { source: { kind: 'store' }, storedAccounts: true }));
    assert.deepEqual(prepared.plan.operations.filter((o) => o.action === 'writeBack'), []);
  });

  test('the second sync writes nothing and audits nothing for Personio', async () => {
    const before = p.writes(/^\/v1\//);
    const { report, prepared } = await fullSync(engine, { actor: 'test' });
    assert.equal(p.writes(/^\/v1\//), before, 'no PATCH');
    assert.ok(!prepared.plan.operations.some((o) => o.action === 'writeBack'));
    assert.deepEqual((await p.audit()).filter((r) => r.runId === report?.runId && r.target === 'personio'), []);
  });

  test('the updated_since echo of our writes starts no run, over several ticks', async () => {
    await engine.store.meta.set('personio.updated_since', '2020-01-01T00:00:00');
    const changed = await engine.source.fetchChanged('2020-01-01T00:00:00');
    assert.deepEqual(changed.persons.map((x) => x.id).sort(), ['1', '2', '3'], 'Personio reports every person we wrote to');
    const runs = await p.runs();
    const writes = p.writes(/^\/v1\//);
    for (let i = 0; i < 3; i++) assert.equal(await incrementalSync(engine, { actor: 'tick' }), undefined, `tick ${i + 1} planned nothing`);
    assert.equal(await p.runs(), runs, 'no run started');
    assert.equal(p.writes(/^\/v1\//), writes, 'no PATCH');
  });

  test('a real change beside the echo is planned; a written value edited in Personio is written again, once', async () => {
    await engine.store.meta.set('personio.updated_since', '2020-01-01T00:00:00');
    const greta = structuredClone(sim.company.get('1')) as NonNullable<ReturnType<typeof sim.company.get>>;
    (greta.attributes['position'] as { value: unknown }).value = 'Team Lead';
    sim.company.upsert(greta);
    const ida = structuredClone(sim.company.get('3')) as NonNullable<ReturnType<typeof sim.company.get>>;
    (ida.attributes['dynamic_1003'] as { value: unknown }).value = 'typed-by-hand@example.com';
    sim.company.upsert(ida);
    const writes = p.writes(/^\/v1\//);
    const r = await incrementalSync(engine, { actor: 'tick' });
    assert.ok(r?.report, 'a run');
    const ops = r.prepared.plan.operations.map((o) => `${o.personId}:${o.target}:${o.action}`).sort();
    assert.deepEqual(ops, ['1:erp:update', '3:personio:writeBack'], 'Hans (only our echo) is not planned');
    assert.equal(p.writes(/^\/v1\//), writes + 1);
    assert.equal(p.held('3'), MAILS['3']);
    const after = await p.runs();
    for (let i = 0; i < 2; i++) assert.equal(await incrementalSync(engine, { actor: 'tick' }), undefined, 'the rewrite echoes too');
    assert.equal(await p.runs(), after);
    assert.equal(p.writes(/^\/v1\//), writes + 1);
  });
});

describe('write-back over v2 (PATCH /v2/persons), with webhooks', () => {
  const TOKEN = 'wb-hook-7c1';
  let dir: string;
  let sim: PersonioSimulator;
  let engine: Engine;
  let p: ReturnType<typeof probe>;
  const app = Fastify();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-wb-v2-'));
    sim = await startPersonioSimulator({ employees: people(), webhookTimeScale: 0.00001 });
    // Written under an alias of the custom attribute: the client sends its dynamic_NNN id.
    const file = writeEngineConfig({ dir, personioUrl: sim.url, extra: 'writeBack: { enabled: true, attributes: { workMail: "{{ id.mail }}" } }' });
    writeFileSync(file, readFileSync(file, 'utf8').replace('  clientSecret: test-secret\n', '  clientSecret: test-secret\n  apiVersion: v2\n  customAttributes: { workMail: dynamic_1003 }\n'));
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    p = probe(sim, () => engine);
    app.post('/hook', async (req, reply) => {
      const r = await acceptWebhook({ authorization: req.headers.authorization, body: req.body, token: TOKEN, now: () => new Date() },
        (e) => engine.store.sourceEvents.enqueue(e), engine.log);
      return reply.code(r.status).send({ outcome: r.outcome });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const tok = await fetch(`${sim.url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
    const h = { authorization: `Bearer ${(await tok.json() as { access_token: string }).access_token}`, 'content-type': 'application/json' };
    await fetch(`${sim.url}/v2/webhooks`, { method: 'POST', headers: h, body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, token: TOKEN, status: 'ENABLED', enabled_events: ['person.updated', 'employment.updated'] }) });
  });
  after(async () => {
    await app.close();
    await engine?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the first sync writes through PATCH /v2/persons (not v1), once per person, audited', async () => {
    const { report } = await fullSync(engine, { actor: 'test' });
    assert.equal(p.writes(/^\/v2\/persons\//), 3);
    assert.equal(p.writes(/^\/v1\//), 0, 'no v1 fallback');
    for (const id of ['1', '2', '3']) assert.equal(p.held(id), MAILS[id]);
    const rows = (await p.audit()).filter((r) => r.runId === report?.runId && r.target === 'personio');
    assert.deepEqual(rows.map((r) => [r.event, r.personId, payloadOf(r).changes]).sort(), ['1', '2', '3'].map((id) =>
      ['op.done', id, [{ attribute: 'workMail', from: null, to: MAILS[id] }]]));
  });

  test('the person.updated webhooks our writes caused are drained without a run', async () => {
    await sim.deliveries.settle();
    const echoes = await engine.store.sourceEvents.pending(10);
    assert.deepEqual(echoes.map((e) => [e.eventName, e.personId]).sort(), [['person.updated', '1'], ['person.updated', '2'], ['person.updated', '3']]);
    const runs = await p.runs();
    assert.equal(await drainSourceEvents(engine, { actor: 'webhook' }), 3, 'handled');
    assert.deepEqual(await engine.store.sourceEvents.pending(10), []);
    assert.equal(await p.runs(), runs, 'no run for an echo');
    assert.equal(p.writes(/^\/v2\/persons\//), 3, 'nothing written again');
  });

  test('polling ticks and a second full sync write nothing more', async () => {
    await engine.store.meta.set('personio.updated_since', '2020-01-01T00:00:00');
    const runs = await p.runs();
    for (let i = 0; i < 3; i++) assert.equal(await incrementalSync(engine, { actor: 'tick' }), undefined, `tick ${i + 1}`);
    assert.equal(await p.runs(), runs);
    const { prepared } = await fullSync(engine, { actor: 'test' });
    assert.ok(!prepared.plan.operations.some((o) => o.action === 'writeBack'));
    assert.equal(p.writes(/^\/v2\/persons\//), 3);
    await sim.deliveries.settle();
    assert.deepEqual(await engine.store.sourceEvents.pending(10), [], 'a sync that writes nothing fires no webhook');
  });

  test('a real change delivered by webhook is planned for that person', async () => {
    const hans = structuredClone(sim.company.get('2')) as NonNullable<ReturnType<typeof sim.company.get>>;
    (hans.attributes['last_name'] as { value: unknown }).value = 'Hofer';
    sim.company.upsert(hans);
    await sim.deliveries.settle();
    const runs = await p.runs();
    assert.equal(await drainSourceEvents(engine, { actor: 'webhook' }), 1);
    assert.equal(await p.runs(), runs + 1, 'one person-scoped run');
    assert.equal(p.held('2'), 'hans.hofer@example.com', 'the regenerated address is written back');
    assert.equal(p.writes(/^\/v2\/persons\//), 4);
    await sim.deliveries.settle();
    assert.equal(await drainSourceEvents(engine, { actor: 'webhook' }), 1, 'its echo');
    assert.equal(await p.runs(), runs + 1, 'the echo of that write starts nothing');
  });
});
