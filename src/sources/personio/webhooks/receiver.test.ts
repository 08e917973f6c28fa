import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptWebhook, tokenMatches } from './receiver.js';

const log = { warn: () => undefined, info: () => undefined };
const now = () => new Date('2026-12-02T10:00:00Z');
const envelope = (over: Record<string, unknown> = {}) => ({ company_id: 7, event_name: 'employment.updated', occurred_at: '2026-12-02T09:59:58Z', payload: { id: 'e1', person_id: 42 }, meta: { delivery_id: 'd-1' }, ...over });

test('token: equal only when identical, never for an empty configured token', () => {
  assert.equal(tokenMatches('abc', 'abc'), true);
  assert.equal(tokenMatches('abd', 'abc'), false);
  assert.equal(tokenMatches(undefined, 'abc'), false);
  assert.equal(tokenMatches('', ''), false);
});

test('a valid envelope is queued with its person, time and delivery id; the same event twice has one key', async () => {
  const seen: { key: string; personId?: string; occurredAt: string; deliveryId?: string }[] = [];
  const enqueue = async (e: (typeof seen)[number]) => { seen.push(e); return true; };
  const r = await acceptWebhook({ authorization: 't', body: envelope(), token: 't', now }, enqueue, log);
  assert.deepEqual(r, { status: 202, outcome: 'queued' });
  await acceptWebhook({ authorization: 't', body: envelope({ meta: { delivery_id: 'd-2' } }), token: 't', now }, enqueue, log);
  assert.equal(seen[0]?.personId, '42');
  assert.equal(seen[0]?.occurredAt, '2026-12-02T09:59:58.000Z');
  assert.equal(seen[0]?.deliveryId, 'd-1');
  assert.equal(seen[0]?.key, seen[1]?.key, 'a repeated delivery keeps the event key');
});

test('zod envelope: missing fields, bad dates and non-object payloads are 400; unknown events 200 and not queued', async () => {
  let calls = 0;
  const enqueue = async () => { calls++; return true; };
  for (const body of [null, 'x', envelope({ company_id: undefined }), envelope({ occurred_at: 'soon' }), envelope({ payload: [1] }), envelope({ event_name: '' })]) {
    assert.equal((await acceptWebhook({ authorization: 't', body, token: 't', now }, enqueue, log)).status, 400, JSON.stringify(body));
  }
  assert.deepEqual(await acceptWebhook({ authorization: 't', body: envelope({ event_name: 'document.created' }), token: 't', now }, enqueue, log), { status: 200, outcome: 'ignored' });
  assert.deepEqual(await acceptWebhook({ authorization: 'x', body: envelope(), token: 't', now }, enqueue, log), { status: 401, outcome: 'unauthorized' });
  assert.equal(calls, 0);
});
