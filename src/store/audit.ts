/** Append-only audit rows. Hashing and chain checks live in src/audit. */
import {
  DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type Expression, type ExpressionBuilder, type SqlBool,
} from 'kysely';
import type { RepoContext } from './context.js';
import type { AuditTable, Database } from './schema.js';
import type { AuditFilter, AuditPageRequest, AuditRow, Store } from './types.js';

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

/** The smallest string above every string starting with `prefix` (bytewise: UTF-8 keeps code point order). */
export function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop();
  if (last === undefined) return '\u{10FFFF}';
  return `${points.join('')}${String.fromCodePoint((last.codePointAt(0) ?? 0) + 1)}`;
}

/**
 * WHERE terms of a filter. Prefixes are byte ranges (`>= p` and `< prefixEnd(p)`), which both dialects answer from an
 * index; on PostgreSQL actor and event compare in the "C" collation, as migration 0011 indexed them.
 */
function filterTerms(eb: ExpressionBuilder<Database, 'audit'>, dialect: RepoContext['dialect'], f: AuditFilter, events: EventPart): Expression<SqlBool>[] {
  const c = (col: 'actor' | 'event') => (dialect === 'postgres' ? sql<string>`${sql.ref(col)} collate "C"` : sql<string>`${sql.ref(col)}`);
  const range = (col: 'actor' | 'event', prefix: string): Expression<SqlBool> =>
    eb.and([eb(c(col), '>=', prefix), eb(c(col), '<', prefixEnd(prefix))]);
  const terms: Expression<SqlBool>[] = [];
  if (f.personId !== undefined) terms.push(eb('person_id', '=', f.personId));
  if (f.target !== undefined) terms.push(eb('target', '=', f.target));
  if (f.actor !== undefined) {
    terms.push(f.actor.endsWith('*') ? range('actor', f.actor.slice(0, -1)) : eb(c('actor'), '=', f.actor));
  }
  if (f.event !== undefined) terms.push(events === 'exact' ? eb(c('event'), '=', f.event) : range('event', `${f.event}.`));
  if (f.since !== undefined) terms.push(eb('at', '>=', f.since));
  if (f.until !== undefined) terms.push(eb('at', '<', f.until));
  return terms;
}

/**
 * Which part of an event filter a statement covers: `exact` the event itself, `below` the events under it. An event
 * filter runs as two statements (see `query`), because one with `event = e OR event LIKE 'e.%'` is answered by
 * collecting every match and sorting, while each part alone reads the index in seq order or lets the planner scan
 * the log backwards when the part is common.
 */
type EventPart = 'exact' | 'below';

/** One statement of `audit.query`: filters, keyset bound, order, limit. */
function pageQuery(db: Kysely<Database>, dialect: RepoContext['dialect'], filter: AuditFilter, page: AuditPageRequest, events: EventPart = 'exact') {
  const desc = (page.order ?? 'desc') === 'desc';
  return db.selectFrom('audit').selectAll()
    .where((eb) => {
      const terms = filterTerms(eb, dialect, filter, events);
      if (page.afterSeq !== undefined) terms.push(eb('seq', desc ? '<' : '>', page.afterSeq));
      return eb.and(terms);
    })
    .orderBy('seq', desc ? 'desc' : 'asc')
    .limit(Math.max(1, Math.floor(page.limit)));
}

/**
 * The SQL statements `audit.query` runs for a filter and page (two for an event filter: the event, and the events
 * below it), without a database, so tests can EXPLAIN exactly those statements.
 */
export function compileAuditQuery(dialect: RepoContext['dialect'], filter: AuditFilter, page: AuditPageRequest): CompiledQuery[] {
  const db = new Kysely<Database>({
    dialect: dialect === 'postgres'
      ? { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (d) => new PostgresIntrospector(d), createQueryCompiler: () => new PostgresQueryCompiler() }
      : { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (d) => new SqliteIntrospector(d), createQueryCompiler: () => new SqliteQueryCompiler() },
  });
  const parts: EventPart[] = filter.event === undefined ? ['exact'] : ['exact', 'below'];
  return parts.map((part) => pageQuery(db, dialect, filter, page, part).compile());
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
    async query(filter, page) {
      const exact = (await pageQuery(ctx.db, ctx.dialect, filter, page, 'exact').execute()).map(auditFromRow);
      if (filter.event === undefined) return exact;
      const below = (await pageQuery(ctx.db, ctx.dialect, filter, page, 'below').execute()).map(auditFromRow);
      // Merge the two seq-ordered parts; the first `limit` of the union are the page.
      const desc = (page.order ?? 'desc') === 'desc';
      return [...exact, ...below].sort((a, b) => (desc ? b.seq - a.seq : a.seq - b.seq)).slice(0, Math.max(1, Math.floor(page.limit)));
    },
    async lockChain() {
      if (!ctx.inTransaction) throw new Error('audit.lockChain() must be called inside store.transaction()');
      // SQLite: BEGIN IMMEDIATE already holds the database write lock for the whole transaction.
      if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_AUDIT_LOCK})`.execute(ctx.db);
    },
  };
}
