/**
 * Store assertions for migration 0003 (who disabled an account, holds), run by `runStoreSuite` on SQLite and
 * PostgreSQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountState, Hold } from '../../src/core/model.js';
import type { StoreHarness } from './store-suite.js';

const account = (anchor: string, enabled: boolean, target = 'ad'): AccountState => ({
  target, anchor, personId: `p${anchor}`, correlation: `p${anchor}`, enabled, attributes: { cn: anchor }, entitlements: [],
});

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

/** The locks/holds assertions; `withOlder(name, fn)` runs `fn` on a store migrated only up to before `name`. */
export function runLocksSuite(withH: WithHarness, withOlder: (before: string, fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>): void {
  test('accounts: disable records survive upsert and replaceTarget, go with the account, clear on request', withH(async ({ store }) => {
    await store.accounts.replaceTarget('ad', [account('1', false), account('2', false), account('3', true)]);
    await store.accounts.upsert(account('9', false, 'sql'));
    await store.accounts.setDisabled([
      { target: 'ad', anchor: '1', at: '2025-01-01T00:00:00.000Z', by: 'cadre', via: 'disable' },
      { target: 'ad', anchor: '2', at: '2025-01-02T00:00:00.000Z', by: 'observed' },
      { target: 'sql', anchor: '9', at: '2025-01-03T00:00:00.000Z', by: 'cadre', via: 'create' },
      { target: 'ad', anchor: 'unknown', at: '2025-01-03T00:00:00.000Z', by: 'cadre' },
    ]);
    assert.deepEqual(await store.accounts.disabled('ad'), [
      { target: 'ad', anchor: '1', at: '2025-01-01T00:00:00.000Z', by: 'cadre', via: 'disable' },
      { target: 'ad', anchor: '2', at: '2025-01-02T00:00:00.000Z', by: 'observed' },
    ], 'a record needs a stored account');
    // A fresh listing keeps what no listing can tell; a vanished account takes its record with it.
    await store.accounts.upsert({ ...account('1', false), attributes: { cn: 'renamed' } });
    await store.accounts.replaceTarget('ad', [account('1', false), account('3', true)]);
    assert.deepEqual((await store.accounts.disabled()).map((r) => [r.target, r.anchor, r.by]), [['ad', '1', 'cadre'], ['sql', '9', 'cadre']]);
    await store.accounts.setDisabled([{ target: 'sql', anchor: '9', clear: true }]);
    assert.deepEqual((await store.accounts.disabled()).map((r) => r.anchor), ['1']);
    await store.accounts.remove('ad', '1');
    assert.deepEqual(await store.accounts.disabled(), []);
  }));

  test('accounts: a disable record commits or rolls back with its transaction', withH(async ({ store }) => {
    await store.accounts.upsert(account('1', true));
    await assert.rejects(store.transaction(async (tx) => {
      await tx.accounts.upsert(account('1', false));
      await tx.accounts.setDisabled([{ target: 'ad', anchor: '1', at: '2025-01-01T00:00:00.000Z', by: 'cadre', via: 'disable' }]);
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(await store.accounts.disabled(), []);
    assert.equal((await store.accounts.get('ad', '1'))?.enabled, true);
  }));

  test('migration 0003 counts accounts already disabled as disabled by Cadre at their last sync', withOlder('0003-locks-holds', async (h) => {
    // A store as an existing installation left it before 0003 (later migrations then run after it, in order).
    await h.raw("INSERT INTO accounts (target, anchor, person_id, correlation, state, updated_at) VALUES ('ad', 'off', 'p1', 'p1', ?, '2024-03-01T00:00:00.000Z')", [JSON.stringify(account('off', false))]);
    await h.raw("INSERT INTO accounts (target, anchor, person_id, correlation, state, updated_at) VALUES ('ad', 'on', 'p2', 'p2', ?, '2024-03-01T00:00:00.000Z')", [JSON.stringify(account('on', true))]);
    await h.store.migrate();
    assert.deepEqual(await h.store.accounts.disabled(), [{ target: 'ad', anchor: 'off', at: '2024-03-01T00:00:00.000Z', by: 'cadre', via: 'disable' }]);
    assert.deepEqual(await h.store.holds.all(), []);
  }));

  test('holds: one per person and target, replace, remove, and a person-wide hold beside an account hold', withH(async ({ store }) => {
    const h1: Hold = { personId: '1001', reason: 'legal review', actor: 'cli:alice', createdAt: '2025-01-01T00:00:00.000Z' };
    assert.equal(await store.holds.put(h1), undefined);
    const h2: Hold = { personId: '1001', target: 'ad', reason: 'laptop lost: temporary disable', actor: 'web:bob', createdAt: '2025-01-02T00:00:00.000Z', until: '2025-02-01', disable: true };
    await store.holds.put(h2);
    await store.holds.put({ personId: '1002', reason: 'Ärger — ünïcode', actor: 'cli:alice', createdAt: '2025-01-03T00:00:00.000Z', until: '2025-01-03T12:00:00.000Z' });
    assert.deepEqual(await store.holds.byPerson('1001'), [h1, h2].sort((a, b) => (a.target ?? '*').localeCompare(b.target ?? '*')));
    const replaced = await store.holds.put({ ...h1, reason: 'legal review, extended', until: '2025-12-31' });
    assert.deepEqual(replaced, h1);
    assert.equal((await store.holds.all()).length, 3);
    assert.equal((await store.holds.byPerson('1001')).find((h) => h.target === undefined)?.until, '2025-12-31');
    assert.equal(await store.holds.remove('1001', 'sql'), undefined);
    assert.deepEqual(await store.holds.remove('1001', 'ad'), h2);
    assert.equal((await store.holds.remove('1001'))?.reason, 'legal review, extended');
    assert.deepEqual((await store.holds.all()).map((h) => [h.personId, h.reason]), [['1002', 'Ärger — ünïcode']]);
  }));
}
