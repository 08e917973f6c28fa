/**
 * One store test suite for both dialects. `store-sqlite.test.ts` and `store-postgres.test.ts` run it against a
 * temp SQLite file and a fresh database on the real PostgreSQL. Also exports the harness factories the audit
 * suite reuses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../../src/config/schema.js';
import type { AccountState, Operation, Person } from '../../src/core/model.js';
import { createStore } from '../../src/store/index.js';
import { migrations, type StoreDialect } from '../../src/store/migrations/index.js';
import { ReservationConflictError, type Store } from '../../src/store/types.js';
import { freshDatabase } from '../support/postgres.js';
import { runAuditQuerySuite } from './store-suite-audit.js';
import { runLocksSuite } from './store-suite-locks.js';
import { runWebSuite } from './store-suite-web.js';
import { runOverridesSuite } from './store-suite-overrides.js';
import { runSourceEventsSuite } from './store-suite-source-events.js';
import { runWriteBacksSuite } from './store-suite-write-backs.js';
import { runReviewsSuite } from './store-suite-reviews.js';
import { runRequestsSuite } from './store-suite-requests.js';
import { runCredentialsSuite } from './store-suite-credentials.js';

/** A store plus a way to touch the database behind Cadre's back. */
export interface StoreHarness {
  readonly store: Store;
  /** The config the store was opened with (for child processes). */
  readonly config: StoreConfig;
  /** Raw SQL on a separate connection (`?` placeholders in both dialects). */
  raw(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** A second, independent store on the same database (like another process). */
  open(): Promise<Store>;
  /** Drop the append-only triggers (what an attacker with database access would do). */
  dropAuditTriggers(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Harness options: `migrateBefore` stops migrating before that migration (to test it on older data). */
export interface HarnessOptions {
  readonly migrateBefore?: string;
}

/** Migrate a database up to (not including) `before`, as an older Cadre left it. */
async function migrateUntil(db: Kysely<unknown>, dialect: StoreDialect, before: string): Promise<void> {
  const names = Object.keys(migrations(dialect)).sort();
  const last = names[names.indexOf(before) - 1];
  assert.ok(last, `a migration before ${before}`);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) }, migrationTableName: 'cadre_migration', migrationLockTableName: 'cadre_migration_lock' });
  const { error } = await migrator.migrateTo(last);
  if (error !== undefined) throw error;
  await db.destroy();
}

