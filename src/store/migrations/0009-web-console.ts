import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * The web console: local users (argon2id hashes only) and server-side sessions. Sessions live in the store, not
 * in memory, so a restart of `cadre serve` keeps people signed in and several processes could share them.
 */
export function webConsole(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('web_users').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        // Lower case: user names are matched case-insensitively at sign-in.
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createTable('web_sessions').ifNotExists()
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('web_sessions_expires').ifNotExists().on('web_sessions').column('expires_at').execute();
    },
  };
}
