/** Store assertions for migration 0014 (catalogue requests), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

/** The requests assertions. */
export function runRequestsSuite(withH: WithHarness): void {
  test('requests: concurrent requests each get their own number (no clash on PostgreSQL)', withH(async ({ store }) => {
    const base = { item: 'crm', requester: 'web:mia', justification: 'needs CRM', status: 'pending' as const, stage: 0, createdAt: '2026-12-02T10:00:00.000Z' };
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => store.requests.add({ ...base, personId: String(100 + i) })));
    assert.deepEqual([...ids].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal((await store.requests.list()).length, 12);
  }));

  test('requests: ids count up (#1, #2), filters, updates, decisions and delegations round-trip', withH(async ({ store }) => {
    const base = { item: 'crm', personId: '7', requester: 'web:mia', justification: 'needs CRM', status: 'pending' as const, stage: 0, createdAt: '2026-12-02T10:00:00.000Z' };
    const a = await store.requests.add({ ...base, endDate: '2026-12-31' });
    const b = await store.transaction((tx) => tx.requests.add({ ...base, personId: '8' }));
    assert.deepEqual([a, b], [1, 2]);
    assert.deepEqual(await store.requests.get(1), { id: 1, ...base, endDate: '2026-12-31', reminded: false });
    await store.requests.update(2, { status: 'approved', stage: 1, decidedAt: '2026-12-02T11:00:00.000Z', reminded: true });
    assert.deepEqual((await store.requests.list({ status: ['approved'] })).map((r) => [r.id, r.status, r.stage, r.reminded]), [[2, 'approved', 1, true]]);
    assert.deepEqual((await store.requests.list({ personId: '7' })).map((r) => r.id), [1]);
    await store.requests.addDecision({ requestId: 2, stage: 0, approver: 'olga', decision: 'approve', comment: 'ok', at: '2026-12-02T11:00:00.000Z' });
    assert.deepEqual(await store.requests.decisions(2), [{ requestId: 2, stage: 0, approver: 'olga', decision: 'approve', comment: 'ok', at: '2026-12-02T11:00:00.000Z' }]);
    await assert.rejects(store.requests.addDecision({ requestId: 2, stage: 0, approver: 'olga', decision: 'reject', comment: '', at: '2026-12-02T12:00:00.000Z' }), 'one decision per approver and stage');
    await store.requests.addDelegation({ approver: 'olga', delegate: 'piet', from: '2026-12-02T00:00:00.000Z', until: '2026-12-09T00:00:00.000Z' });
    assert.deepEqual(await store.requests.delegations(), [{ approver: 'olga', delegate: 'piet', from: '2026-12-02T00:00:00.000Z', until: '2026-12-09T00:00:00.000Z' }]);
    assert.equal(await store.requests.endDelegations(['olga', '7'], 'piet', '2026-12-04T10:00:00.000Z'), 1, 'ended early');
    assert.equal(await store.requests.endDelegations(['olga'], 'piet', '2026-12-05T10:00:00.000Z'), 0, 'an ended delegation is not ended again');
    assert.equal(await store.requests.endDelegations(['olga'], 'someone-else', '2026-12-04T10:00:00.000Z'), 0);
    assert.deepEqual(await store.requests.delegations(), [{ approver: 'olga', delegate: 'piet', from: '2026-12-02T00:00:00.000Z', until: '2026-12-04T10:00:00.000Z' }], 'kept as history');
  }));
}
