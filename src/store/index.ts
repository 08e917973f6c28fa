/**
 * The store: one kysely implementation for SQLite (better-sqlite3) and PostgreSQL (pg).
 *
 * ```ts
 * const store = await createStore({ driver: 'sqlite', path: '.cadre/cadre.db' });
 * await store.migrate();
 * ```
 */
import { Kysely } from 'kysely';
import type { StoreConfig } from '../config/schema.js';
import { accountsRepo } from './accounts.js';
import { auditRepo } from './audit.js';
import { repoContext } from './context.js';
import { journalRepo } from './journal.js';
import { metaRepo } from './meta.js';
import { migrateToLatest, type StoreDialect } from './migrations/index.js';
import { personsRepo } from './persons.js';
import { openPgPool, postgresDialect } from './postgres/dialect.js';
import { reservationsRepo } from './reservations.js';
import { runsRepo } from './runs.js';
import type { Database } from './schema.js';
import { sqliteDialect } from './sqlite/dialect.js';
import type { Store } from './types.js';

export { StoreError, type StoreErrorCode } from './errors.js';
export { ReservationConflictError, type Store } from './types.js';
export type { StoreDialect } from './migrations/index.js';

function bind(db: Kysely<Database>, dialect: StoreDialect, inTransaction: boolean, close: () => Promise<void>): Store {
  const ctx = repoContext(db, dialect, inTransaction);
  const store: Store = {
    dialect,
    migrate: async () => {
      if (inTransaction) throw new Error('migrate() cannot run inside a transaction');
      await migrateToLatest(db as unknown as Kysely<unknown>, dialect);
    },
    close,
    persons: personsRepo(ctx),
    accounts: accountsRepo(ctx),
    reservations: reservationsRepo(ctx),
    journal: journalRepo(ctx),
    runs: runsRepo(ctx),
    audit: auditRepo(ctx),
    meta: metaRepo(ctx),
    // Nested calls join the open transaction (all-or-nothing with the outer one).
    transaction: (fn) => inTransaction
      ? fn(store)
      : db.transaction().execute((trx) => fn(bind(trx, dialect, true, async () => undefined))),
  };
  return store;
}


/**
 * Open the store described by the config. Does not migrate: call `store.migrate()` (idempotent).
 * Throws a `StoreError` with code `STORE_UNAVAILABLE` when the database cannot be reached (the message names
 * host:port or the file, never a password).
 */
export async function createStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.driver === 'sqlite') {
    const db = new Kysely<Database>({ dialect: sqliteDialect(cfg.path) });
    let closed = false;
    return bind(db, 'sqlite', false, async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    });
  }
  const pool = await openPgPool(cfg.url, cfg.poolSize);
  const db = new Kysely<Database>({ dialect: postgresDialect(pool) });
  let closed = false;
  return bind(db, 'postgres', false, async () => {
    if (closed) return;
    closed = true;
    await db.destroy();
  });
}
