import type { Kysely } from 'kysely';
import type { StoreDialect } from './migrations/index.js';
import type { Database } from './schema.js';

/** What every repository gets: the executor (database or open transaction) and a way to run atomically. */
export interface RepoContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** True when `db` is a transaction already. */
  readonly inTransaction: boolean;
  /** Run `fn` atomically: joins the current transaction or opens one. */
  atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** Build a context over a database or a transaction. */
export function repoContext(db: Kysely<Database>, dialect: StoreDialect, inTransaction: boolean): RepoContext {
  return {
    db,
    dialect,
    inTransaction,
    atomic: (fn) => (inTransaction ? fn(db) : db.transaction().execute((trx) => fn(trx))),
  };
}
