/**
 * A prepared-statement cache for kysely's SQLite dialect. Kysely prepares every query anew; with better-sqlite3
 * that compile step cost about as much as running the statement (18 % of an apply's CPU). Statements are keyed
 * by their SQL text (values are always bound parameters, so the set of texts is small) and reused.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The better-sqlite3 surface this needs. */
interface RawDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Wrap a better-sqlite3 database so that `prepare` reuses statements (least recently used beyond `max`). */
export function cachingStatements(db: RawDatabase, max = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Map keeps insertion order: re-insert to mark as recently used.
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= max) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, stmt);
      return stmt;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}
