/** Store assertions for migration 0018 (write_backs), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

/** The write-back record assertions. */
export function runWriteBacksSuite(withH: WithHarness): void {
  test('write-backs: the last value per person and attribute, read for several persons', withH(async ({ store }) => {
    await store.writeBacks.record([
      { personId: '1', attribute: 'dynamic_1003', value: 'a@example.com', writtenAt: '2026-12-02T10:00:00.000Z', runId: 'r1' },
      { personId: '2', attribute: 'dynamic_1003', value: null, writtenAt: '2026-12-02T10:00:00.000Z', runId: 'r1' },
    ]);
    await store.transaction((tx) => tx.writeBacks.record([{ personId: '1', attribute: 'dynamic_1003', value: 'b@example.com', writtenAt: '2026-12-02T11:00:00.000Z', runId: 'r2' }]));
    assert.deepEqual(await store.writeBacks.byPersons(['1', '2', '3']), [
      { personId: '1', attribute: 'dynamic_1003', value: 'b@example.com', writtenAt: '2026-12-02T11:00:00.000Z', runId: 'r2' },
      { personId: '2', attribute: 'dynamic_1003', value: null, writtenAt: '2026-12-02T10:00:00.000Z', runId: 'r1' },
    ]);
    assert.deepEqual(await store.writeBacks.byPersons([]), []);
  }));
}
