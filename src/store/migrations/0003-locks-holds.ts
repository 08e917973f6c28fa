import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * Who disabled an account and when (`accounts.disabled_*`), and the `holds` table.
 * Accounts already disabled at upgrade count as disabled by Cadre at their last sync: before this version Cadre
 * re-enabled every disabled account, so this keeps pre-hire accounts enabling on day 1, and their deletion can
 * only come later than it would have.
 */
export function locksHolds(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('accounts').addColumn('disabled_at', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('disabled_by', 'text').execute();
      await db.schema.alterTable('accounts').addColumn('disabled_via', 'text').execute();
      // The state JSON is written by JSON.stringify, so the flag is spelled exactly like this.
      await sql`UPDATE accounts SET disabled_at = updated_at, disabled_by = 'cadre', disabled_via = 'disable'
        WHERE state LIKE '%"enabled":false%'`.execute(db);

      await db.schema.createTable('holds').ifNotExists()
        .addColumn('person_id', 'text', (c) => c.notNull())
        // '*' = every target of the person.
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('until_at', 'text')
        .addColumn('disable', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('holds_pk', ['person_id', 'target'])
        .execute();
    },
  };
}
