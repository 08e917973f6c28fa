import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * `review_lifts`: an admin lifted the access exception a review removal made (the item of a closed campaign), so the
 * rule grants the access again. One row per lifted item, with who, when and why; the item itself stays as decided
 * (the report still shows the decision, and the lift next to it).
 */
export function reviewLifts(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('review_lifts').ifNotExists()
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('lifted_by', 'text', (c) => c.notNull())
        .addColumn('lifted_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('review_lifts_pk', ['campaign_id', 'seq'])
        .execute();
    },
  };
}
