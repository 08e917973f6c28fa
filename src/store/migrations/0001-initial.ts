import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/** Tables and indexes. JSON and instants are TEXT in both dialects. */
export function initial(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('persons').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('accounts').ifNotExists()
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('anchor', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('correlation', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('accounts_pk', ['target', 'anchor'])
        .execute();
      await db.schema.createIndex('accounts_person_id').ifNotExists().on('accounts').column('person_id').execute();
      await db.schema.createIndex('accounts_target_correlation').ifNotExists().on('accounts').columns(['target', 'correlation']).execute();

      await db.schema.createTable('reservations').ifNotExists()
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('value_key', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reservations_kind_value_key').ifNotExists().unique().on('reservations').columns(['kind', 'value_key']).execute();
      await db.schema.createIndex('reservations_person_id').ifNotExists().on('reservations').column('person_id').execute();

      await db.schema.createTable('journal').ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('op_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('anchor', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('journal_pk', ['run_id', 'op_id'])
        .execute();
      await db.schema.createIndex('journal_status').ifNotExists().on('journal').column('status').execute();

      await db.schema.createTable('runs').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('plan_basis', 'text')
        .addColumn('summary', 'text')
        .execute();
      await db.schema.createIndex('runs_started_at').ifNotExists().on('runs').column('started_at').execute();
      await db.schema.createIndex('runs_status').ifNotExists().on('runs').column('status').execute();

      await db.schema.createTable('audit').ifNotExists()
        // SQLite: INTEGER PRIMARY KEY is the rowid (64-bit). PostgreSQL: bigint.
        .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('person_id', 'text')
        .addColumn('target', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_at').ifNotExists().on('audit').column('at').execute();
      await db.schema.createIndex('audit_person_id').ifNotExists().on('audit').column('person_id').execute();

      await db.schema.createTable('meta').ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
