import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * `overrides`: human decisions that keep a value the rules would change (a helpdesk edit of an HR-mapped
 * attribute, a group a form granted or removed), one per (person, target, attribute); entitlements use the
 * attribute `entitlement:<name>`. `value` is JSON; `expires_at` a last day (`YYYY-MM-DD`) or an instant, or null.
 */
export function overrides(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('overrides').ifNotExists()
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('attribute', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('overrides_pk', ['person_id', 'target', 'attribute'])
        .execute();
    },
  };
}
