/** Store assertions for migration 0009 (console users and sessions), run by `runStoreSuite` on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebUser } from '../../src/store/types.js';
import type { StoreHarness } from './store-suite.js';

type WithHarness = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

const user = (id: string, username: string, over: Partial<WebUser> = {}): WebUser => ({
  id, username, displayName: `User ${id}`, role: 'helpdesk', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  disabled: false, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});

/** The console assertions. */
export function runWebSuite(withH: WithHarness): void {
  test('web users: add, unique user name case-insensitively, lookups, update, remove', withH(async ({ store }) => {
    await store.users.add(user('u1', 'Erika', { role: 'manager', personId: '1001' }));
    await store.users.add(user('u2', 'max'));
    await assert.rejects(store.users.add(user('u3', 'ERIKA')), (e: Error & { code?: string }) => e.code === 'STORE_DUPLICATE');
    assert.equal((await store.users.byUsername('eRiKa'))?.id, 'u1');
    assert.deepEqual(await store.users.get('u1'), user('u1', 'erika', { role: 'manager', personId: '1001' }));
    assert.deepEqual((await store.users.list()).map((u) => u.username), ['erika', 'max']);
    const updated = await store.users.update('u2', { role: 'auditor', disabled: true, personId: '7' }, '2026-02-01T00:00:00.000Z');
    assert.equal(updated?.role, 'auditor');
    assert.equal(updated?.disabled, true);
    assert.equal(updated?.personId, '7');
    assert.equal(updated?.updatedAt, '2026-02-01T00:00:00.000Z');
    assert.equal((await store.users.update('u2', { personId: null }, '2026-02-02T00:00:00.000Z'))?.personId, undefined);
    assert.equal(await store.users.update('nobody', { role: 'admin' }, '2026-02-01T00:00:00.000Z'), undefined);
    assert.equal((await store.users.remove('u1'))?.username, 'erika');
    assert.equal(await store.users.remove('u1'), undefined);
    assert.deepEqual((await store.users.list()).map((u) => u.id), ['u2']);
  }));

  test('web sessions: set replaces, expired ones are invisible and purged, destroy', withH(async ({ store }) => {
    await store.sessions.set('a', { data: '{"n":1}', expiresAt: '2026-01-01T01:00:00.000Z' });
    await store.sessions.set('a', { data: '{"n":2}', expiresAt: '2026-01-01T02:00:00.000Z' });
    await store.sessions.set('b', { data: '{}', expiresAt: '2026-01-01T00:30:00.000Z' });
    assert.deepEqual(await store.sessions.get('a', '2026-01-01T01:30:00.000Z'), { data: '{"n":2}', expiresAt: '2026-01-01T02:00:00.000Z' });
    assert.equal(await store.sessions.get('b', '2026-01-01T01:30:00.000Z'), undefined);
    assert.equal(await store.sessions.purgeExpired('2026-01-01T01:30:00.000Z'), 1);
    await store.sessions.destroy('a');
    assert.equal(await store.sessions.get('a', '2026-01-01T00:00:00.000Z'), undefined);
  }));
}
