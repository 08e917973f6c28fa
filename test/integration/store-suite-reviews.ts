/** Store assertions for migration 0015 (access reviews), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewCampaign, ReviewItem } from '../../src/core/reviews/model.js';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const campaign = (over: Partial<ReviewCampaign> = {}): ReviewCampaign => ({
  id: 'q4-2026-12-02-abc', template: 'q4', name: 'Q4 2026', startedBy: 'web:root', startedAt: '2026-12-02T10:00:00.000Z',
  deadline: '2026-12-16T10:00:00.000Z', status: 'open', defaultDecision: 'keep', ...over,
});
const item = (seq: number, over: Partial<ReviewItem> = {}): Omit<ReviewItem, 'campaignId'> => ({
  seq, personId: '1', personName: 'Erika Beispiel', target: 'ad', entitlement: `GG-${seq}`, reasonKind: 'rule', reasonSource: 'all-staff',
  reasonText: 'everyone', department: 'Sales', position: 'Rep', reviewer: 'person:9', ...over,
});

/** The reviews assertions. */
export function runReviewsSuite(withH: WithHarness): void {
  test('reviews: a campaign with its items round-trips; decisions and close are stored; reviewer queries see open campaigns only', withH(async ({ store }) => {
    const many = Array.from({ length: 95 }, (_, i) => item(i + 1, i === 1 ? { reasonKind: 'unmanaged', reasonSource: '', lastGrantedAt: '2026-11-01T00:00:00.000Z', department: undefined, position: undefined } : {}));
    await store.reviews.addCampaign(campaign(), many.map((x) => {
      const { department, position, lastGrantedAt, ...rest } = x;
      return { ...rest, ...(department !== undefined ? { department } : {}), ...(position !== undefined ? { position } : {}), ...(lastGrantedAt !== undefined ? { lastGrantedAt } : {}) };
    }));
    await store.reviews.addCampaign(campaign({ id: 'other', startedAt: '2026-12-03T00:00:00.000Z' }), [item(1, { reviewer: 'user:fb' })]);
    assert.deepEqual((await store.reviews.campaigns()).map((c) => c.id), ['other', 'q4-2026-12-02-abc']);
    assert.deepEqual(await store.reviews.campaign('q4-2026-12-02-abc'), campaign());
    const items = await store.reviews.items('q4-2026-12-02-abc');
    assert.equal(items.length, 95);
    assert.deepEqual(items[1], { campaignId: 'q4-2026-12-02-abc', seq: 2, personId: '1', personName: 'Erika Beispiel', target: 'ad', entitlement: 'GG-2', reasonKind: 'unmanaged', reasonSource: '', reasonText: 'everyone', lastGrantedAt: '2026-11-01T00:00:00.000Z', reviewer: 'person:9' });
    await store.reviews.decide('q4-2026-12-02-abc', 3, { decision: 'remove', comment: 'left the project', decidedBy: 'web:boss', decidedAt: '2026-12-03T09:00:00.000Z' });
    const d = await store.reviews.item('q4-2026-12-02-abc', 3);
    assert.deepEqual([d?.decision, d?.comment, d?.decidedBy, d?.decidedAt], ['remove', 'left the project', 'web:boss', '2026-12-03T09:00:00.000Z']);
    assert.equal(await store.reviews.item('q4-2026-12-02-abc', 999), undefined);
    assert.equal((await store.reviews.itemsFor(['person:9'])).length, 95);
    assert.deepEqual((await store.reviews.itemsFor(['user:fb', 'person:404'])).map((i) => i.campaignId), ['other']);
    assert.deepEqual(await store.reviews.itemsFor([]), []);
    await store.reviews.close('q4-2026-12-02-abc', 'web:root', '2026-12-04T00:00:00.000Z');
    const c = await store.reviews.campaign('q4-2026-12-02-abc');
    assert.deepEqual([c?.status, c?.closedBy, c?.closedAt], ['closed', 'web:root', '2026-12-04T00:00:00.000Z']);
    assert.equal((await store.reviews.itemsFor(['person:9'])).length, 0, 'closed campaigns are not in anyone\'s inbox');
    // Review exceptions: removals of closed campaigns only (item 2 is unmanaged, item 3 a removed rule grant).
    await store.reviews.decide('q4-2026-12-02-abc', 2, { decision: 'remove', comment: 'x', decidedBy: 'web:boss', decidedAt: '2026-12-03T09:00:00.000Z' });
    await store.reviews.decide('other', 1, { decision: 'remove', comment: 'x', decidedBy: 'web:fb', decidedAt: '2026-12-03T09:00:00.000Z' });
    await store.reviews.decide('q4-2026-12-02-abc', 4, { decision: 'remove', comment: 'x', decidedBy: 'web:boss', decidedAt: '2026-12-03T09:00:00.000Z' });
    await store.reviews.addCampaign(campaign({ id: 'req', status: 'closed' }), [item(1, { reasonKind: 'request', reasonSource: '#4', decision: 'remove' })]);
    assert.deepEqual((await store.reviews.exceptions()).map((i) => [i.campaignId, i.seq]), [['q4-2026-12-02-abc', 2], ['q4-2026-12-02-abc', 3], ['q4-2026-12-02-abc', 4]], 'a removed request grant is no exception (the request is revoked)');
    assert.deepEqual(await store.reviews.exceptions('2'), []);
    assert.equal((await store.reviews.exceptions('1')).length, 3);
    // Migration 0023: a lifted exception is no longer in force; the item keeps its decision and shows the lift.
    assert.equal(await store.reviews.lift('q4-2026-12-02-abc', 3, { liftedBy: 'web:root', liftedAt: '2026-12-05T08:00:00.000Z', reason: 'back on the project' }), true);
    assert.equal(await store.reviews.lift('q4-2026-12-02-abc', 3, { liftedBy: 'web:other', liftedAt: '2026-12-05T09:00:00.000Z', reason: 'again' }), false, 'lifted once');
    assert.deepEqual((await store.reviews.exceptions('1')).map((i) => i.seq), [2, 4]);
    const lifted = await store.reviews.item('q4-2026-12-02-abc', 3);
    assert.deepEqual([lifted?.decision, lifted?.lift], ['remove', { by: 'web:root', at: '2026-12-05T08:00:00.000Z', reason: 'back on the project' }]);
    assert.deepEqual((await store.reviews.items('q4-2026-12-02-abc')).filter((i) => i.lift !== undefined).map((i) => i.seq), [3]);
  }));

  test('reviews: a campaign and its items commit or roll back together', withH(async ({ store }) => {
    await assert.rejects(store.transaction(async (tx) => {
      await tx.reviews.addCampaign(campaign(), [item(1)]);
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(await store.reviews.campaigns(), []);
    assert.deepEqual(await store.reviews.items('q4-2026-12-02-abc'), []);
  }));
}
