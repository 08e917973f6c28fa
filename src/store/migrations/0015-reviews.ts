import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * Access reviews: `review_campaigns` (one per started campaign) and `review_items` (one per entitlement a person
 * holds in a target when the campaign started, with the snapshot the reviewer saw and the decision). Instants are
 * ISO text like everywhere else.
 */
export function reviews(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('review_campaigns').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('deadline', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('default_decision', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('closed_by', 'text')
        .execute();
      await db.schema.createTable('review_items').ifNotExists()
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('person_name', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('entitlement', 'text', (c) => c.notNull())
        .addColumn('reason_kind', 'text', (c) => c.notNull())
        .addColumn('reason_source', 'text', (c) => c.notNull())
        .addColumn('reason_text', 'text', (c) => c.notNull())
        .addColumn('department', 'text')
        .addColumn('position', 'text')
        .addColumn('last_granted_at', 'text')
        .addColumn('reviewer', 'text', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('comment', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addPrimaryKeyConstraint('review_items_pk', ['campaign_id', 'seq'])
        .execute();
      await db.schema.createIndex('review_items_reviewer').ifNotExists().on('review_items').columns(['reviewer', 'campaign_id']).execute();
    },
  };
}