/** Harness over a temp SQLite file. */
export async function sqliteHarness(opts: HarnessOptions = {}): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-store-'));
  // A nested path: the dialect must create the parent directory.
  const path = join(dir, 'nested', 'cadre.db');
  const stores: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await createStore({ driver: 'sqlite', path });
    stores.push(s);
    return s;
  };
  const store = await open();
  if (opts.migrateBefore !== undefined) {
    await migrateUntil(new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path, { timeout: 10_000 }) }) }), 'sqlite', opts.migrateBefore);
  } else await store.migrate();
  const raw = new BetterSqlite3(path, { timeout: 10_000 });
  return {
    store,
    config: { driver: 'sqlite', path },
    open,
    async raw(sql, params = []) {
      const stmt = raw.prepare(sql);
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    },
    async dropAuditTriggers() {
      raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    },
    async cleanup() {
      for (const s of stores) await s.close();
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Harness over a fresh database on the real PostgreSQL. */
export async function postgresHarness(opts: HarnessOptions = {}): Promise<StoreHarness> {
  const db = await freshDatabase('cadre_store');
  const stores: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await createStore({ driver: 'postgres', url: db.url, poolSize: 5 });
    stores.push(s);
    return s;
  };
  const store = await open();
  if (opts.migrateBefore !== undefined) {
    await migrateUntil(new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 1 }) }) }), 'postgres', opts.migrateBefore);
  } else await store.migrate();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An idle client cut off by the final DROP … WITH (FORCE) must not surface as an uncaught error elsewhere.
  pool.on('error', () => undefined);
  const raw = async (sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> => {
    let i = 0;
    const text = sql.replace(/\?/g, () => `$${++i}`);
    const res = await pool.query(text, [...params]);
    return res.rows as Record<string, unknown>[];
  };
  return {
    store,
    config: { driver: 'postgres', url: db.url, poolSize: 5 },
    open,
    raw,
    async dropAuditTriggers() {
      await raw('DROP TRIGGER IF EXISTS audit_no_update ON audit');
      await raw('DROP TRIGGER IF EXISTS audit_no_delete ON audit');
      await raw('DROP TRIGGER IF EXISTS audit_no_truncate ON audit');
    },
    async cleanup() {
      for (const s of stores) await s.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** Run `fn` with a fresh harness, always cleaning up. */
export async function withHarness(factory: () => Promise<StoreHarness>, fn: (h: StoreHarness) => Promise<void>): Promise<void> {
  const h = await factory();
  try {
    await fn(h);
  } finally {
    await h.cleanup();
  }
}

/** A person with optional overrides. */
export function person(id: string, over: Partial<Person> = {}): Person {
  return {
    id,
    firstName: 'Erika',
    lastName: 'Beispiel',
    status: 'active',
    costCenters: [],
    custom: {},
    ...over,
  };
}

function account(target: string, anchor: string, personId: string | undefined, over: Partial<AccountState> = {}): AccountState {
  return {
    target,
    anchor,
    ...(personId === undefined ? {} : { personId, correlation: personId }),
    enabled: true,
    attributes: { sAMAccountName: `u${anchor}`, mail: `u${anchor}@example.test`, groups: ['a', 'b'], n: 1 },
    entitlements: ['staff'],
    ...over,
  };
}

function op(id: string, personId: string, action: 'create' | 'update' | 'delete' = 'create'): Operation {
  const base = {
    id,
    target: 'ad',
    personId,
    changes: [{ attribute: 'mail', from: undefined, to: `${personId}@example.test` }],
    reason: { kind: 'lifecycle' as const, source: 'hire', detail: 'hired' },
    dependsOn: [],
  };
  return action === 'create' ? { ...base, action, enabled: true } : { ...base, action };
}

const settle = async (ps: readonly Promise<unknown>[]) => Promise.allSettled(ps);

/** The shared assertions. */
export function runStoreSuite(factory: (opts?: HarnessOptions) => Promise<StoreHarness>): void {
  const withH = (fn: (h: StoreHarness) => Promise<void>) => () => withHarness(factory, fn);

  test('migration 0005 moves existing reservations into one namespace: one owner per value, the others displaced', () => withHarness(() => factory({ migrateBefore: '0005-identifier-namespace' }), async (h) => {
    const row = (kind: string, value: string, personId: string, status: string, at: string): Promise<unknown> =>
      h.raw('INSERT INTO reservations (kind, value, value_key, person_id, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [kind, value, value.toLowerCase(), personId, status, at]);
    await row('username', 'jmueller', '1', 'primary', '2024-01-01T00:00:00.000Z');
    await row('upn', 'jm@example.com', '1', 'primary', '2024-01-01T00:00:00.000Z');
    await row('mail', 'JMueller', '2', 'primary', '2024-02-01T00:00:00.000Z'); // same value, later: displaced
    await row('username', 'anna', '3', 'alias', '2023-01-01T00:00:00.000Z'); // an old alias loses to a primary
    await row('mail', 'anna', '4', 'primary', '2024-05-01T00:00:00.000Z');
    await row('upn', 'eva@example.com', '5', 'primary', '2024-01-01T00:00:00.000Z'); // one person, two kinds: kept
    await row('mail', 'eva@example.com', '5', 'primary', '2024-01-01T00:00:00.000Z');
    await h.store.migrate();
    assert.deepEqual((await h.store.reservations.all()).map((r) => `${r.personId} ${r.kind}:${r.value}`), [
      '4 mail:anna', '5 mail:eva@example.com', '5 upn:eva@example.com', '1 upn:jm@example.com', '1 username:jmueller',
    ]);
    assert.deepEqual(await h.store.reservations.displaced(), [
      { kind: 'username', value: 'anna', personId: '3', status: 'alias', heldBy: '4' },
      { kind: 'mail', value: 'JMueller', personId: '2', status: 'primary', heldBy: '1' },
    ]);
    await assert.rejects(h.store.reservations.reserve([{ kind: 'mail', value: 'jmueller', personId: '2', status: 'primary' }]), ReservationConflictError);
    await h.store.reservations.reserve([{ kind: 'mail', value: 'jm@example.com', personId: '1', status: 'primary' }]);
    await h.store.migrate();
    assert.equal((await h.store.reservations.all()).length, 6);
  }));

  test('migrations are idempotent (twice, and from a second store)', withH(async (h) => {
    await h.store.migrate();
    await h.store.migrate();
    const other = await h.open();
    await other.migrate();
    const rows = await h.raw('SELECT name FROM cadre_migration ORDER BY name');
    assert.deepEqual(rows.map((r) => r.name), Object.keys(migrations(h.store.dialect)).sort());
    assert.ok(rows.some((r) => r.name === '0005-identifier-namespace'));
    assert.ok(rows.some((r) => r.name === '0008-employment-periods'));
    assert.ok(rows.some((r) => r.name === '0006-run-lease'));
    assert.equal(await other.persons.count(), 0);
  }));

  test('run lease: one holder, fencing inside transactions, takeover of an expired holder', withH(async (h) => {
    const { store } = h;
    const a = await store.lease.tryAcquire({ holder: 'run-a', command: 'sync', timeoutMs: 60_000 });
    assert.ok(a.acquired);
    const other = await h.open();
    try {
      const b = await other.lease.tryAcquire({ holder: 'run-b', command: 'apply', timeoutMs: 60_000 });
      assert.equal(b.acquired, false);
      assert.equal(b.acquired ? undefined : b.current?.holder, 'run-a');
      assert.equal((await other.lease.current())?.pid, process.pid);
      await other.transaction((tx) => tx.lease.assertHeld('run-a'));
      await assert.rejects(other.transaction((tx) => tx.lease.assertHeld('run-b')), (err: Error & { code?: string }) => err.code === 'LEASE_LOST' && /run-a took it over/.test(err.message));
      assert.equal(await a.session.renew(), true);
      await a.session.release();
      assert.equal(await other.lease.current(), undefined);

      // A holder that stops renewing expires (PostgreSQL: its session is ended first, then the lock is free).
      const stale = await store.lease.tryAcquire({ holder: 'run-stale', command: 'run', timeoutMs: 50 });
      assert.ok(stale.acquired);
      await new Promise((r) => setTimeout(r, 150));
      let next: Awaited<ReturnType<Store['lease']['tryAcquire']>> = { acquired: false };
      for (let i = 0; i < 50 && !next.acquired; i += 1) {
        next = await other.lease.tryAcquire({ holder: 'run-next', command: 'sync', timeoutMs: 60_000 });
        if (!next.acquired) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(next.acquired, 'the expired lease is taken over');
      assert.equal(next.tookOver?.holder, 'run-stale');
      assert.equal(await stale.session.renew(), false, 'the expired holder finds out');
      await assert.rejects(store.transaction((tx) => tx.lease.assertHeld('run-stale')), (err: Error & { code?: string }) => err.code === 'LEASE_LOST');
      await stale.session.release();
      assert.equal((await other.lease.current())?.holder, 'run-next', 'releasing a lost lease leaves the new holder alone');
      await next.session.release();
    } finally {
      await other.close();
    }
  }));

  test('persons round trip with Unicode, replaceAll and upsertMany', withH(async ({ store }) => {
    const people = [
      person('1', { firstName: 'Zoë', lastName: 'Ærøskøbing-Łukasiewicz', email: 'zoe@example.test' }),
      person('2', { firstName: '山田', lastName: '太郎', preferredName: 'Taro 🚀', custom: { dynamic_1: ['a', 'b'], alias: null, n: 3, flag: true } }),
      person('3', { firstName: 'José', lastName: "O'Brien \"Quote\"", costCenters: [{ id: 'c1', name: 'Entwicklung', percentage: 50 }], hireDate: '2024-01-01' }),
    ];
    await store.persons.replaceAll(people);
    assert.equal(await store.persons.count(), 3);
    assert.deepEqual(await store.persons.get('2'), people[1]);
    assert.deepEqual(await store.persons.all(), people);
    assert.equal(await store.persons.get('nope'), undefined);

    await store.persons.replaceAll([person('3', { firstName: 'Jörg' }), person('4')]);
    assert.deepEqual((await store.persons.all()).map((p) => p.id), ['3', '4']);
    assert.equal((await store.persons.get('3'))?.firstName, 'Jörg');

    await store.persons.upsertMany([person('4', { lastName: 'Müller' }), person('5')]);
    assert.equal(await store.persons.count(), 3);
    assert.equal((await store.persons.get('4'))?.lastName, 'Müller');
  }));

  test('persons.replaceAll stores 100,000 rows in one go', withH(async ({ store }) => {
    const many = Array.from({ length: 100_000 }, (_, i) => person(String(i), { lastName: `Nachname-${i}`, email: `p${i}@example.test` }));
    const t0 = performance.now();
    await store.persons.replaceAll(many);
    const ms = performance.now() - t0;
    assert.equal(await store.persons.count(), 100_000);
    assert.equal((await store.persons.get('99999'))?.lastName, 'Nachname-99999');
    assert.ok(ms < 60_000, `replaceAll of 100k took ${Math.round(ms)} ms`);
  }));

  test('accounts: replaceTarget with 20k rows, lookups, other targets untouched', withH(async ({ store }) => {
    await store.accounts.upsert(account('entra', 'g-1', 'p1'));
    const states = Array.from({ length: 20_000 }, (_, i) => account('ad', `a${i}`, i % 10 === 0 ? undefined : `p${i}`));
    await store.accounts.replaceTarget('ad', states);
    assert.equal((await store.accounts.all('ad')).length, 20_000);
    assert.deepEqual(await store.accounts.get('ad', 'a123'), states[123]);
    assert.deepEqual((await store.accounts.byPerson('p1')).map((a) => `${a.target}/${a.anchor}`), ['ad/a1', 'entra/g-1']);
    assert.equal((await store.accounts.all()).length, 20_001);

    // A fresh listing replaces everything of that target only.
    await store.accounts.replaceTarget('ad', [account('ad', 'a5', 'p5', { enabled: false })]);
    assert.equal((await store.accounts.all('ad')).length, 1);
    assert.equal((await store.accounts.get('ad', 'a5'))?.enabled, false);
    assert.equal((await store.accounts.all('entra')).length, 1);
    await assert.rejects(store.accounts.replaceTarget('ad', [account('entra', 'x', 'p')]));
    assert.equal((await store.accounts.all('ad')).length, 1, 'a refused replaceTarget changes nothing');

    await store.accounts.upsert(account('ad', 'a5', 'p9'));
    assert.equal((await store.accounts.get('ad', 'a5'))?.personId, 'p9');
    assert.deepEqual(await store.accounts.byPerson('p5'), []);
    await store.accounts.remove('ad', 'a5');
    assert.equal(await store.accounts.get('ad', 'a5'), undefined);
  }));

  test('reservations: one namespace across kinds, case-insensitively; conflicts are coded errors', withH(async ({ store }) => {
    await store.reservations.reserve([{ kind: 'username', value: 'jmueller', personId: '1', status: 'primary' }]);
    const err = await store.reservations.reserve([{ kind: 'username', value: 'JMueller', personId: '2', status: 'primary' }])
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ReservationConflictError, `expected a ReservationConflictError, got ${String(err)}`);
    assert.equal(err.code, 'RESERVATION_CONFLICT');
    assert.equal(err.heldBy, '1');
    // Same person: confirmed (status updated), not a conflict.
    await store.reservations.reserve([{ kind: 'username', value: 'JMUELLER', personId: '1', status: 'alias' }]);
    // Another kind is the same namespace: another person cannot hold the value as mail either.
    const cross = await store.reservations.reserve([{ kind: 'mail', value: 'jmueller', personId: '2', status: 'primary' }]).then(() => undefined, (e: unknown) => e);
    assert.ok(cross instanceof ReservationConflictError, `cross-kind conflict, got ${String(cross)}`);
    assert.equal(cross.heldBy, '1');
    // One person may hold one value under several kinds (upn == mail).
    await store.reservations.reserve([
      { kind: 'upn', value: 'erika@example.com', personId: '2', status: 'primary' },
      { kind: 'mail', value: 'Erika@example.com', personId: '2', status: 'primary' },
    ]);
    assert.deepEqual(await store.reservations.all(), [
      { kind: 'mail', value: 'Erika@example.com', personId: '2', status: 'primary' },
      { kind: 'upn', value: 'erika@example.com', personId: '2', status: 'primary' },
      { kind: 'username', value: 'JMUELLER', personId: '1', status: 'alias' },
    ]);
    // All or nothing: the free value of a conflicting batch is not kept.
    await assert.rejects(store.reservations.reserve([
      { kind: 'username', value: 'free', personId: '2', status: 'primary' },
      { kind: 'upn', value: 'jMueller', personId: '2', status: 'primary' },
    ]), ReservationConflictError);
    assert.deepEqual((await store.reservations.byPerson('2')).map((r) => r.kind), ['mail', 'upn']);
    // Unicode case folding: Ä and ä are the same identifier.
    await store.reservations.reserve([{ kind: 'username', value: 'Älbert', personId: '3', status: 'primary' }]);
    await assert.rejects(store.reservations.reserve([{ kind: 'mail', value: 'älbert', personId: '4', status: 'primary' }]), ReservationConflictError);
    await store.reservations.release('1');
    await store.reservations.reserve([{ kind: 'username', value: 'jmueller', personId: '2', status: 'primary' }]);
    assert.deepEqual((await store.reservations.byPerson('2')).map((r) => `${r.kind}:${r.value}`), ['mail:Erika@example.com', 'upn:erika@example.com', 'username:jmueller']);
  }));

  test('reservations: releasing single values frees them for others; a value another kind still holds stays', withH(async ({ store }) => {
    await store.reservations.reserve([
      { kind: 'username', value: 'tlee', personId: '1', status: 'primary' },
      { kind: 'upn', value: 'tlee@example.com', personId: '1', status: 'primary' },
      { kind: 'mail', value: 'tlee@example.com', personId: '1', status: 'primary' },
    ]);
    await store.reservations.releaseValues([{ kind: 'username', value: 'TLEE', personId: '1' }, { kind: 'upn', value: 'tlee@example.com', personId: '1' }]);
    await store.reservations.releaseValues([{ kind: 'mail', value: 'tlee@example.com', personId: '2' }]); // not theirs: nothing happens
    assert.deepEqual(await store.reservations.byPerson('1'), [{ kind: 'mail', value: 'tlee@example.com', personId: '1', status: 'primary' }]);
    await store.reservations.reserve([{ kind: 'username', value: 'tlee', personId: '2', status: 'primary' }]);
    await assert.rejects(store.reservations.reserve([{ kind: 'upn', value: 'tlee@example.com', personId: '2', status: 'primary' }]), ReservationConflictError,
      'still person 1\'s through their mail');
  }));

  test('reservations: the database itself refuses a second owner of a value under another kind', withH(async (h) => {
    await h.store.reservations.reserve([{ kind: 'username', value: 'anna', personId: '1', status: 'primary' }]);
    const at = new Date().toISOString();
    await assert.rejects(h.raw('INSERT INTO reservations (kind, value, value_key, person_id, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)', ['mail', 'anna', 'anna', '2', 'primary', at]));
    await assert.rejects(h.raw('INSERT INTO identifier_values (value_key, person_id, updated_at) VALUES (?, ?, ?)', ['anna', '2', at]));
    assert.deepEqual((await h.store.reservations.all()).map((r) => r.personId), ['1']);
  }));

  test('concurrent reserve of one value under two kinds: exactly one person wins', withH(async (h) => {
    const other = await h.open();
    for (let i = 0; i < 6; i += 1) {
      const results = await settle([
        h.store.reservations.reserve([{ kind: 'upn', value: `x${i}@example.com`, personId: 'A', status: 'primary' }]),
        other.reservations.reserve([{ kind: 'mail', value: `X${i}@example.com`, personId: 'B', status: 'primary' }]),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${i}: exactly one wins`);
    }
    assert.equal((await h.store.reservations.all()).length, 6);
  }));

  test('concurrent reserve of one value: exactly one person wins (same store and two stores)', withH(async (h) => {
    const other = await h.open();
    for (let i = 0; i < 10; i += 1) {
      const [a, b] = i % 2 === 0 ? [h.store, h.store] : [h.store, other];
      const results = await settle([
        a.reservations.reserve([{ kind: 'username', value: `race${i}`, personId: 'A', status: 'primary' }]),
        b.reservations.reserve([{ kind: 'username', value: `RACE${i}`, personId: 'B', status: 'primary' }]),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `round ${i}: exactly one wins`);
      assert.ok(lost[0]?.reason instanceof ReservationConflictError, `round ${i}: loser gets a conflict, got ${String(lost[0]?.reason)}`);
    }
    const all = await h.store.reservations.all();
    assert.equal(all.length, 10);
  }));

  test('journal: idempotent add, order, mark, attempts, unfinished runs', withH(async ({ store }) => {
    await store.runs.start({ id: 'r1', kind: 'apply', startedAt: '2025-01-01T00:00:00.000Z', planBasis: 'basis-1' });
    const ops = [op('o1', '1'), op('o2', '2', 'update'), op('o3', '3', 'delete')];
    await store.journal.add('r1', ops);
    await store.journal.add('r1', ops);
    await store.journal.add('r1', [op('o2', '2', 'update'), op('o4', '4')]);
    let entries = await store.journal.entries('r1');
    assert.deepEqual(entries.map((e) => e.opId), ['o1', 'o2', 'o3', 'o4']);
    assert.ok(entries.every((e) => e.status === 'pending' && e.attempts === 0));
    assert.deepEqual(entries[1]?.operation, JSON.parse(JSON.stringify(ops[1])), 'stored as JSON (undefined members dropped)');

    await store.journal.mark('r1', 'o1', 'failed', { error: 'timeout' });
    await store.journal.mark('r1', 'o1', 'done', { anchor: 'guid-1' });
    await store.journal.mark('r1', 'o2', 'skipped');
    await store.journal.mark('r1', 'o3', 'failed', { error: 'x'.repeat(10_000) });
    entries = await store.journal.entries('r1');
    const o1 = entries[0];
    assert.equal(o1?.status, 'done');
    assert.equal(o1?.attempts, 2);
    assert.equal(o1?.anchor, 'guid-1');
    assert.equal(o1?.error, undefined, 'a done op carries no stale error');
    assert.equal(entries[1]?.attempts, 0);
    assert.ok((entries[2]?.error?.length ?? 0) <= 4000);
    await assert.rejects(store.journal.mark('r1', 'nope', 'done'), { code: 'STORE_UNKNOWN_OPERATION' });

    await store.runs.start({ id: 'r2', kind: 'sync', startedAt: '2025-01-02T00:00:00.000Z' });
    assert.deepEqual(await store.journal.unfinishedRuns(), ['r1', 'r2']);
    await store.runs.finish('r1', 'failed', { done: 1 });
    assert.deepEqual(await store.journal.unfinishedRuns(), ['r1', 'r2'], 'r1 still has a pending op');
    await store.journal.mark('r1', 'o4', 'done');
    await store.runs.finish('r2', 'ok');
    assert.deepEqual(await store.journal.unfinishedRuns(), []);
  }));

  test('journal: rows journaled before the typed operations (a `data` bag) read back in the current shape', withH(async ({ store }) => {
    await store.runs.start({ id: 'old', kind: 'apply', startedAt: '2025-01-01T00:00:00.000Z' });
    const reason = { kind: 'lifecycle', source: 'joiner', detail: 'accounts created' };
    // What the previous version wrote (journal.add stores any object as JSON, as it did then).
    const legacy = [
      { id: 'c', target: 'ad', action: 'create', personId: '1', changes: [], reason, dependsOn: [], data: { enabled: false, container: 'OU=Berlin', 'id.username': 'emuster' } },
      { id: 'n', target: 'notify', action: 'notify', personId: '1', changes: [], reason, dependsOn: ['c'], data: { event: 'joiner', to: ['manager'], targets: ['ad'] } },
    ];
    await store.journal.add('old', legacy as unknown as Operation[]);
    const [create, notify] = (await store.journal.entries('old')).map((e) => e.operation);
    assert.deepEqual(create, { id: 'c', target: 'ad', action: 'create', personId: '1', changes: [], reason, dependsOn: [], enabled: false, container: 'OU=Berlin', identifiers: { username: 'emuster' } });
    assert.deepEqual(notify, { id: 'n', target: 'notify', action: 'notify', personId: '1', changes: [], reason, dependsOn: ['c'], event: 'joiner', to: ['manager'], targets: ['ad'] });
  }));

  test('journal: creates a killed run left open (pending, or closed as interrupted) are listed for crash recovery', withH(async ({ store }) => {
    await store.runs.start({ id: 'k1', kind: 'apply', startedAt: '2025-01-01T00:00:00.000Z' });
    await store.journal.add('k1', [op('c1', '1'), op('c2', '2'), op('c3', '3'), op('c4', '4'), op('u5', '5', 'update')]);
    await store.journal.mark('k1', 'c2', 'done', { anchor: 'g2' });
    await store.journal.mark('k1', 'c3', 'skipped', { error: 'interrupted; superseded by run k2' });
    await store.journal.mark('k1', 'c4', 'skipped', { error: 'DEPENDENCY_FAILED: skipped' });
    assert.deepEqual(await store.journal.interruptedCreates(), [{ target: 'ad', personId: '1' }, { target: 'ad', personId: '3' }]);
  }));

  test('runs: start, finish, get, recent', withH(async ({ store }) => {
    const r = await store.runs.start({ id: 'a', kind: 'plan', startedAt: '2025-01-01T00:00:00.000Z' });
    assert.deepEqual(r, { id: 'a', kind: 'plan', status: 'running', startedAt: '2025-01-01T00:00:00.000Z' });
    await store.runs.start({ id: 'b', kind: 'apply', planBasis: 'xyz', startedAt: '2025-01-03T00:00:00.000Z' });
    await store.runs.start({ id: 'c', kind: 'incremental', startedAt: '2025-01-02T00:00:00.000Z' });
    await store.runs.finish('b', 'blocked', { create: 30 });
    const b = await store.runs.get('b');
    assert.equal(b?.status, 'blocked');
    assert.equal(b?.planBasis, 'xyz');
    assert.deepEqual(b?.summary, { create: 30 });
    assert.ok(b?.finishedAt);
    assert.deepEqual((await store.runs.recent(2)).map((x) => x.id), ['b', 'c']);
    assert.equal(await store.runs.get('zzz'), undefined);
    await assert.rejects(store.runs.start({ id: 'a', kind: 'plan' }));
  }));

  test('employment periods: one row per person and hire date, replaced in place, others kept', withH(async ({ store }) => {
    assert.deepEqual(await store.periods.all(), {});
    await store.periods.record([
      { personId: '7', period: { hireDate: '2020-01-01', terminationDate: '2026-06-30', lastWorkingDay: '2026-06-10', seenAt: '2026-06-01T08:00:00.000Z' } },
      { personId: '8', period: { hireDate: '2024-04-01', seenAt: '2026-06-01T08:00:00.000Z' } },
    ]);
    // HR enters the rehire and clears the old dates: a new row; the old one is what the store remembers.
    await store.periods.record([
      { personId: '7', period: { hireDate: '2026-09-01', seenAt: '2026-06-12T08:00:00.000Z' } },
      { personId: '8', period: { hireDate: '2024-04-01', contractEndDate: '2026-03-31', seenAt: '2026-06-12T08:00:00.000Z' } },
    ]);
    assert.deepEqual(await store.periods.all(), {
      '7': [
        { hireDate: '2020-01-01', terminationDate: '2026-06-30', lastWorkingDay: '2026-06-10', seenAt: '2026-06-01T08:00:00.000Z' },
        { hireDate: '2026-09-01', seenAt: '2026-06-12T08:00:00.000Z' },
      ],
      '8': [{ hireDate: '2024-04-01', contractEndDate: '2026-03-31', seenAt: '2026-06-12T08:00:00.000Z' }],
    });
  }));

  test('migration 0008 remembers the stored snapshot of an upgraded installation', withH(async (h) => {
    await h.store.persons.replaceAll([person('1', { hireDate: '2020-01-01', terminationDate: '2026-06-30' }), person('2', { hireDate: undefined })]);
    await h.raw('DROP TABLE employment_periods');
    await h.raw("DELETE FROM cadre_migration WHERE name = '0008-employment-periods'");
    await h.store.migrate();
    const all = await h.store.periods.all();
    assert.deepEqual(Object.keys(all), ['1'], 'persons without a hire date have no period');
    assert.equal(all['1']?.[0]?.hireDate, '2020-01-01');
    assert.equal(all['1']?.[0]?.terminationDate, '2026-06-30');
  }));

  test('meta get/set', withH(async ({ store }) => {
    assert.equal(await store.meta.get('cursor'), undefined);
    await store.meta.set('cursor', '2025-01-01');
    await store.meta.set('cursor', '2025-02-01');
    assert.equal(await store.meta.get('cursor'), '2025-02-01');
  }));

  test('meta claim: of concurrent claims of one key exactly one wins; remove frees it', withH(async ({ store }) => {
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.meta.claim('digest.2026-12-02', `p${i}`)));
    assert.equal(wins.filter(Boolean).length, 1);
    const winner = `p${wins.indexOf(true)}`;
    assert.equal(await store.meta.get('digest.2026-12-02'), winner, 'the winner\'s value, never overwritten');
    assert.equal(await store.meta.claim('digest.2026-12-02', 'late'), false);
    await store.meta.remove('digest.2026-12-02');
    assert.equal(await store.meta.claim('digest.2026-12-02', 'again'), true);
  }));

  test('transaction: commit, rollback on throw, nested joins the outer one', withH(async ({ store }) => {
    await store.transaction(async (tx) => {
      await tx.persons.upsertMany([person('1')]);
      await tx.meta.set('k', 'v');
      assert.equal(await tx.persons.count(), 1, 'visible inside the transaction');
    });
    assert.equal(await store.persons.count(), 1);

    await assert.rejects(store.transaction(async (tx) => {
      await tx.persons.upsertMany([person('2')]);
      await tx.accounts.replaceTarget('ad', [account('ad', 'x', '2')]);
      await tx.reservations.reserve([{ kind: 'username', value: 'u2', personId: '2', status: 'primary' }]);
      await tx.journal.add('rx', [op('o', '2')]);
      await tx.transaction(async (inner) => inner.meta.set('k', 'changed'));
      throw new Error('boom');
    }), /boom/);
    assert.equal(await store.persons.count(), 1);
    assert.deepEqual(await store.accounts.all(), []);
    assert.deepEqual(await store.reservations.all(), []);
    assert.deepEqual(await store.journal.entries('rx'), []);
    assert.equal(await store.meta.get('k'), 'v');

    // A conflict inside a caller's transaction rolls back the whole transaction.
    await store.reservations.reserve([{ kind: 'username', value: 'taken', personId: '1', status: 'primary' }]);
    await assert.rejects(store.transaction(async (tx) => {
      await tx.meta.set('k', 'again');
      await tx.reservations.reserve([{ kind: 'username', value: 'TAKEN', personId: '2', status: 'primary' }]);
    }), ReservationConflictError);
    assert.equal(await store.meta.get('k'), 'v');
  }));

  test('audit table is append-only: UPDATE and DELETE are rejected by the database', withH(async (h) => {
    const row = { seq: 1, at: '2025-01-01T00:00:00.000Z', actor: 'test', event: 'e', payload: '{}', prevHash: '0'.repeat(64), hash: 'h1' };
    await h.store.audit.append(row);
    await h.store.audit.append({ ...row, seq: 2, runId: 'r', personId: 'p', target: 't', prevHash: 'h1', hash: 'h2' });
    await assert.rejects(h.raw("UPDATE audit SET payload = '{\"x\":1}' WHERE seq = 1"), /append-only/);
    await assert.rejects(h.raw('DELETE FROM audit WHERE seq = 1'), /append-only/);
    await assert.rejects(h.store.audit.append({ ...row }), 'a duplicate seq is refused');
    if (h.store.dialect === 'postgres') await assert.rejects(h.raw('TRUNCATE audit'), /append-only/);
    assert.deepEqual(await h.store.audit.last(), { ...row, seq: 2, runId: 'r', personId: 'p', target: 't', prevHash: 'h1', hash: 'h2' });
    const pages: number[][] = [];
    for (let i = 3; i <= 7; i += 1) await h.store.audit.append({ ...row, seq: i, hash: `h${i}` });
    for await (const page of h.store.audit.iterate(3)) pages.push(page.map((r) => r.seq));
    assert.deepEqual(pages, [[1, 2, 3], [4, 5, 6], [7]]);
  }));

  runAuditQuerySuite(withH);
  runLocksSuite(withH, (before, fn) => () => withHarness(() => factory({ migrateBefore: before }), fn));
  runWebSuite(withH);
  runOverridesSuite(withH, (before, fn) => () => withHarness(() => factory({ migrateBefore: before }), fn));
  runSourceEventsSuite(withH);
  runWriteBacksSuite(withH);
  runReviewsSuite(withH);
  runRequestsSuite(withH);
  runCredentialsSuite(withH);
}

/** Migrate one fresh database from several processes at the same instant; all must succeed. */
export async function migrateFromProcesses(config: StoreConfig, processes: number): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  const worker = `
    const { createStore } = await import(process.env.STORE_MODULE);
    const store = await createStore(JSON.parse(process.env.STORE_CONFIG));
    await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.START_AT) - Date.now())));
    await store.migrate();
    await store.persons.upsertMany([{ id: 'p' + process.env.CHILD, firstName: 'A', lastName: 'B', status: 'active', costCenters: [], custom: {} }]);
    await store.close();`;
  const env = {
    ...process.env,
    STORE_MODULE: fileURLToPath(new URL('../../src/store/index.ts', import.meta.url)),
    STORE_CONFIG: JSON.stringify(config),
    START_AT: String(Date.now() + 4000),
  };
  await Promise.all(Array.from({ length: processes }, (_, i) => promisify(execFile)(
    process.execPath, ['--import', 'tsx', '--input-type=module', '-e', worker], { env: { ...env, CHILD: String(i) }, timeout: 60_000 })));
}
