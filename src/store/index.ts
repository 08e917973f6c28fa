/**
 * The store: one kysely implementation for SQLite (better-sqlite3) and PostgreSQL (pg).
 *
 * ```ts
 * const store = await createStore({ driver: 'sqlite', path: '.cadre/cadre.db' });
 * await store.migrate();
 * ```
 */
import { resolve } from 'node:path';
import { Kysely } from 'kysely';
import type { StoreConfig } from '../config/schema.js';
import { accountsRepo } from './accounts.js';
import { auditRepo } from './audit.js';
import { holdsRepo } from './holds.js';
import { overridesRepo } from './overrides.js';
import { sourceEventsRepo } from './source-events.js';
import { writeBacksRepo } from './write-backs.js';
import { firstCredentialsRepo } from './first-credentials.js';
import { repoContext } from './context.js';
import { journalRepo } from './journal.js';
import { leaseRepo, type LeaseSessionOpener } from './lease.js';
import { metaRepo } from './meta.js';
import { migrateToLatest, type StoreDialect } from './migrations/index.js';
import { periodsRepo } from './periods.js';
import { personsRepo } from './persons.js';
import { openPgPool, openPgSession, postgresDialect } from './postgres/dialect.js';
import { reservationsRepo } from './reservations.js';
import { reviewsRepo } from './reviews.js';
import { requestsRepo } from './requests.js';
import { runsRepo } from './runs.js';
import type { Database } from './schema.js';
import { sqliteDialect } from './sqlite/dialect.js';
import { sessionsRepo, usersRepo } from './web.js';
import type { Store } from './types.js';

export { StoreError, type StoreErrorCode } from './errors.js';
export { ReservationConflictError, type LeaseHolder, type Store, type WebUser } from './types.js';
export type { StoreDialect } from './migrations/index.js';

function bind(db: Kysely<Database>, dialect: StoreDialect, inTransaction: boolean, close: () => Promise<void>, openSession?: LeaseSessionOpener): Store {
  const ctx = repoContext(db, dialect, inTransaction);
  const store: Store = {
    dialect,
    migrate: async () => {
      if (inTransaction) throw new Error('migrate() cannot run inside a transaction');
      await migrateToLatest(db as unknown as Kysely<unknown>, dialect);
    },
    close,
    persons: personsRepo(ctx),
    periods: periodsRepo(ctx),
    accounts: accountsRepo(ctx),
    reservations: reservationsRepo(ctx),
    journal: journalRepo(ctx),
    runs: runsRepo(ctx),
    audit: auditRepo(ctx),
    meta: metaRepo(ctx),
    holds: holdsRepo(ctx),
    overrides: overridesRepo(ctx),
    sourceEvents: sourceEventsRepo(ctx),
    writeBacks: writeBacksRepo(ctx),

    credentials: firstCredentialsRepo(ctx),
    reviews: reviewsRepo(ctx),
    requests: requestsRepo(ctx),
    lease: leaseRepo(ctx, openSession),
    users: usersRepo(ctx),
    sessions: sessionsRepo(ctx),
    // Nested calls join the open transaction (all-or-nothing with the outer one).
    transaction: (fn) => inTransaction
      ? fn(store)
      : db.transaction().execute((trx) => fn(bind(trx, dialect, true, async () => undefined, openSession))),
  };
  return store;
}


/**
 * Open the store described by the config (SQLite: stores on the same file within one process share a
 * connection). Does not migrate: call `store.migrate()` (idempotent).
 * Throws a `StoreError` with code `STORE_UNAVAILABLE` when the database cannot be reached (the message names
 * host:port or the file, never a password).
 */
export async function createStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.driver === 'sqlite') return openSharedSqlite(cfg.path);
  const pool = await openPgPool(cfg.url, cfg.poolSize);
  const db = new Kysely<Database>({ dialect: postgresDialect(pool) });
  let closed = false;
  return bind(db, 'postgres', false, async () => {
    if (closed) return;
    closed = true;
    await db.destroy();
  }, () => openPgSession(cfg.url));
}

// better-sqlite3 is synchronous: a second connection to the same file in the same process would block the event
// loop in its busy wait while the first one holds the write lock (a self-deadlock). Stores on one file within a
// process therefore share one connection (kysely serialises its use); other processes are handled by the lock.
const sqliteShared = new Map<string, { db: Kysely<Database>; refs: number }>();

function openSharedSqlite(path: string): Store {
  const memory = path === ':memory:' || path === '';
  const key = memory ? undefined : resolve(path);
  let entry = key === undefined ? undefined : sqliteShared.get(key);
  if (!entry) {
    entry = { db: new Kysely<Database>({ dialect: sqliteDialect(path) }), refs: 0 };
    if (key !== undefined) sqliteShared.set(key, entry);
  }
  entry.refs += 1;
  const shared = entry;
  let closed = false;
  return bind(shared.db, 'sqlite', false, async () => {
    if (closed) return;
    closed = true;
    shared.refs -= 1;
    if (shared.refs > 0) return;
    if (key !== undefined && sqliteShared.get(key) === shared) sqliteShared.delete(key);
    await shared.db.destroy();
  });
}
