import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * The run lease: one row naming the run that may write (holder, pid and host, heartbeat and expiry). On SQLite the row
 * is the lock; on PostgreSQL a session advisory lock is, and the row is for diagnostics and expiry.
 */
export function runLease(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('run_lease').ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        // PostgreSQL: the backend holding the advisory lock, so an expired holder's session can be ended.
        .addColumn('backend_pid', 'integer')
        .execute();
    },
  };
}
