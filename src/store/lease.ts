/**
 * The run lease: one writer at a time. SQLite: the `run_lease` row is the lock, taken in a write transaction (BEGIN
 * IMMEDIATE serialises the check and the claim across processes). PostgreSQL: a session advisory lock on a dedicated
 * connection held for the run (released by the server the moment that process dies), plus the row for diagnostics.
 */
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { RepoContext } from './context.js';
import { StoreError } from './errors.js';
import type { Database, RunLeaseTable } from './schema.js';
import type { LeaseClaim, LeaseHolder, LeaseSession, Store } from './types.js';

const NAME = 'run';
/** Advisory lock key pair ('cadr', 'leas'); distinct from the audit chain's transaction lock. */
const PG_LOCK = [0x63616472, 0x6c656173] as const;

/** Opens the dedicated PostgreSQL session that holds the advisory lock. */
export type LeaseSessionOpener = () => Promise<pg.Client>;

function toHolder(r: RunLeaseTable): LeaseHolder {
  return { holder: r.holder, command: r.command, pid: Number(r.pid), host: r.host, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, expiresAt: r.expires_at };
}

/** True while a process with this pid exists on this machine (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A holder is dead when its heartbeat expired, or when it ran on this host under a pid that no longer exists (a
 * crash needs no timeout then). A reused pid looks alive: the lease then waits for the expiry, which is safe.
 */
function isDead(r: RunLeaseTable, now: number): boolean {
  if (Date.parse(r.expires_at) <= now) return true;
  return r.host === hostname() && Number(r.pid) !== process.pid && !pidAlive(Number(r.pid));
}

function rowFor(claim: LeaseClaim, backendPid: number | null): RunLeaseTable {
  const now = Date.now();
  return {
    name: NAME, holder: claim.holder, command: claim.command, pid: process.pid, host: hostname(),
    started_at: new Date(now).toISOString(), heartbeat_at: new Date(now).toISOString(),
    expires_at: new Date(now + claim.timeoutMs).toISOString(), backend_pid: backendPid,
  };
}

const readRow = (db: Kysely<Database>) => db.selectFrom('run_lease').selectAll().where('name', '=', NAME).executeTakeFirst();

async function writeRow(db: Kysely<Database>, row: RunLeaseTable): Promise<void> {
  const { name: _name, ...rest } = row;
  await db.insertInto('run_lease').values(row).onConflict((oc) => oc.column('name').doUpdateSet(rest)).execute();
}

function sqliteSession(ctx: RepoContext, claim: LeaseClaim): LeaseSession {
  let released = false;
  return {
    async renew() {
      if (released) return false;
      const now = Date.now();
      const res = await ctx.db.updateTable('run_lease')
        .set({ heartbeat_at: new Date(now).toISOString(), expires_at: new Date(now + claim.timeoutMs).toISOString() })
        .where('name', '=', NAME).where('holder', '=', claim.holder).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async release() {
      if (released) return;
      released = true;
      await ctx.db.deleteFrom('run_lease').where('name', '=', NAME).where('holder', '=', claim.holder).execute();
    },
  };
}

function pgSession(client: pg.Client, claim: LeaseClaim, lost: { value: boolean }): LeaseSession {
  let released = false;
  return {
    async renew() {
      if (released || lost.value) return false;
      const now = Date.now();
      try {
        // Over the lock's own session: when that connection is gone, so is the lock.
        const res = await client.query('update run_lease set heartbeat_at = $1, expires_at = $2 where name = $3 and holder = $4',
          [new Date(now).toISOString(), new Date(now + claim.timeoutMs).toISOString(), NAME, claim.holder]);
        return res.rowCount === 1 && !lost.value;
      } catch {
        lost.value = true;
        return false;
      }
    },
    async release() {
      if (released) return;
      released = true;
      try {
        if (!lost.value) {
          await client.query('delete from run_lease where name = $1 and holder = $2', [NAME, claim.holder]);
          await client.query('select pg_advisory_unlock($1::int4, $2::int4)', [...PG_LOCK]);
        }
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** Lease repository over a context; PostgreSQL needs the session opener. */
export function leaseRepo(ctx: RepoContext, openSession?: LeaseSessionOpener): Store['lease'] {
  const tryAcquireSqlite: Store['lease']['tryAcquire'] = (claim) => ctx.atomic(async (db) => {
    const row = await readRow(db);
    if (row && row.holder !== claim.holder && !isDead(row, Date.now())) return { acquired: false, current: toHolder(row) };
    await writeRow(db, rowFor(claim, null));
    return { acquired: true, session: sqliteSession(ctx, claim), ...(row && row.holder !== claim.holder ? { tookOver: toHolder(row) } : {}) };
  });

  const tryAcquirePg: Store['lease']['tryAcquire'] = async (claim) => {
    if (!openSession) throw new Error('the PostgreSQL lease needs a session opener');
    const client = await openSession();
    const lost = { value: false };
    client.on('error', () => { lost.value = true; });
    let held = false;
    try {
      const res = await client.query<{ ok: boolean; pid: number }>('select pg_try_advisory_lock($1::int4, $2::int4) as ok, pg_backend_pid() as pid', [...PG_LOCK]);
      const first = res.rows[0];
      const row = await readRow(ctx.db);
      if (!first?.ok) {
        if (row && row.backend_pid !== null && Date.parse(row.expires_at) <= Date.now()) {
          // The holder stopped renewing (hung, suspended, cut off): end its session so the server releases the lock.
          // Only when that backend really holds our lock: a stale row must not end a newer holder's session.
          const holds = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted
            and classid = ${PG_LOCK[0]} and objid = ${PG_LOCK[1]} and objsubid = 2 and pid = ${row.backend_pid}
            and database = (select oid from pg_database where datname = current_database())`.execute(ctx.db);
          if ((holds.rows[0]?.n ?? 0) > 0) await sql`select pg_terminate_backend(${row.backend_pid})`.execute(ctx.db);
        }
        return { acquired: false, ...(row ? { current: toHolder(row) } : {}) };
      }
      held = true;
      await writeRow(ctx.db, rowFor(claim, first.pid));
      return { acquired: true, session: pgSession(client, claim, lost), ...(row && row.holder !== claim.holder ? { tookOver: toHolder(row) } : {}) };
    } finally {
      if (!held) await client.end().catch(() => undefined);
    }
  };

  return {
    tryAcquire: ctx.dialect === 'postgres' ? tryAcquirePg : tryAcquireSqlite,
    async current() {
      const row = await readRow(ctx.db);
      return row ? toHolder(row) : undefined;
    },
    async assertHeld(holder) {
      if (!ctx.inTransaction) throw new Error('lease.assertHeld() must be called inside store.transaction()');
      // PostgreSQL: the row lock makes a takeover wait until this transaction has committed its outcomes.
      const q = ctx.db.selectFrom('run_lease').select('holder').where('name', '=', NAME);
      const row = await (ctx.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
      if (row?.holder !== holder) {
        throw new StoreError('LEASE_LOST', `run ${holder} no longer holds the run lease${row ? ` (run ${row.holder} took it over)` : ''}`);
      }
    },
  };
}
