/** Store assertions for migration 0010 (overrides), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Override } from '../../src/core/overrides.js';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const ov = (over: Partial<Override> = {}): Override => ({
  personId: '1', target: 'ad', attribute: 'telephoneNumber', value: '+49 30 1234', actor: 'web:alice',
  createdAt: '2026-12-02T10:00:00.000Z', reason: 'form edit-phone', ...over,
});

/** The overrides assertions. */
export function runOverridesSuite(withH: WithHarness, withOlder: (before: string, fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>): void {
  test('overrides: put replaces per (person, target, attribute), values keep their JSON type, remove returns the removed one', withH(async ({ store }) => {
    assert.equal(await store.overrides.put(ov()), undefined);
    await store.overrides.put(ov({ attribute: 'entitlement:GG-VPN', value: true, expiresAt: '2027-03-01' }));
    await store.overrides.put(ov({ personId: '2', attribute: 'otherMobile', value: ['1', '2'] }));
    await store.overrides.put(ov({ target: 'entra', attribute: 'mobilePhone', value: null }));
    const replaced = await store.overrides.put(ov({ value: '+49 30 9999', actor: 'web:bob' }));
    assert.equal(replaced?.value, '+49 30 1234');
    assert.deepEqual(await store.overrides.byPerson('1'), [
      ov({ attribute: 'entitlement:GG-VPN', value: true, expiresAt: '2027-03-01' }),
      ov({ value: '+49 30 9999', actor: 'web:bob' }),
      ov({ target: 'entra', attribute: 'mobilePhone', value: null }),
    ]);
    assert.deepEqual((await store.overrides.all()).map((o) => [o.personId, o.target, o.attribute, o.value]), [
      ['1', 'ad', 'entitlement:GG-VPN', true], ['1', 'ad', 'telephoneNumber', '+49 30 9999'], ['1', 'entra', 'mobilePhone', null], ['2', 'ad', 'otherMobile', ['1', '2']],
    ]);
    assert.equal((await store.overrides.remove('1', 'ad', 'telephoneNumber'))?.actor, 'web:bob');
    assert.equal(await store.overrides.remove('1', 'ad', 'telephoneNumber'), undefined);
    assert.equal((await store.overrides.all()).length, 3);
  }));

  test('overrides: a put commits or rolls back with its transaction', withH(async ({ store }) => {
    await assert.rejects(store.transaction(async (tx) => {
      await tx.overrides.put(ov());
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(await store.overrides.all(), []);
  }));

  test('migration 0010 adds an empty overrides table to an existing store', withOlder('0010-overrides', async (h) => {
    await h.store.migrate();
    assert.deepEqual(await h.store.overrides.all(), []);
    await h.store.overrides.put(ov());
    assert.equal((await h.store.overrides.all()).length, 1);
  }));
}
