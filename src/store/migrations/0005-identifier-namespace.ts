import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * One identifier namespace across kinds, enforced by the database: `identifier_values` holds each value once
 * (`value_key` is its primary key) with the one person who owns it, and every reservation row references its
 * value's (value_key, person_id). So one person may hold a value under several kinds (upn == mail), two persons
 * never, whatever kinds they use.
 *
 * Existing data: where two persons already held one value under different kinds (possible while each kind was its
 * own namespace), the value stays with one of them — the holder of a primary before the holder of an alias, then
 * the earlier reservation, then the smaller person id — and the other person's rows move to
 * `reservations_displaced` (kept, never deleted). That person is allocated their next free candidate on the next run.
 */
export function identifierNamespace(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // SQLite runs migrations outside a transaction (kysely): make this one all-or-nothing itself.
      if (dialect === 'sqlite') await db.transaction().execute((trx) => migrate(trx, dialect));
      else await migrate(db, dialect);
    },
  };
}

async function exists(db: Kysely<unknown>, dialect: StoreDialect, table: string): Promise<boolean> {
  const q = dialect === 'sqlite'
    ? sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${table}`
    : sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${table}`;
  const r = await q.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

async function migrate(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  // Idempotent: a second process that raced the first one on a fresh SQLite file finds the work done.
  if (await exists(db, dialect, 'identifier_values')) return;

  await db.schema.createTable('identifier_values')
    .addColumn('value_key', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The target of the reservations' foreign key.
    .addUniqueConstraint('identifier_values_owner', ['value_key', 'person_id'])
    .execute();
  await db.schema.createIndex('identifier_values_person_id').on('identifier_values').column('person_id').execute();

  await db.schema.createTable('reservations_displaced')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('held_by', 'text', (c) => c.notNull())
    .addColumn('displaced_at', 'text', (c) => c.notNull())
    .execute();

  // One owner per value: primary before alias, then the earlier reservation, then the smaller person id.
  await sql`INSERT INTO identifier_values (value_key, person_id, updated_at)
    SELECT value_key, person_id, updated_at FROM (
      SELECT value_key, person_id, updated_at, ROW_NUMBER() OVER (
        PARTITION BY value_key
        ORDER BY CASE WHEN status = 'primary' THEN 0 ELSE 1 END, updated_at, length(person_id), person_id
      ) AS rank FROM reservations
    ) ranked WHERE rank = 1`.execute(db);
  const at = new Date().toISOString();
  await sql`INSERT INTO reservations_displaced (kind, value, value_key, person_id, status, held_by, displaced_at)
    SELECT r.kind, r.value, r.value_key, r.person_id, r.status, v.person_id, ${at}
    FROM reservations r JOIN identifier_values v ON v.value_key = r.value_key
    WHERE v.person_id <> r.person_id`.execute(db);

  // Rebuild `reservations` with the foreign key (SQLite cannot add one to an existing table).
  await db.schema.createTable('reservations_v5')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('reservations_value_owner', ['value_key', 'person_id'], 'identifier_values', ['value_key', 'person_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await sql`INSERT INTO reservations_v5 (kind, value, value_key, person_id, status, updated_at)
    SELECT r.kind, r.value, r.value_key, r.person_id, r.status, r.updated_at
    FROM reservations r JOIN identifier_values v ON v.value_key = r.value_key AND v.person_id = r.person_id`.execute(db);
  await db.schema.dropTable('reservations').execute();
  await db.schema.alterTable('reservations_v5').renameTo('reservations').execute();
  await db.schema.createIndex('reservations_kind_value_key').unique().on('reservations').columns(['kind', 'value_key']).execute();
  await db.schema.createIndex('reservations_person_id').on('reservations').column('person_id').execute();
  await db.schema.createIndex('reservations_value_key').on('reservations').column('value_key').execute();
}
