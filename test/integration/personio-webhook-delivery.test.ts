/**
 * The Personio simulator delivers webhooks when its company changes: Personio's envelope, the token verbatim in
 * Authorization, retries on 5xx (compressed schedule), none on 4xx/501, and the duplicate/reorder faults.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { employee } from '../support/personio-fixture.js';

interface Got { auth: string | undefined; body: { company_id: string; event_name: string; occurred_at: string; payload: { id: string }; meta: { delivery_id: string } } }
const got: Got[] = [];
let failNext = 0;
const receiver = createServer((req, res) => {
  let text = '';
  req.on('data', (d: Buffer) => { text += d.toString(); });
  req.on('end', () => {
    if (failNext > 0) { failNext--; res.statusCode = 503; res.end(); return; }
    got.push({ auth: req.headers.authorization, body: JSON.parse(text) as Got['body'] });
    res.statusCode = 204;
    res.end();
  });
});
let sim: PersonioSimulator;
let hookId: string;

before(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sim = await startPersonioSimulator({ employees: [employee({ id: 1, first: 'Ada', last: 'Alt', department: 'Sales', office: 'Berlin' })], webhookTimeScale: 0.00001 });
  const tok = await fetch(`${sim.url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
  const { access_token } = await tok.json() as { access_token: string };
  const h = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const w = await (await fetch(`${sim.url}/v2/webhooks`, { method: 'POST', headers: h, body: JSON.stringify({ url, token: 'tok-123', enabled_events: ['person.created', 'person.updated', 'person.deleted'] }) })).json() as { id: string };
  hookId = w.id;
  // Disabled by default: nothing is delivered until it is enabled.
  sim.company.upsert(employee({ id: 2, first: 'Bea', last: 'Bohr', department: 'Sales', office: 'Berlin' }));
  await sim.deliveries.settle();
  assert.equal(got.length, 0);
  await fetch(`${sim.url}/v2/webhooks/${hookId}`, { method: 'PATCH', headers: h, body: JSON.stringify({ status: 'ENABLED' }) });
});
after(async () => {
  await sim?.close();
  await new Promise((r) => receiver.close(r));
});

test('a change is delivered in the envelope with the token verbatim; 5xx is retried', async () => {
  got.length = 0;
  failNext = 3;
  sim.company.upsert(employee({ id: 1, first: 'Adele', last: 'Alt', department: 'Sales', office: 'Berlin' }));
  await sim.deliveries.settle();
  assert.equal(got.length, 1);
  const [g] = got;
  assert.equal(g?.auth, 'tok-123');
  assert.equal(g?.body.event_name, 'person.updated');
  assert.equal(g?.body.payload.id, '1');
  assert.equal(g?.body.company_id, '1');
  assert.ok(!Number.isNaN(Date.parse(g?.body.occurred_at ?? '')));
  const tries = sim.deliveries.attempts.filter((a) => a.deliveryId === g?.body.meta.delivery_id).map((a) => a.status);
  assert.deepEqual(tries, [503, 503, 503, 204]);
});

test('duplicate and reorder faults', async () => {
  got.length = 0;
  sim.faults.webhookDuplicates = true;
  sim.company.remove('2');
  await sim.deliveries.settle();
  assert.deepEqual(got.map((g) => g.body.event_name), ['person.deleted', 'person.deleted']);
  assert.equal(got[0]?.body.meta.delivery_id, got[1]?.body.meta.delivery_id);
  sim.faults.webhookDuplicates = false;
  got.length = 0;
  sim.faults.webhookReorder = true;
  sim.company.upsert(employee({ id: 3, first: 'Cem', last: 'Cil', department: 'Sales', office: 'Berlin' }));
  sim.company.upsert(employee({ id: 3, first: 'Cemal', last: 'Cil', department: 'Sales', office: 'Berlin' }));
  await sim.deliveries.settle();
  assert.deepEqual(got.map((g) => g.body.event_name), ['person.updated', 'person.created']);
  sim.faults.webhookReorder = false;
});
