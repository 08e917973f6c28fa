/**
 * Kysely client for the SQL target (SQLite via better-sqlite3, PostgreSQL via pg).
 * Every statement is built with kysely's `sql` tag: identifiers go through `sql.id` (quoted, after the guard's
 * identifier check), values are always bound parameters.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import pg from 'pg';
import { cachingStatements } from '../../util/sqlite-statements.js';
import type { TargetDeps } from '../contract.js';
import type { SqlTargetOptions } from './guard.js';

/** Kysely database type for dynamically named tables: every statement is raw `sql`. */
export type SqlDb = Record<string, Record<string, unknown>>;

/** A row as the driver returns it. */
export type SqlRow = Record<string, unknown>;

/** A connected (lazily) database plus the helpers the connector needs. */
export interface SqlClient {
  readonly driver: 'sqlite' | 'postgres';
  readonly db: Kysely<SqlDb>;
  /** Quoted table reference (schema-qualified when configured). */
  table(name: string): RawBuilder<unknown>;
  close(): Promise<void>;
}

/** Create the client. Nothing connects until the first statement runs. */
export function createSqlClient(opts: SqlTargetOptions, deps: TargetDeps, targetName: string): SqlClient {
  let db: Kysely<SqlDb>;
  if (opts.driver === 'sqlite') {
    const path = opts.path ?? ':memory:';
    db = new Kysely<SqlDb>({
      dialect: new SqliteDialect({
        // Opened on first use; a foreign database must already exist unless we are allowed to create tables.
        database: async () => {
          if (opts.createTables && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
          const d = new Database(path, { fileMustExist: !opts.createTables && path !== ':memory:' });
          d.pragma('busy_timeout = 5000');
          if (path !== ':memory:') d.pragma('journal_mode = WAL');
          return cachingStatements(d);
        },
      }),
    });
  } else {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.concurrency + 1,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', (e: Error & { code?: string }) => deps.log.warn({ target: targetName, code: e.code }, 'sql target: idle connection error'));
    db = new Kysely<SqlDb>({ dialect: new PostgresDialect({ pool }) });
  }
  let closed = false;
  return {
    driver: opts.driver,
    db,
    table: (name) => (opts.schema ? sql.id(opts.schema, name) : sql.id(name)),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
