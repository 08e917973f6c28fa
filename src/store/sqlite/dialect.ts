/**
 * SQLite through better-sqlite3: WAL, busy timeout, synchronous=NORMAL. Transactions start with BEGIN IMMEDIATE so
 * that two processes cannot both read-then-write (e.g. fork the audit chain); the writer lock is taken up front and
 * the busy timeout makes the second one wait instead of failing.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, SqliteDialect, SqliteDriver,
  type DatabaseConnection, type Driver, type SqliteDialectConfig,
} from 'kysely';
import { cachingStatements } from '../../util/sqlite-statements.js';
import { StoreError } from '../errors.js';

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Open (creating the parent directory) and configure a SQLite database file. */
export function openSqlite(path: string): BetterSqlite3.Database {
  const memory = path === ':memory:' || path === '';
  try {
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const db = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Planner statistics for tables never analysed or grown a lot since: the audit viewer's queries pick the right
    // plan only with them (a common event prefix is read backwards in seq order, a rare one through its index). Full,
    // not sampled: a sample of the first rows of an index misjudges how common a value is. It runs once per change of
    // that size, so it costs seconds once on a large upgraded file. Statistics are an optimisation: a file that is
    // not writable goes without.
    if (!memory) {
      try {
        db.pragma('optimize = 0x10002');
      } catch {
        // not writable now: the next open gathers them
      }
    }
    return db;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError('STORE_UNAVAILABLE', `cannot open SQLite database ${path}: ${reason}`, { cause: err });
  }
}

/** Kysely dialect for a SQLite file. */
export function sqliteDialect(path: string): SqliteDialect {
  const database = cachingStatements(openSqlite(path));
  return new ImmediateSqliteDialect({ database });
}
