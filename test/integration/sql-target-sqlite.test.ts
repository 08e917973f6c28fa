/**
 * SQL target on a real SQLite file: the shared conformance suite plus SQL-specific behaviour
 * (unmanaged entitlements, schema checks, integer keys, custom enabled values, injection-proof values).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { makeCtx, makeOp, runConformanceSuite } from '../../src/targets/conformance/index.js';
import type { ConformanceHarness } from '../../src/targets/conformance/index.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import { createSqlTarget } from '../../src/targets/sql/index.js';
import { attributesOfRow, memoryLog, sqlSample, sqlTargetConfig } from './sql-target-harness.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cadre-sqltarget-'));
  dirs.push(d);
  return d;
};
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function connect(path: string, extra: Record<string, unknown> = {}): Promise<TargetConnector> {
  const cfg = sqlTargetConfig({ driver: 'sqlite', path, key: 'id', generateKey: true, ...extra });
  return createSqlTarget('directory', cfg.options, { log: memoryLog() }, cfg);
}

async function sqliteHarness(): Promise<ConformanceHarness> {
  const path = join(tempDir(), 'not-yet', 'created', 'directory.db');
  const connector = await connect(path);
  let raw: Database.Database | undefined;
  const db = (): Database.Database => (raw ??= new Database(path, { readonly: true, fileMustExist: true }));
  return {
    connector,
    sample: sqlSample,
    referenceAttribute: 'manager',
    async inspect(anchor) {
      const row = db().prepare('SELECT * FROM directory_accounts WHERE id = ?').get(anchor) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      const roles = db().prepare('SELECT role FROM directory_roles WHERE account_id = ?').all(anchor) as Array<{ role: string }>;
      return {
        enabled: row.active === 1,
        attributes: attributesOfRow(row),
        container: row.department === null ? undefined : String(row.department),
        entitlements: roles.map((r) => r.role),
      };
    },
    async cleanup() { raw?.close(); },
  };
}

runConformanceSuite('sql (sqlite)', sqliteHarness, { listSize: 120, pageSize: 25 });

describe('sql target (sqlite) specifics', () => {
  test('entitlements outside managedEntitlements are reported as unmanaged and never revoked by list', async () => {
    const path = join(tempDir(), 'd.db');
    const c = await connect(path);
    const s = sqlSample(1);
    const r = await c.apply(makeOp('directory', 'create', s.personId), makeCtx({ desired: { target: 'directory', personId: s.personId, exists: true, enabled: true, attributes: s.attributes, attributeReasons: {}, entitlements: [], lifecycle: { kind: 'manual', source: 't', detail: '' } } }));
    assert.ok(r.ok && r.anchor);
    await c.apply(makeOp('directory', 'grant', s.personId, { anchor: r.anchor, entitlement: 'erp:sales' }), makeCtx());
    const raw = new Database(path);
    raw.prepare('INSERT INTO directory_roles (account_id, role) VALUES (?, ?)').run(r.anchor, 'legacy:admin');
    raw.close();
    const pages: Array<readonly { entitlements: readonly string[]; unmanaged?: readonly string[] }[]> = [];
    for await (const p of c.list()) pages.push(p);
    const [st] = pages.flat();
    assert.deepEqual(st?.entitlements, ['erp:sales']);
    assert.deepEqual(st?.unmanaged, ['legacy:admin']);
    await c.close();
  });

  test('a disable of a row disabled already (by someone else) reports unchanged; an enabled row is disabled', async () => {
    const path = join(tempDir(), 'unchanged.db');
    const c = await connect(path);
    const s = sqlSample(7);
    const r = await c.apply(makeOp('directory', 'create', s.personId), makeCtx({ desired: { target: 'directory', personId: s.personId, exists: true, enabled: true, attributes: s.attributes, attributeReasons: {}, entitlements: [], lifecycle: { kind: 'manual', source: 't', detail: '' } } }));
    assert.ok(r.ok && r.anchor);
    const first = await c.apply(makeOp('directory', 'disable', s.personId, { anchor: r.anchor }), makeCtx());
    assert.ok(first.ok && first.unchanged !== true && first.state?.enabled === false, JSON.stringify(first));
    const again = await c.apply(makeOp('directory', 'disable', s.personId, { anchor: r.anchor }), makeCtx());
    assert.ok(again.ok && again.unchanged === true, JSON.stringify(again));
    await c.close();
  });

  test('rename is an update of the naming column (no separate rename capability needed)', async () => {
    const c = await connect(join(tempDir(), 'r.db'));
    const s = sqlSample(2);
    const r = await c.apply(makeOp('directory', 'create', s.personId, { changes: Object.entries(s.attributes).map(([attribute, to]) => ({ attribute, from: undefined, to })) }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    const rr = await c.apply(makeOp('directory', 'rename', s.personId, { anchor: r.anchor, changes: [{ attribute: 'username', from: 'user2', to: 'renamed2' }] }), makeCtx());
    assert.ok(rr.ok);
    assert.equal(await c.isFree('username', 'user2'), true);
    assert.equal(await c.isFree('username', 'RENAMED2'), false);
    await c.close();
  });

  test('a correlation template: rows are stamped and found by P-<id>; a row with the raw id is not the person\'s', async () => {
    const path = join(tempDir(), 't.db');
    const base = sqlTargetConfig({ driver: 'sqlite', path, key: 'id', generateKey: true });
    const cfg = { ...base, correlation: { value: 'P-{{ personId }}' } };
    const c = await createSqlTarget('directory', cfg.options, { log: memoryLog() }, cfg);
    const s = sqlSample(3);
    const r = await c.apply(makeOp('directory', 'create', s.personId, { changes: Object.entries(s.attributes).map(([attribute, to]) => ({ attribute, from: undefined, to })) }), makeCtx());
    assert.ok(r.ok && r.anchor, JSON.stringify(r));
    const raw = new Database(path);
    raw.prepare("INSERT INTO directory_accounts (id, person_id, login, active) VALUES ('legacy', ?, 'payroll', 1)").run(s.personId);
    assert.equal((raw.prepare('SELECT person_id FROM directory_accounts WHERE id = ?').get(r.anchor) as { person_id: string }).person_id, `P-${s.personId}`);
    // Without an anchor (a lost result), an update finds the row by the rendered value, never the raw-id row.
    const u = await c.apply(makeOp('directory', 'update', s.personId, { changes: [{ attribute: 'title', from: undefined, to: 'Templated' }] }), makeCtx());
    assert.ok(u.ok && u.anchor === r.anchor, JSON.stringify(u));
    assert.equal((raw.prepare("SELECT title FROM directory_accounts WHERE id = 'legacy'").get() as { title: string | null }).title, null);
    // A replayed create adopts the templated row, not the legacy one.
    const again = await c.apply(makeOp('directory', 'create', s.personId, { changes: Object.entries(s.attributes).map(([attribute, to]) => ({ attribute, from: undefined, to })) }), makeCtx());
    assert.ok(again.ok && again.anchor === r.anchor, JSON.stringify(again));
    // An adopt operation stamps the correlation column of a row found otherwise.
    const adopt = await c.apply(makeOp('directory', 'adopt', '999', { anchor: 'legacy', changes: [{ attribute: 'person_id', from: s.personId, to: 'P-999' }] }), makeCtx());
    assert.ok(adopt.ok, JSON.stringify(adopt));
    assert.equal((raw.prepare("SELECT person_id FROM directory_accounts WHERE id = 'legacy'").get() as { person_id: string }).person_id, 'P-999');
    raw.close();
    await c.close();
  });

  test('a foreign table with an integer key, Y/N enabled flag and no createTables', async () => {
    const path = join(tempDir(), 'erp.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE staff (staff_no INTEGER PRIMARY KEY, pers_no TEXT, is_active TEXT NOT NULL DEFAULT 'Y', login TEXT, display_name TEXT, email TEXT, title TEXT, department TEXT, manager_key INTEGER);
      CREATE TABLE directory_roles (account_id INTEGER, role TEXT);
      INSERT INTO staff (staff_no, pers_no, is_active, login) VALUES (41, '100003', 'N', 'preexisting');`);
    const c = await connect(path, { table: 'staff', key: 'staff_no', generateKey: false, correlationColumn: 'pers_no', enabledColumn: 'is_active', enabledValues: { enabled: 'Y', disabled: 'N' }, createTables: false });
    // Adopts the pre-existing row for person 100003 instead of inserting a second one.
    const s = sqlSample(3);
    const r = await c.apply(makeOp('directory', 'create', s.personId), makeCtx({ desired: { target: 'directory', personId: s.personId, exists: true, enabled: true, container: 'Sales', attributes: s.attributes, attributeReasons: {}, entitlements: [], lifecycle: { kind: 'manual', source: 't', detail: '' } } }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.anchor, '41');
    assert.equal(r.state?.enabled, true);
    const n = await c.apply(makeOp('directory', 'create', '100004', { changes: [{ attribute: 'username', from: undefined, to: 'fresh' }] }), makeCtx());
    assert.ok(n.ok && n.anchor && /^\d+$/.test(n.anchor), JSON.stringify(n));
    // A unique-less role table: a repeated grant still yields one row.
    for (let i = 0; i < 2; i++) assert.ok((await c.apply(makeOp('directory', 'grant', '100004', { anchor: n.anchor, entitlement: 'erp:x' }), makeCtx())).ok);
    assert.ok((await c.apply(makeOp('directory', 'disable', '100004', { anchor: n.anchor }), makeCtx())).ok);
    const check = new Database(path, { readonly: true });
    assert.equal((check.prepare('SELECT count(*) AS n FROM directory_roles').get() as { n: number }).n, 1);
    assert.equal((check.prepare('SELECT is_active FROM staff WHERE staff_no = ?').get(Number(n.anchor)) as { is_active: string }).is_active, 'N');
    assert.equal((check.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n, 2);
    check.close();
    // A non-numeric anchor cannot exist in an integer key: a coded not-found, not a type error.
    const u = await c.apply(makeOp('directory', 'update', 'x', { anchor: 'not-a-number', changes: [{ attribute: 'title', from: null, to: 'x' }] }), makeCtx());
    assert.equal(u.ok ? 'ok' : u.error.code, 'SQL_NOT_FOUND');
    await c.close();
  });

  test('missing columns are a coded schema error naming them, as a result from apply and a throw from list', async () => {
    const path = join(tempDir(), 'bad.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE directory_accounts (id TEXT PRIMARY KEY, person_id TEXT, login TEXT)');
    raw.close();
    const c = await connect(path, { entitlements: undefined, createTables: false });
    const r = await c.apply(makeOp('directory', 'create', '1'), makeCtx());
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'SQL_SCHEMA_MISMATCH');
      assert.match(r.error.message, /"active".*"department".*"display_name"/);
    }
    await assert.rejects(async () => { for await (const _ of c.list()) { /* drain */ } }, { code: 'SQL_SCHEMA_MISMATCH' });
    await c.close();
  });

  test('a missing database file without createTables is a coded error, not a new empty file', async () => {
    const path = join(tempDir(), 'absent.db');
    const c = await connect(path, { createTables: false });
    await assert.rejects(() => c.find({ attribute: 'username', value: 'x' }), { code: 'SQL_UNAVAILABLE' });
    await assert.rejects(() => c.isFree('nosuchattribute', 'x'), (e: { code?: string }) => typeof e.code === 'string');
    await c.close();
  });

  test('createTables adds columns for attributes added to the config later, keeping the data', async () => {
    const path = join(tempDir(), 'grow.db');
    const raw = new Database(path);
    raw.exec("CREATE TABLE directory_accounts (id TEXT PRIMARY KEY, person_id TEXT, active INTEGER, department TEXT, login TEXT); INSERT INTO directory_accounts VALUES ('a1', '7', 1, 'Sales', 'kept')");
    raw.close();
    const c = await connect(path);
    const [st] = await c.find({ attribute: 'person_id', value: '7' });
    assert.equal(st?.attributes.username, 'kept');
    assert.equal(st?.attributes.title, null);
    await c.close();
  });

  test('several targets in one SQLite file write at the same time without SQLITE_BUSY failures', async () => {
    const path = join(tempDir(), 'shared.db');
    const conns = await Promise.all(['a', 'b', 'c'].map((t) => connect(path, { table: `acc_${t}`, entitlements: { table: `roles_${t}`, accountColumn: 'account_id', entitlementColumn: 'role' } })));
    const results = await Promise.all(conns.flatMap((c) => Array.from({ length: 40 }, (_, i) => {
      const s = sqlSample(i);
      return c.apply(makeOp('directory', 'create', s.personId), makeCtx({ desired: { target: 'directory', personId: s.personId, exists: true, enabled: true, attributes: s.attributes, attributeReasons: {}, entitlements: [], lifecycle: { kind: 'manual', source: 't', detail: '' } } }));
    })));
    assert.deepEqual(results.filter((r) => !r.ok), []);
    const check = new Database(path, { readonly: true });
    for (const t of ['a', 'b', 'c']) assert.equal((check.prepare(`SELECT count(*) AS n FROM acc_${t}`).get() as { n: number }).n, 40);
    check.close();
    await Promise.all(conns.map((c) => c.close()));
  });

  test('bad options are a CONFIG_INVALID error naming the option path', async () => {
    const cfg = sqlTargetConfig({ driver: 'sqlite', path: '/tmp/x.db', key: 'id; DROP TABLE x', table: 'a"b' });
    await assert.rejects(() => createSqlTarget('erp', cfg.options, { log: memoryLog() }, cfg), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /targets\.erp\.options\.key: /);
      assert.match(e.message, /targets\.erp\.options\.table: /);
      return true;
    });
    const cfg2 = { ...sqlTargetConfig({ driver: 'sqlite', path: '/tmp/x.db', key: 'id' }), attributes: { 'bad-name': 'x' } };
    await assert.rejects(() => createSqlTarget('erp', cfg2.options, { log: memoryLog() }, cfg2), /targets\.erp\.attributes\.bad-name/);
  });
});
