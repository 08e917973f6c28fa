/**
 * The simulator's `PATCH /v2/persons/{id}` ("Update a Person") and the v2 client's write over it: 204 without a
 * body, custom attributes as `[{id, value}]`, a writable (unique) e-mail address, 400/404 in the problem+json shape,
 * 401 without a token, and `person.updated` fired for the change like any other.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/engine/log.js';
import { startPersonioSimulator, type PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { createPersonioClient } from '../../src/sources/personio/client.js';
import { createPersonioV2Client } from '../../src/sources/personio/v2/client.js';
import { personioSourceGuard } from '../../src/config/schema.js';
import { employee } from '../support/personio-fixture.js';

let sim: PersonioSimulator;
let auth: Record<string, string>;
const patch = (id: string, body: unknown, headers = auth) => fetch(`${sim.url}/v2/persons/${id}`, { method: 'PATCH', headers, body: JSON.stringify(body) });
const value = (id: string, key: string): unknown => sim.company.get(id)?.attributes[key]?.value;

before(async () => {
  sim = await startPersonioSimulator({ employees: [employee({ id: 1, first: 'Greta', last: 'Gross' }), employee({ id: 2, first: 'Hans', last: 'Huber' })] });
  const tok = await fetch(`${sim.url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
  const body = await tok.json() as { access_token: string; scope: string };
  assert.match(body.scope, /personio:persons:write/);
  auth = { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' };
});
after(async () => { await sim?.close(); });

test('a custom attribute and the e-mail address are written; 204 without a body', async () => {
  const r = await patch('1', { custom_attributes: [{ id: 'dynamic_1003', value: 'greta.gross@example.com' }], email: 'greta@example.com' });
  assert.equal(r.status, 204);
  assert.equal(await r.text(), '');
  assert.equal(value('1', 'dynamic_1003'), 'greta.gross@example.com');
  assert.equal(value('1', 'email'), 'greta@example.com');
  const cleared = await patch('1', { custom_attributes: [{ id: 'dynamic_1003', value: null }] });
  assert.equal(cleared.status, 204);
  assert.equal(value('1', 'dynamic_1003'), null);
});

test('refusals: unknown person 404, unknown attribute or field 400, a taken or cleared e-mail 400, no token 401', async () => {
  const missing = await patch('99', { first_name: 'X' });
  assert.equal(missing.status, 404);
  assert.match(String(missing.headers.get('content-type')), /application\/problem\+json/);
  const unknownAttr = await patch('1', { custom_attributes: [{ id: 'dynamic_4040', value: 'x' }] });
  assert.equal(unknownAttr.status, 400);
  assert.match(JSON.stringify(await unknownAttr.json()), /dynamic_4040/);
  assert.equal((await patch('1', { position: 'Boss' })).status, 400, 'position is an employment field, not the person\'s');
  assert.equal((await patch('1', { email: 'hr2@example.com' })).status, 400, 'e-mail addresses are unique');
  assert.equal((await patch('1', { email: null })).status, 400);
  assert.equal((await patch('1', { first_name: 'Y' }, { 'content-type': 'application/json' })).status, 401);
  assert.equal(value('1', 'first_name'), 'Greta', 'nothing of a refused request lands');
});

test('the v2 client writes through PATCH /v2/persons, resolving aliases; fields v2 cannot write are refused before sending', async () => {
  const cfg = personioSourceGuard.parse({ type: 'personio', baseUrl: sim.url, clientId: 'a', clientSecret: 'b', apiVersion: 'v2', customAttributes: { workMail: 'dynamic_1003' } });
  const client = createPersonioV2Client(cfg, { log: createLogger('silent') });
  const before = sim.stats.requests.length;
  await client.updateEmployee('2', { workMail: 'hans.huber@example.com' });
  assert.equal(value('2', 'dynamic_1003'), 'hans.huber@example.com');
  assert.deepEqual(sim.stats.requests.slice(before).filter((r) => r.method === 'PATCH').map((r) => [r.path, r.status]), [['/v2/persons/2', 204]]);
  await assert.rejects(client.updateEmployee('2', { department: 'Sales' }), { code: 'PERSONIO_FIELD_READONLY' });
  await assert.rejects(client.updateEmployee('2', { email: null }), { code: 'PERSONIO_VALIDATION' });
  await assert.rejects(client.updateEmployee('2', { dynamic_4040: 'x' }), { code: 'PERSONIO_BAD_REQUEST' });
});

test('the v1 client resolves an alias to its dynamic_NNN attribute too, and refuses email', async () => {
  const cfg = personioSourceGuard.parse({ type: 'personio', baseUrl: sim.url, clientId: 'a', clientSecret: 'b', customAttributes: { workMail: 'dynamic_1003' } });
  const client = createPersonioClient(cfg, { log: createLogger('silent') });
  await client.updateEmployee('2', { workMail: 'h.huber@example.com' });
  assert.equal(value('2', 'dynamic_1003'), 'h.huber@example.com');
  await assert.rejects(client.updateEmployee('2', { email: 'x@example.com' }), { code: 'PERSONIO_EMAIL_READONLY' });
});
