import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSqlTargetOptions, sqlTargetGuard } from './guard.js';
import { toSqlError } from './errors.js';
import { buildMapping, isManagedEntitlement } from './mapping.js';

const base = { driver: 'sqlite', path: '/tmp/erp.db', table: 'accounts', key: 'id', correlationColumn: 'employee_id' };

describe('sqlTargetGuard', () => {
  test('accepts a minimal config and fills defaults', () => {
    const o = sqlTargetGuard.parse(base);
    assert.equal(o.generateKey, false);
    assert.equal(o.createTables, false);
    assert.equal(o.pageSize, 500);
    assert.equal(o.concurrency, 4);
    assert.deepEqual(o.columns, {});
    assert.ok(sqlTargetGuard.safeParse({ ...base, driver: 'postgres', path: undefined, url: 'postgres://u@h/db', schema: 'erp' }).success);
  });

  const injections = [
    'accounts; DROP TABLE accounts', 'a"b', "a'b", 'accounts--', 'a b', '1accounts', 'public.accounts', 'a)', '', 'naïve',
    'accounts/*x*/', 'x'.repeat(64), '"accounts"', 'a\u0000b',
  ];
  for (const field of ['table', 'key', 'correlationColumn', 'enabledColumn', 'containerColumn'] as const) {
    test(`rejects SQL injection and non-identifiers in ${field}`, () => {
      for (const bad of injections) {
        const r = sqlTargetGuard.safeParse({ ...base, [field]: bad });
        assert.equal(r.success, false, `${field}=${JSON.stringify(bad)} must be rejected`);
      }
    });
  }

  test('rejects bad identifiers in columns, schema and the entitlement table', () => {
    for (const bad of injections) {
      assert.equal(sqlTargetGuard.safeParse({ ...base, columns: { username: bad } }).success, false, `column ${bad}`);
      assert.equal(sqlTargetGuard.safeParse({ ...base, driver: 'postgres', path: undefined, url: 'postgres://h/db', schema: bad }).success, false, `schema ${bad}`);
      for (const k of ['table', 'accountColumn', 'entitlementColumn']) {
        const entitlements = { table: 'roles', accountColumn: 'account_id', entitlementColumn: 'role', [k]: bad };
        assert.equal(sqlTargetGuard.safeParse({ ...base, entitlements }).success, false, `entitlements.${k} ${bad}`);
      }
    }
  });

  test('accepts plain identifiers, including reserved words (they are quoted when used)', () => {
    assert.ok(sqlTargetGuard.safeParse({ ...base, table: 'user', key: 'order', columns: { username: 'Login_Name2', x: '_x' } }).success);
  });

  test('driver-specific connection options', () => {
    assert.equal(sqlTargetGuard.safeParse({ ...base, path: undefined }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, url: 'postgres://h/db' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, schema: 'erp' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, driver: 'postgres' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, driver: 'mysql' }).success, false);
  });

  test('structural columns must be distinct; attributes cannot live in them', () => {
    assert.equal(sqlTargetGuard.safeParse({ ...base, enabledColumn: 'ID' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, enabledColumn: 'status', containerColumn: 'status' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, containerColumn: 'dept', columns: { department: 'dept' } }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, generateKey: true, columns: { username: 'id' } }).success, false);
    assert.ok(sqlTargetGuard.safeParse({ ...base, columns: { username: 'id' } }).success, 'a natural key may be an attribute');
    assert.equal(sqlTargetGuard.safeParse({ ...base, entitlements: { table: 'r', accountColumn: 'a', entitlementColumn: 'A' } }).success, false);
  });

  test('rejects unknown options and out-of-range numbers', () => {
    assert.equal(sqlTargetGuard.safeParse({ ...base, tabel: 'x' }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, pageSize: 0 }).success, false);
    assert.equal(sqlTargetGuard.safeParse({ ...base, concurrency: 1.5 }).success, false);
  });
});

describe('parseSqlTargetOptions', () => {
  test('throws CONFIG_INVALID naming every path, without echoing the URL', () => {
    assert.throws(
      () => parseSqlTargetOptions('erp', { ...base, driver: 'postgres', path: undefined, url: 'postgres://u:Secret1@h/db', table: 'x;y', columns: { mail: 'e-mail' } }),
      (e: { code?: string; message: string }) => {
        assert.equal(e.code, 'CONFIG_INVALID');
        assert.match(e.message, /targets\.erp\.options\.table: must be a plain SQL identifier/);
        assert.match(e.message, /targets\.erp\.options\.columns\.mail: /);
        assert.ok(!e.message.includes('Secret1'));
        return true;
      },
    );
  });
});

