/** Append-only audit rows. Hashing and chain checks live in src/audit. */
import { sql } from 'kysely';
import type { RepoContext } from './context.js';
import type { AuditTable } from './schema.js';
import type { AuditRow, Store } from './types.js';

/** Advisory lock key serialising audit appends on PostgreSQL ('cadre-audit'). */
const PG_AUDIT_LOCK = 0x63616472;

/** Convert a stored row; `seq` is a string for PostgreSQL bigint. */
export function auditFromRow(r: AuditTable): AuditRow {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    event: r.event,
    ...(r.run_id === null ? {} : { runId: r.run_id }),
    ...(r.person_id === null ? {} : { personId: r.person_id }),
    ...(r.target === null ? {} : { target: r.target }),
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Audit repository over a context. */
export function auditRepo(ctx: RepoContext): Store['audit'] {
  return {
    async last() {
      const row = await ctx.db.selectFrom('audit').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row ? auditFromRow(row) : undefined;
    },
    async append(row) {
      await ctx.db.insertInto('audit').values({
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        event: row.event,
        run_id: row.runId ?? null,
        person_id: row.personId ?? null,
        target: row.target ?? null,
        payload: row.payload,
        prev_hash: row.prevHash,
        hash: row.hash,
      }).execute();
    },
    async *iterate(pageSize = 1000) {
      const size = Math.max(1, Math.floor(pageSize));
      let after = Number.NEGATIVE_INFINITY;
      for (;;) {
        let q = ctx.db.selectFrom('audit').selectAll().orderBy('seq').limit(size);
        if (after !== Number.NEGATIVE_INFINITY) q = q.where('seq', '>', after);
        const rows = (await q.execute()).map(auditFromRow);
        if (rows.length === 0) return;
        yield rows;
        const tail = rows[rows.length - 1];
        if (!tail || rows.length < size) return;
        after = tail.seq;
      }
    },
    async lockChain() {
      if (!ctx.inTransaction) throw new Error('audit.lockChain() must be called inside store.transaction()');
      // SQLite: BEGIN IMMEDIATE already holds the database write lock for the whole transaction.
      if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_AUDIT_LOCK})`.execute(ctx.db);
    },
  };
}
