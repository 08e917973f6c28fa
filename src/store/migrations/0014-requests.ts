import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * Catalogue requests: `access_requests` (integer id shown as #42, allocated max+1 in the inserting transaction),
 * `request_decisions` (one row per approver decision of a stage) and `request_delegations` (an approver lets a
 * delegate decide for a period). Instants are ISO text like everywhere else.
 */
export function requests(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('access_requests').ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('justification', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('note', 'text')
        .addColumn('reminded', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('access_requests_person').ifNotExists().on('access_requests').columns(['person_id', 'status']).execute();
      await db.schema.createTable('request_decisions').ifNotExists()
        .addColumn('request_id', 'integer', (c) => c.notNull())
        .addColumn('stage', 'integer', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_decisions_pk', ['request_id', 'stage', 'approver'])
        .execute();
      await db.schema.createTable('request_delegations').ifNotExists()
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('delegate', 'text', (c) => c.notNull())
        .addColumn('from_at', 'text', (c) => c.notNull())
        .addColumn('until_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_delegations_pk', ['approver', 'delegate', 'from_at'])
        .execute();
    },
  };
}
