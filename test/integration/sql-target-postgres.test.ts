/**
 * SQL target on a real PostgreSQL 15: the shared conformance suite (database-generated bigint keys, a
 * named schema) plus PostgreSQL-specific behaviour (error mapping, concurrency, boolean column).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import pg from 'pg';
import { makeCtx, makeOp, runConformanceSuite } from '../../src/targets/conformance/index.js';
import type { ConformanceHarness } from '../../src/targets/conformance/index.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import { createSqlTarget } from '../../src/targets/sql/index.js';
import { attributesOfRow, memoryLog, sqlSample, sqlTargetConfig } from './sql-target-harness.js';

// Until test/support/postgres.ts lands: the project's service script starts the shared server.
async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const script = fileURLToPath(new URL('../../scripts/services/postgres.sh', import.meta.url));
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  const base = execFileSync('bash', [script, 'url'], { encoding: 'utf8' }).trim();
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function connect(url: string, extra: Record<string, unknown> = {}): Promise<TargetConnector> {
  const cfg = sqlTargetConfig({ driver: 'postgres', url, key: 'id', concurrency: 4, ...extra });
  return createSqlTarget('directory', cfg.options, { log: memoryLog() }, cfg);
}

async function postgresHarness(): Promise<ConformanceHarness> {
  const fresh = await freshDatabase('sqltarget');
  const raw = new pg.Client({ connectionString: fresh.url });
  await raw.connect();
  await raw.query('CREATE SCHEMA erp');
  const connector = await connect(fresh.url, { schema: 'erp' });
  return {
    connector,
    sample: sqlSample,
    referenceAttribute: 'manager',
    missingAnchor: '987654321',
    async inspect(anchor) {
      if (!/^\d+$/.test(anchor)) return undefined;
      const r = await raw.query('SELECT * FROM erp.directory_accounts WHERE id = $1', [anchor]);
      const row = r.rows[0] as Record<string, unknown> | undefined;
      if (!row) return undefined;
      const roles = await raw.query('SELECT role FROM erp.directory_roles WHERE account_id = $1', [anchor]);
      assert.equal(typeof row.active, 'boolean', 'enabled flag is a real boolean column');
      return {
        enabled: row.active === true,
        attributes: attributesOfRow(row),
        container: row.department === null ? undefined : String(row.department),
        entitlements: roles.rows.map((x: { role: string }) => x.role),
      };
    },
    async cleanup() {
      await raw.end();
      await fresh.drop();
    },
  };
}

runConformanceSuite('sql (postgres)', postgresHarness, { listSize: 120, pageSize: 25 });

describe('sql target (postgres) specifics', () => {
  test('concurrent creates of the same person yield one row (unique index + adopt)', async () => {
    const fresh = await freshDatabase('sqltarget');
    const c = await connect(fresh.url);
    try {
      assert.equal(c.concurrency, 4);
      const s = sqlSample(1);
      const desired = { target: 'directory', personId: s.personId, exists: true, enabled: true, attributes: s.attributes, attributeReasons: {}, entitlements: [], lifecycle: { kind: 'manual' as const, source: 't', detail: '' } };
      const results = await Promise.all(Array.from({ length: 6 }, () => c.apply(makeOp('directory', 'create', s.personId), makeCtx({ desired }))));
      const anchors = new Set(results.map((r) => (r.ok ? r.anchor : `error ${r.error.code}`)));
      assert.equal(anchors.size, 1, [...anchors].join(', '));
      assert.equal((await c.find({ attribute: 'person_id', value: s.personId })).length, 1);
      // Text that is not a number in the bigint key: not found, coded.
      const u = await c.apply(makeOp('directory', 'enable', s.personId, { anchor: 'abc' }), makeCtx());
      assert.equal(u.ok ? 'ok' : u.error.code, 'SQL_NOT_FOUND');
    } finally {
      await c.close();
      await fresh.drop();
    }
  });

  test('database errors map to coded results: unique violation, value too long, unreachable server', async () => {
    const fresh = await freshDatabase('sqltarget');
    const raw = new pg.Client({ connectionString: fresh.url });
    await raw.connect();
    await raw.query(`CREATE TABLE directory_accounts (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, person_id text UNIQUE,
      active boolean NOT NULL DEFAULT true, department text, login varchar(8) UNIQUE, display_name text, email text, title text, manager_key text)`);
    await raw.query('CREATE TABLE directory_roles (account_id bigint NOT NULL, role text NOT NULL)');
    const c = await connect(fresh.url, { createTables: false });
    try {
      const mk = (pid: string, login: string) => c.apply(makeOp('directory', 'create', pid, { changes: [{ attribute: 'username', from: undefined, to: login }] }), makeCtx());
      assert.ok((await mk('1', 'anna')).ok);
      const dup = await mk('2', 'anna');
      assert.equal(dup.ok ? 'ok' : dup.error.code, 'SQL_UNIQUE_VIOLATION');
      const long = await mk('3', 'waytoolonglogin');
      assert.equal(long.ok ? 'ok' : long.error.code, 'SQL_VALUE_TOO_LONG');
      assert.equal(await c.isFree('username', 'ANNA'), false);
      assert.equal(await c.isFree('mail', 'nobody@example.test'), true);
    } finally {
      await c.close();
      await raw.end();
      await fresh.drop();
    }
    // Nothing listens on port 1: transient SQL_UNAVAILABLE, and the URL (with its password) is not in the message.
    const down = await connect('postgres://cadre:S3cret-pw@127.0.0.1:1/none');
    const r = await down.apply(makeOp('directory', 'create', '9'), makeCtx());
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'SQL_UNAVAILABLE');
      assert.equal(r.error.transient, true);
      assert.ok(!r.error.message.includes('S3cret-pw'));
    }
    await down.close();
  });
});
