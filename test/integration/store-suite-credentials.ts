/** Store assertions for migration 0020 (first_credentials), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const cred = (id: string, over: Record<string, string> = {}) => ({
  id, personId: '7', target: 'entra', login: 'erika@example.com', kind: 'tap' as const, ciphertext: `sealed-${id}`,
  validFrom: '2026-12-07T23:00:00.000Z', expiresAt: '2026-12-15T23:00:00.000Z', createdAt: '2026-12-02T10:00:00.000Z', ...over,
});

/** The first-credentials assertions. */
export function runCredentialsSuite(withH: WithHarness): void {
  test('first credentials: taken once (then wiped in the row), superseded and expired ones wiped too', withH(async ({ store, raw }) => {
    assert.deepEqual(await store.credentials.deposit(cred('a')), []);
    const superseded = await store.credentials.deposit(cred('b', { createdAt: '2026-12-02T11:00:00.000Z' }));
    assert.deepEqual(superseded.map((c) => [c.id, c.ended]), [['a', 'superseded']]);
    await store.credentials.deposit(cred('c', { target: 'ad', kind: 'password', expiresAt: '2026-12-03T00:00:00.000Z' }));
    assert.deepEqual((await store.credentials.waiting('2026-12-02T12:00:00.000Z')).map((c) => c.id), ['b', 'c']);

    const [x, y] = await Promise.all([
      store.credentials.take('b', 'web:mia', '2026-12-02T12:00:00.000Z'),
      store.credentials.take('b', 'web:mia', '2026-12-02T12:00:01.000Z'),
    ]);
    const got = [x, y].filter((r) => r !== undefined);
    assert.equal(got.length, 1, 'exactly one of two concurrent views gets the value');
    assert.equal(got[0]?.ciphertext, 'sealed-b');
    assert.equal(got[0]?.credential.viewedBy, 'web:mia');
    assert.equal(await store.credentials.take('b', 'web:mia', '2026-12-02T12:05:00.000Z'), undefined, 'the second view finds nothing');
    const b = await store.credentials.get('b');
    assert.equal(b?.ended, 'viewed');
    assert.equal(b?.viewedBy, 'web:mia');

    assert.equal(await store.credentials.take('c', 'web:mia', '2026-12-03T00:00:00.000Z'), undefined, 'past its expiry it is not shown');
    const expired = await store.credentials.expire('2026-12-03T00:00:00.000Z');
    assert.deepEqual(expired.map((c) => c.id), ['c']);
    assert.equal((await store.credentials.get('c'))?.ended, 'expired');
    assert.deepEqual((await store.credentials.byPerson('7')).map((c) => [c.id, c.ended]).sort(), [['a', 'superseded'], ['b', 'viewed'], ['c', 'expired']]);
    const rows = await raw('SELECT id, ciphertext FROM first_credentials ORDER BY id');
    assert.deepEqual(rows.map((r) => [r.id, r.ciphertext]), [['a', ''], ['b', ''], ['c', '']], 'no ended credential keeps its sealed value');
  }));
}
