/** PostgreSQL through a pg Pool. */
import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { StoreError, describePgUrl } from '../errors.js';

// bigint (audit.seq, count(*)) comes back as a string; the store converts it explicitly.

/** Create a pool and check that the server answers; errors name host:port, never the password. */
export async function openPgPool(url: string, poolSize: number): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'cadre',
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('select 1');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    const e = err as { code?: string; message?: string };
    const reason = [e.code, e.message].filter(Boolean).join(' ').replaceAll(url, '(url)');
    throw new StoreError('STORE_UNAVAILABLE', `PostgreSQL at ${describePgUrl(url)} is unavailable: ${reason}`, { cause: err });
  }
  return pool;
}

/**
 * A dedicated connection outside the pool (the run lease holds its advisory lock on it for a whole run, so it must
 * never be handed to another query or closed by the pool's idle timeout).
 */
export async function openPgSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'cadre-lease' });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const e = err as { code?: string; message?: string };
    const reason = [e.code, e.message].filter(Boolean).join(' ').replaceAll(url, '(url)');
    throw new StoreError('STORE_UNAVAILABLE', `PostgreSQL at ${describePgUrl(url)} is unavailable: ${reason}`, { cause: err });
  }
  return client;
}

/** Kysely dialect over an open pool. */
export function postgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}
