/**
 * The REST target's signed sender against a local receiver that verifies signatures: a wrong secret is a
 * coded error without retries, a 503 is retried with the same idempotency key until it succeeds, a replay
 * after success returns the first answer (no second account), and a failing response check is coded.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendWebhook } from '../../src/targets/rest/send.js';
import type { SenderOptions } from '../../src/targets/rest/send.js';
import { idempotencyKey } from '../../src/targets/rest/signing.js';
import { startRestReceiver } from '../support/rest-receiver.js';
import type { RestReceiver } from '../support/rest-receiver.js';

const SECRET = 'webhook-test-secret-0123456789';
let rx: RestReceiver;
const slept: number[] = [];
const opts = (o: Partial<SenderOptions> = {}): SenderOptions => ({
  secret: SECRET, timeoutMs: 10_000, retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 2_000 },
  sleep: async (ms) => { slept.push(ms); }, ...o,
});

before(async () => { rx = await startRestReceiver(SECRET); });
after(async () => { await rx.close(); });

test('wrong secret: the receiver refuses the signature; REST_AUTH, one attempt, secret not in the message', async () => {
  const before = rx.requests.length;
  const r = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: '{"name":"x"}', idempotencyKey: idempotencyKey('crm', 'op-a') }, opts({ secret: 'not-the-secret' }));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.code, 'REST_AUTH');
    assert.equal(r.transient, false);
    assert.equal(r.attempts, 1);
    assert.ok(!r.message.includes('not-the-secret'));
  }
  assert.deepEqual(rx.requests.slice(before).map((q) => q.verdict), ['mismatch']);
  assert.equal(rx.accounts.size, 0);
});

test('503 with Retry-After, then success: same idempotency key on every attempt; a replay creates nothing new', async () => {
  const key = idempotencyKey('crm', 'op-b');
  rx.failNext(2, 503, 1);
  slept.length = 0;
  const start = rx.requests.length;
  const r = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: JSON.stringify({ name: 'Zoë' }), idempotencyKey: key }, opts());
  assert.ok(r.ok, r.ok ? '' : r.message);
  if (r.ok) assert.equal(r.attempts, 3);
  const seen = rx.requests.slice(start);
  assert.deepEqual(seen.map((q) => q.status), [503, 503, 201]);
  assert.ok(seen.every((q) => q.idempotencyKey === key && q.verdict === 'ok'));
  assert.deepEqual(slept, [1_000, 1_000], 'Retry-After honoured');
  assert.equal(rx.accounts.size, 1);
  // The same operation sent again (a replay after a crash): the receiver replays the first answer.
  const again = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: JSON.stringify({ name: 'Zoë' }), idempotencyKey: key }, opts());
  assert.ok(again.ok);
  assert.equal(rx.accounts.size, 1);
  assert.deepEqual(again.ok && r.ok ? (again.json as { id: string }).id : '', r.ok ? (r.json as { id: string }).id : 'x');
});

test('retries are bounded: persistent 503 ends as a transient REST_UNAVAILABLE after maxAttempts', async () => {
  rx.failNext(10, 503);
  const r = await sendWebhook({ method: 'PATCH', url: `${rx.url}/users/none`, body: '{}', idempotencyKey: idempotencyKey('crm', 'op-c') }, opts());
  rx.failNext(0, 503);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.code, 'REST_UNAVAILABLE');
    assert.equal(r.transient, true);
    assert.equal(r.attempts, 4);
  }
});

test('response check: expected status and a JSON path that must equal a value', async () => {
  rx.respondWith({ result: { ok: false } });
  const bad = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: '{"name":"y"}', idempotencyKey: idempotencyKey('crm', 'op-d') }, opts({ check: { status: [201], path: 'result.ok', equals: true } }));
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.code, 'REST_RESPONSE_CHECK');
  rx.respondWith({ result: { ok: true } });
  const good = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: '{"name":"z"}', idempotencyKey: idempotencyKey('crm', 'op-e') }, opts({ check: { status: [201], path: 'result.ok', equals: true } }));
  assert.ok(good.ok);
  const wrongStatus = await sendWebhook({ method: 'POST', url: `${rx.url}/users`, body: '{"name":"w"}', idempotencyKey: idempotencyKey('crm', 'op-f') }, opts({ check: { status: [200] } }));
  assert.equal(wrongStatus.ok ? '' : wrongStatus.code, 'REST_REJECTED');
  rx.respondWith({});
});
