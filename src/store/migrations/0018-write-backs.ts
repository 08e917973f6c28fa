import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * `write_backs`: the last value Cadre wrote to each (person, Personio attribute), with when and by which run. A change
 * Personio then reports (poll or webhook) that consists only of these values is the echo of Cadre's own write.
 */
export function writeBacks(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('write_backs').ifNotExists()
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('attribute', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('written_at', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('write_backs_pk', ['person_id', 'attribute'])
        .execute();
    },
  };
}
