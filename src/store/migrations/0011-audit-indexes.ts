import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * Indexes for the audit viewer (`store.audit.query`): every filter column paired with `seq`, so a newest-first page
 * of one person's, actor's, event's or target's entries is an index range read backwards, not a scan of the log.
 * `at` has an index already (0001). On PostgreSQL `actor` and `event` are indexed in the "C" collation: the query
 * matches event prefixes (`apply` → `apply.*`) as a byte range, which a linguistic collation does not order that way.
 */
export function auditIndexes(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('audit_person_seq').ifNotExists().on('audit').columns(['person_id', 'seq']).execute();
      await db.schema.createIndex('audit_target_seq').ifNotExists().on('audit').columns(['target', 'seq']).execute();
      if (dialect === 'postgres') {
        await sql`create index if not exists audit_actor_seq on audit (actor collate "C", seq)`.execute(db);
        await sql`create index if not exists audit_event_seq on audit (event collate "C", seq)`.execute(db);
      } else {
        await db.schema.createIndex('audit_actor_seq').ifNotExists().on('audit').columns(['actor', 'seq']).execute();
        await db.schema.createIndex('audit_event_seq').ifNotExists().on('audit').columns(['event', 'seq']).execute();
      }
    },
  };
}
