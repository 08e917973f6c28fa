/**
 * The shared test PostgreSQL (scripts/services/postgres.sh, 127.0.0.1:55432) and throwaway databases on it.
 * Tests never mock the database: they start the real server (idempotent) and create their own database.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const script = fileURLToPath(new URL('../../scripts/services/postgres.sh', import.meta.url));
let started: Promise<string> | undefined;

/** Start the server once per process (no-op when it runs) and return its URL. */
export async function postgresUrl(): Promise<string> {
  started ??= Promise.resolve().then(() => {
    execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
    return execFileSync('bash', [script, 'url'], { encoding: 'utf8' }).trim();
  });
  return started;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await postgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Create a uniquely named database (`<prefix>_<random>`) for one test or suite.
 * `drop()` terminates its connections and removes it.
 */
export async function freshDatabase(prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40) || 'test';
  const name = `${clean}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(await postgresUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => {
      // pg's pool.end() resolves before its sockets have closed: give closing clients a moment, so FORCE only
      // hits real leftovers (a terminated client that is still open raises an error in whatever runs next).
      for (let i = 0; i < 50; i += 1) {
        const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if ((r.rows[0] as { n: number }).n === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }),
  };
}
