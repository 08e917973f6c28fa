/**
 * A killed receiver loses no acknowledged event. The real `cadre serve` receives Personio's deliveries on the
 * console (no session, no CSRF, token only) and is killed with SIGKILL right after the acknowledgements:
 *  1. while another run holds the lease, so every acknowledged event is certainly still unprocessed at the kill;
 *  2. while it is already syncing the events.
 * After each restart every acknowledged event is processed and every person has converged in the SQL target.
 * The schedule ticks every second all along and never polls Personio (webhooks replace polling).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { startPersonioSimulator, type PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { engineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';
import { eventually, registerSimWebhook, startCadre, withWebhooks, type CadreProcess } from '../support/webhook-daemon.js';

const TOKEN = 'kill-token-5be02d';
const env = { HOOK_TOKEN: TOKEN, CADRE_SESSION_SECRET: 'k'.repeat(48) };
const IDS = [11, 12, 13, 14, 15, 16];
const person = (id: number, department: string) => employee({ id, first: `K${id}x`, last: 'Kill', department, office: 'Berlin' });

let dir: string;
let file: string;
let port: number;
let sim: PersonioSimulator;
let serve: CadreProcess | undefined;

function rows<T>(db: string, sql: string): T[] {
  const h = new Database(join(dir, db), { readonly: true, fileMustExist: true });
  try { return h.prepare(sql).all() as T[]; } finally { h.close(); }
}
const departments = () => new Map(rows<{ employee_id: string; department: string }>('erp.db', 'SELECT employee_id, department FROM accounts').map((r) => [r.employee_id, r.department]));
const events = () => rows<{ person_id: string; processed_at: string | null }>('cadre.db', 'SELECT person_id, processed_at FROM source_events');
const converged = (dept: string) => IDS.every((id) => departments().get(String(id)) === dept);
const start = () => startCadre(['serve', '--port', String(port), '--every', '1s', '--full-every', '1h', '--config', file], env);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const p = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return p;
}

/** Change every person (distinct occurred_at each) and wait until Personio saw every delivery acknowledged. */
async function changeAll(dept: string): Promise<void> {
  const before = sim.deliveries.attempts.length;
  for (const id of IDS) {
    sim.company.upsert(person(id, dept));
    await new Promise((r) => setTimeout(r, 5));
  }
  await sim.deliveries.settle();
  const mine = sim.deliveries.attempts.slice(before);
  // Every delivery acknowledged in the end (a 503 from a store slower than 2.5 s on a loaded machine is retried).
  const acked = new Set(mine.filter((a) => a.status === 202).map((a) => a.deliveryId));
  assert.equal(acked.size, IDS.length, `one acknowledged delivery per change: ${JSON.stringify(mine.map((a) => a.status))}`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-webhook-kill-'));
  sim = await startPersonioSimulator({ employees: IDS.map((id) => person(id, 'Sales')), webhookTimeScale: 0.00001 });
  port = await freePort();
  file = join(dir, 'cadre.yaml');
  const yaml = engineConfig({ dir, personioUrl: sim.url, thresholds: 'thresholds: { default: { count: 1000, percent: 100 } }', extra: `web: { port: ${port}, sessionSecret: env:CADRE_SESSION_SECRET }` });
  writeFileSync(file, withWebhooks(yaml, 'enabled: true\ntoken: env:HOOK_TOKEN'));
});
after(async () => {
  await serve?.kill();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL right after the acknowledgements loses no event', async () => {
  serve = start();
  const url = `${(await serve.waitFor(/webhooks: receiving at (\S+)/))[1] as string}`;
  assert.equal(url, `http://127.0.0.1:${port}/webhooks/personio`, 'served by the console');
  await serve.waitFor(/full sync: \d+ done/);
  await registerSimWebhook(sim.url, url, TOKEN);

  // 1. Another run holds the lease: the receiver acknowledges (the events are stored) but cannot sync yet.
  const other = await openEngine(await loadConfigOrThrow(file, { env: { ...process.env, ...env } }));
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let leased!: () => void;
  const taken = new Promise<void>((r) => { leased = r; });
  const holding = withRunLease(other, { command: 'test-hold' }, async () => { leased(); await held; });
  await taken;
  await changeAll('Finance');
  assert.deepEqual(events().filter((e) => e.processed_at === null).map((e) => e.person_id).sort(), IDS.map(String), 'all acknowledged, none processed');
  await serve.kill();
  release();
  await holding;
  await other.close();
  serve = start();
  const s1 = serve;
  await eventually(() => converged('Finance') && events().every((e) => e.processed_at !== null), 'every event processed after the restart', 60_000).catch((e: Error) => { throw new Error(`${e.message}\n${s1.out()}\n${s1.err()}\n${JSON.stringify(events())}\n${JSON.stringify([...departments()])}`); });

  // 2. Killed while it is syncing the acknowledged events.
  await changeAll('IT');
  await serve.kill();
  serve = start();
  await eventually(() => converged('IT') && events().every((e) => e.processed_at !== null), 'every event processed after the second restart');
  assert.equal(events().length, IDS.length * 2, 'each change queued once');
  await serve.waitForCount(/incremental sync/, 2);
  assert.deepEqual(sim.stats.requests.filter((r) => 'updated_at.gt' in r.query).map((r) => r.path), [], 'no polling for changes');
  assert.equal(await serve.stop(), 0);
  serve = undefined;
});
