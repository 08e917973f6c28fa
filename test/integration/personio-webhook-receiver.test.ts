/**
 * The webhook receiver in a real `cadre run`: the Personio simulator delivers to its own listener, and the change
 * reaches the SQL target although the schedule's next tick is an hour away (the receiver wakes the daemon).
 * Duplicates collapse into one queued event, reordered deliveries end in Personio's latest state, a wrong token
 * is 401 and never logged, bad envelopes 400, oversized bodies 413, unknown events 200. A second process serves
 * the receiver over TLS from the configured certificate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startPersonioSimulator, type PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { selfSignedCertificate } from '../../src/targets/entra/simulator/tls.js';
import { engineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';
import { eventually, registerSimWebhook, startCadre, withWebhooks, type CadreProcess } from '../support/webhook-daemon.js';

const TOKEN = 'rcv-token-7c1e9a';
const env = { HOOK_TOKEN: TOKEN };
const person = (id: number, department: string) => employee({ id, first: `R${id}x`, last: 'Hook', department, office: 'Berlin' });

let root: string;
let sim: PersonioSimulator;
let daemon: CadreProcess;
let url: string;

function read<T>(file: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try { return db.prepare(sql).all(...args) as T[]; } finally { db.close(); }
}
const dept = (dir: string, pid: number): string | undefined => read<{ department: string }>(join(dir, 'erp.db'), 'SELECT department FROM accounts WHERE employee_id = ?', String(pid))[0]?.department;
const queued = (dir: string, pid: number) => read<{ event_name: string; processed_at: string | null }>(join(dir, 'cadre.db'), 'SELECT event_name, processed_at FROM source_events WHERE person_id = ?', String(pid));

function configIn(dir: string, hooks: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cadre.yaml');
  writeFileSync(file, withWebhooks(engineConfig({ dir, personioUrl: sim.url }), hooks));
  return file;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cadre-webhook-rcv-'));
  sim = await startPersonioSimulator({ employees: [1, 2, 3].map((id) => person(id, 'Sales')), webhookTimeScale: 0.00001 });
  const file = configIn(join(root, 'a'), 'enabled: true\ntoken: env:HOOK_TOKEN\nlisten: { host: 127.0.0.1, port: 0 }\nbodyLimit: 2048');
  // An hour between ticks: only the receiver's wake-up can bring a change in during the test.
  daemon = startCadre(['run', '--every', '1h', '--full-every', '1h', '--config', file], env);
  url = (await daemon.waitFor(/webhooks: receiving at (\S+)/))[1] as string;
  await daemon.waitFor(/full sync: \d+ done/);
  await registerSimWebhook(sim.url, url, TOKEN);
});
after(async () => {
  await daemon?.kill();
  await sim?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('webhook receiver in cadre run', () => {
  const a = (): string => join(root, 'a');

  test('a delivered change (sent twice) is queued once and synced without waiting for a tick', async () => {
    assert.equal(dept(a(), 1), 'Sales');
    sim.faults.webhookDuplicates = true;
    sim.company.upsert(person(1, 'Finance'));
    await sim.deliveries.settle();
    sim.faults.webhookDuplicates = false;
    await eventually(() => dept(a(), 1) === 'Finance', 'person 1 in Finance');
    // Each delivery was acknowledged in the end (a 503 from a store slower than 2.5 s on a loaded machine is retried).
    const acked = new Set(sim.deliveries.attempts.filter((x) => x.status === 202).map((x) => x.deliveryId));
    assert.ok(sim.deliveries.attempts.length >= 2 && sim.deliveries.attempts.every((x) => acked.has(x.deliveryId)), 'every delivery acknowledged');
    await eventually(() => queued(a(), 1).every((e) => e.processed_at !== null), 'event processed');
    assert.deepEqual(queued(a(), 1).map((e) => e.event_name), ['employment.updated'], 'the duplicate collapsed');
    assert.match(daemon.out(), /webhook sync: 1 event/);
    assert.doesNotMatch(daemon.out(), /incremental sync/, 'no tick ran: the receiver woke the daemon');
  });

  test('reordered deliveries: the older event arriving last does not bring the older state back', async () => {
    sim.faults.webhookReorder = true;
    sim.company.upsert(person(2, 'Finance'));
    // A later occurred_at: two events, not one event delivered twice.
    await new Promise((r) => setTimeout(r, 20));
    sim.company.upsert(person(2, 'IT'));
    await sim.deliveries.settle();
    sim.faults.webhookReorder = false;
    await eventually(() => queued(a(), 2).length === 2 && queued(a(), 2).every((e) => e.processed_at !== null), 'both events processed');
    assert.equal(dept(a(), 2), 'IT');
  });

  test('wrong token 401 (not logged), bad envelope 400, oversized 413, unknown event 200', async () => {
    const body = (name: string) => JSON.stringify({ company_id: '1', event_name: name, occurred_at: new Date().toISOString(), payload: { id: '3' } });
    const post = (auth: string, b: string) => fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: b });
    const wrong = 'Wr0ng-t0ken-zz91';
    assert.equal((await post(wrong, body('person.updated'))).status, 401);
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('person.updated') })).status, 401);
    assert.equal((await post(TOKEN, JSON.stringify({ event_name: 'person.updated', payload: {} }))).status, 400);
    assert.equal((await post(TOKEN, JSON.stringify({ company_id: '1', event_name: 'person.updated', occurred_at: 'yesterday', payload: { id: '3' } }))).status, 400);
    assert.equal((await post(TOKEN, body('person.updated').replace('}', `,"pad":"${'x'.repeat(4096)}"}`))).status, 413);
    assert.equal((await post(TOKEN, body('absence_period.created'))).status, 200);
    assert.deepEqual(queued(a(), 3), [], 'nothing queued for person 3');
    await daemon.waitFor(/webhook refused: wrong or missing token/);
    await daemon.waitFor(/not handled; acknowledged/);
    assert.ok(!daemon.err().includes(wrong) && !daemon.out().includes(wrong), 'the wrong token is not logged');
    assert.ok(!daemon.err().includes(TOKEN) && !daemon.out().includes(TOKEN), 'the token is not logged');
  });

  test('over TLS from the configured certificate', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir, { recursive: true });
    const cert = selfSignedCertificate(dir);
    const file = configIn(dir, `enabled: true\ntoken: env:HOOK_TOKEN\nlisten: { host: 127.0.0.1, port: 0 }\ntls: { cert: ${JSON.stringify(cert.certFile)}, key: ${JSON.stringify(cert.keyFile)} }`);
    const tls = startCadre(['run', '--every', '1h', '--full-every', '1h', '--config', file], env);
    try {
      const at = new URL((await tls.waitFor(/webhooks: receiving at (\S+)/))[1] as string);
      assert.equal(at.protocol, 'https:');
      await tls.waitFor(/full sync: \d+ done/);
      sim.company.upsert(person(3, 'HR'));
      await sim.deliveries.settle();
      const body = JSON.stringify({ company_id: '1', event_name: 'person.updated', occurred_at: new Date().toISOString(), payload: { id: '3' } });
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(at, { method: 'POST', ca: cert.cert, headers: { authorization: TOKEN, 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(status, 202);
      await eventually(() => dept(dir, 3) === 'HR', 'person 3 in HR through the TLS receiver');
      await assert.rejects(fetch(at.href.replace('https:', 'http:'), { method: 'POST', body }), 'no plain HTTP on the TLS port');
    } finally {
      await tls.kill();
    }
  });
});
