/**
 * Store assertions for the audit viewer's query (`store.audit.query`, migration 0011), run by `runStoreSuite` on
 * SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRow } from '../../src/store/types.js';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const rows: readonly Omit<AuditRow, 'prevHash' | 'hash'>[] = [
  { seq: 1, at: '2025-01-01T10:00:00.000Z', actor: 'cadre', event: 'run.start', runId: 'r1', payload: '{}' },
  { seq: 2, at: '2025-01-01T10:00:01.000Z', actor: 'cadre', event: 'op.done', runId: 'r1', personId: '1', target: 'ad', payload: '{"action":"create"}' },
  { seq: 3, at: '2025-01-02T09:00:00.000Z', actor: 'web:alice', event: 'helpdesk.unlock', personId: '1', target: 'ad', payload: '{}' },
  { seq: 4, at: '2025-01-02T09:30:00.000Z', actor: 'web:bob', event: 'helpdesk.resetPassword', personId: '2', target: 'entra', payload: '{}' },
  { seq: 5, at: '2025-01-03T08:00:00.000Z', actor: 'web:alice', event: 'helpdesk', personId: '2', target: 'ad', payload: '{}' },
  { seq: 6, at: '2025-01-03T08:00:01.000Z', actor: 'web', event: 'helpdeskX.other', personId: '3', payload: '{}' },
  { seq: 7, at: '2025-01-04T00:00:00.000Z', actor: 'cli', event: 'hold.added', personId: '1', payload: '{}' },
];

const seqs = (list: readonly AuditRow[]) => list.map((r) => r.seq);

/** The audit query assertions. */
export function runAuditQuerySuite(withH: WithHarness): void {
  test('audit.query: filters in SQL, newest first by default, keyset pages both ways', withH(async ({ store }) => {
    let prev = '0'.repeat(64);
    for (const r of rows) {
      await store.audit.append({ ...r, prevHash: prev, hash: `h${r.seq}` });
      prev = `h${r.seq}`;
    }
    const q = (filter: Parameters<typeof store.audit.query>[0], page: Partial<Parameters<typeof store.audit.query>[1]> = {}) =>
      store.audit.query(filter, { limit: 100, ...page }).then(seqs);
    assert.deepEqual(await q({}), [7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await q({}, { order: 'asc', limit: 3 }), [1, 2, 3]);
    assert.deepEqual(await q({}, { order: 'asc', limit: 3, afterSeq: 3 }), [4, 5, 6]);
    assert.deepEqual(await q({}, { limit: 2, afterSeq: 5 }), [4, 3]);
    assert.deepEqual(await q({ personId: '1' }), [7, 3, 2]);
    assert.deepEqual(await q({ target: 'ad' }), [5, 3, 2]);
    assert.deepEqual(await q({ actor: 'web:alice' }), [5, 3]);
    assert.deepEqual(await q({ actor: 'web:*' }), [5, 4, 3], 'a prefix: `web` itself does not start with `web:`');
    assert.deepEqual(await q({ actor: 'web' }), [6], 'exact without the star');
    assert.deepEqual(await q({ event: 'helpdesk' }), [5, 4, 3], 'the event and those below it, not helpdeskX');
    assert.deepEqual(await q({ event: 'helpdesk.unlock' }), [3]);
    assert.deepEqual(await q({ event: 'op' }), [2]);
    assert.deepEqual(await q({ since: '2025-01-02', until: '2025-01-03T08:00:01.000Z' }), [5, 4, 3], 'since inclusive, until exclusive');
    assert.deepEqual(await q({ event: 'helpdesk', personId: '2', actor: 'web:*', target: 'ad' }), [5]);
    assert.deepEqual(await q({ personId: 'nobody' }), []);
    const full = await store.audit.query({}, { limit: 1 });
    assert.deepEqual(full[0], { ...rows[6], prevHash: 'h6', hash: 'h7' }, 'rows come back whole');
  }));
}
