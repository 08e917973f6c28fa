import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * `source_events`: Personio webhook events queued durably before they are acknowledged. `event_key` identifies the
 * event (repeated deliveries of it collapse into one row); `occurred_at` is the event's own time (work is drained
 * in that order); `processed_at` is null until a person-scoped sync handled it; `attempts` counts failures.
 */
export function sourceEvents(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('source_events').ifNotExists()
        .addColumn('event_key', 'text', (c) => c.primaryKey())
        .addColumn('delivery_id', 'text')
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('source_events_pending').ifNotExists().on('source_events').columns(['processed_at', 'occurred_at']).execute();
    },
  };
}