describe('buildMapping', () => {
  const opts = sqlTargetGuard.parse({ ...base, columns: { username: 'login', personnelNo: 'employee_id' }, enabledColumn: 'active' });
  test('maps configured and same-named attributes; the correlation attribute is the mapped one', () => {
    const m = buildMapping('erp', opts, { attributes: { username: 'x', title: 'y' } });
    assert.equal(m.columns.get('username'), 'login');
    assert.equal(m.columns.get('title'), 'title');
    assert.equal(m.correlationAttribute, 'personnelNo');
    const m2 = buildMapping('erp', sqlTargetGuard.parse(base), { attributes: {} });
    assert.equal(m2.correlationAttribute, 'employee_id');
  });
  test('attributes that are not identifiers or hit structural columns need an explicit mapping', () => {
    assert.throws(() => buildMapping('erp', opts, { attributes: { 'display-name': 'x' } }), /targets\.erp\.attributes\.display-name/);
    assert.throws(() => buildMapping('erp', opts, { attributes: { active: 'x' } }), { code: 'CONFIG_INVALID' });
  });
});

describe('isManagedEntitlement', () => {
  test('exact names, trailing-* prefixes, everything when the list is empty', () => {
    assert.equal(isManagedEntitlement([], 'anything'), true);
    assert.equal(isManagedEntitlement(['erp:*', 'Phone'], 'erp:sales'), true);
    assert.equal(isManagedEntitlement(['erp:*', 'Phone'], 'Phone'), true);
    assert.equal(isManagedEntitlement(['erp:*', 'Phone'], 'phone'), false);
    assert.equal(isManagedEntitlement(['erp:*'], 'legacy:erp:x'), false);
  });
});

describe('toSqlError', () => {
  const err = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });
  test('maps SQLite and PostgreSQL codes', () => {
    const cases: Array<[string, string, boolean]> = [
      ['SQLITE_CONSTRAINT_UNIQUE', 'SQL_UNIQUE_VIOLATION', false],
      ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQL_UNIQUE_VIOLATION', false],
      ['SQLITE_BUSY', 'SQL_UNAVAILABLE', true],
      ['SQLITE_CANTOPEN', 'SQL_UNAVAILABLE', false],
      ['23505', 'SQL_UNIQUE_VIOLATION', false],
      ['23502', 'SQL_NOT_NULL_VIOLATION', false],
      ['22001', 'SQL_VALUE_TOO_LONG', false],
      ['42P01', 'SQL_SCHEMA_MISMATCH', false],
      ['40P01', 'SQL_UNAVAILABLE', true],
      ['08006', 'SQL_UNAVAILABLE', true],
      ['28P01', 'SQL_AUTH_FAILED', false],
      ['ECONNREFUSED', 'SQL_UNAVAILABLE', true],
      ['XX000', 'SQL_ERROR', false],
    ];
    for (const [code, expected, transient] of cases) {
      const e = toSqlError(err(code));
      assert.equal(e.code, expected, code);
      assert.equal(e.transient, transient, `${code} transient`);
    }
    assert.equal(toSqlError(err('SQLITE_ERROR', 'no such column: x')).code, 'SQL_SCHEMA_MISMATCH');
  });
  test('strips URLs from messages', () => {
    const e = toSqlError(new Error('cannot reach postgres://cadre:pw@db.example/erp now'));
    assert.ok(!e.message.includes('pw@'));
    assert.match(e.message, /<url>/);
  });
});

describe('enabled flag values', () => {
  test('default, custom and inverted (e.g. a "locked" column) values', async () => {
    const { readEnabled, writeEnabled } = await import('./schema.js');
    const plain = sqlTargetGuard.parse({ ...base, enabledColumn: 'active' });
    assert.equal(writeEnabled(plain, 'sqlite', undefined, true), 1);
    for (const v of [true, 1, '1', 't', 'TRUE', 'yes']) assert.equal(readEnabled(plain, v), true, String(v));
    for (const v of [false, 0, '0', 'f', 'no', null]) assert.equal(readEnabled(plain, v), false, String(v));
    const yn = sqlTargetGuard.parse({ ...base, enabledColumn: 'active', enabledValues: { enabled: 'Y', disabled: 'N' } });
    assert.equal(writeEnabled(yn, 'postgres', undefined, false), 'N');
    assert.equal(readEnabled(yn, 'Y'), true);
    assert.equal(readEnabled(yn, 'N'), false);
    const locked = sqlTargetGuard.parse({ ...base, enabledColumn: 'locked', enabledValues: { enabled: false, disabled: true } });
    assert.equal(writeEnabled(locked, 'sqlite', undefined, true), 0);
    assert.equal(writeEnabled(locked, 'postgres', undefined, false), true);
    assert.equal(readEnabled(locked, 0), true);
    assert.equal(readEnabled(locked, true), false);
  });
});
