/** Store assertions for migration 0016 (source_events), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const ev = (key: string, occurredAt: string, personId = '1') => ({ key, eventName: 'person.updated', personId, occurredAt, receivedAt: '2026-12-02T10:00:00.000Z' });

/** The source events assertions. */
export function runSourceEventsSuite(withH: WithHarness): void {
  test('source events: a repeated key is not queued twice; pending in event-time order; processed and failed', withH(async ({ store }) => {
    assert.equal(await store.sourceEvents.enqueue(ev('b', '2026-12-02T09:00:02.000Z')), true);
    assert.equal(await store.sourceEvents.enqueue({ ...ev('a', '2026-12-02T09:00:01.000Z', '2'), deliveryId: 'd-1' }), true);
    assert.equal(await store.sourceEvents.enqueue(ev('b', '2026-12-02T09:00:02.000Z')), false, 'a repeated delivery');
    const pending = await store.sourceEvents.pending(10);
    assert.deepEqual(pending.map((e) => [e.key, e.personId, e.attempts]), [['a', '2', 0], ['b', '1', 0]]);
    assert.equal(pending[0]?.deliveryId, 'd-1');
    await store.sourceEvents.markFailed('a', 'target down');
    await store.sourceEvents.markProcessed(['b'], '2026-12-02T10:00:05.000Z');
    const left = await store.sourceEvents.pending(10);
    assert.deepEqual(left.map((e) => [e.key, e.attempts, e.lastError]), [['a', 1, 'target down']]);
    await store.sourceEvents.abandon(['a'], '2026-12-02T11:00:00.000Z');
    assert.deepEqual(await store.sourceEvents.pending(10), [], 'abandoned: no longer pending');
    assert.equal(await store.sourceEvents.enqueue(ev('a', '2026-12-02T09:00:01.000Z', '2')), false, 'still de-duplicates');
    assert.equal(await store.sourceEvents.purgeProcessed('2026-12-02T10:30:00.000Z'), 1, 'only b was processed before');
    assert.equal(await store.sourceEvents.enqueue(ev('b', '2026-12-02T09:00:02.000Z')), true, 'a purged key is new again');
    assert.equal(await store.sourceEvents.purgeProcessed('2026-12-03T00:00:00.000Z'), 1, 'a (abandoned, processed at 11:00); the new b is pending');
    assert.deepEqual((await store.sourceEvents.pending(10)).map((e) => e.key), ['b']);
  }));
}
