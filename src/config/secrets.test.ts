import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { forgetSecrets, redactSecrets, registerSecret, resolveConfigSecrets, resolveSecret } from './secrets.js';
import { configGuard } from './schema.js';

afterEach(() => forgetSecrets());

describe('resolveSecret', () => {
  test('env: reads the variable and registers it for redaction', () => {
    assert.equal(resolveSecret('env:MY_SECRET', 'source.clientSecret', { env: { MY_SECRET: 'hunter2-xyz' } }), 'hunter2-xyz');
    assert.equal(redactSecrets('auth failed for hunter2-xyz!'), 'auth failed for [redacted]!');
  });

  test('a missing variable is a ConfigError naming path and variable, without any value', () => {
    try {
      resolveSecret('env:NOPE_NOT_SET', 'notifications.smtp.pass', { env: { OTHER: 'leak-me-not' } });
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.deepEqual(e.problems, [{ path: 'notifications.smtp.pass', message: 'environment variable NOPE_NOT_SET is not set' }]);
      assert.ok(!e.message.includes('leak-me-not'));
    }
  });

  test('an empty variable counts as missing; a malformed name is reported', () => {
    assert.throws(() => resolveSecret('env:EMPTY', 'p', { env: { EMPTY: '' } }), /EMPTY is not set/);
    assert.throws(() => resolveSecret('env:bad name', 'p', { env: {} }), /must be followed by an environment variable name/);
  });

  test('file: reads and trims the file; relative paths use baseDir; a missing file is a ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadre-secrets-'));
    writeFileSync(join(dir, 'pw.txt'), '  s3cret-from-file \n');
    assert.equal(resolveSecret(`file:${join(dir, 'pw.txt')}`, 'store.url'), 's3cret-from-file');
    assert.equal(resolveSecret('file:pw.txt', 'store.url', { baseDir: dir }), 's3cret-from-file');
    assert.throws(() => resolveSecret('file:missing.txt', 'targets.ad.options.bindPassword', { baseDir: dir }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems[0]?.path, 'targets.ad.options.bindPassword');
      assert.match(e.problems[0]?.message ?? '', /missing\.txt does not exist/);
      return true;
    });
    writeFileSync(join(dir, 'empty.txt'), '\n');
    assert.throws(() => resolveSecret('file:empty.txt', 'p', { baseDir: dir }), /is empty/);
  });

  test('anything else is literal', () => {
    assert.equal(resolveSecret('plain-value', 'p', { env: {} }), 'plain-value');
    assert.equal(resolveSecret('environment', 'p', { env: {} }), 'environment');
  });
});

describe('redactSecrets', () => {
  test('redacts URL passwords separately (encoded and decoded) and longer values first', () => {
    registerSecret('postgres://cadre:p%40ss-word@db.example.com/cadre');
    assert.equal(redactSecrets('connect postgres://cadre:p%40ss-word@db.example.com/cadre failed'), 'connect [redacted] failed');
    assert.equal(redactSecrets('password "p@ss-word" rejected'), 'password "[redacted]" rejected');
    assert.equal(redactSecrets('p%40ss-word'), '[redacted]');
  });
  test('very short values are not registered (they would mangle ordinary text)', () => {
    registerSecret('ab');
    assert.equal(redactSecrets('about abba'), 'about abba');
  });
});

describe('resolveConfigSecrets', () => {
  const base = configGuard.parse({
    source: { type: 'personio', clientId: 'env:PID', clientSecret: 'env:PSECRET' },
    store: { driver: 'postgres', url: 'env:DB_URL' },
    notifications: { smtp: { host: 'smtp.example.com', from: 'c@example.com', user: 'env:SMTP_USER', pass: 'env:SMTP_PASS' } },
    targets: {
      ad: { type: 'ad', options: { url: 'ldaps://dc1.example.com', bindPassword: 'env:BIND', baseDN: 'env:NOT_A_SECRET_KEY', nested: { apiToken: 'env:TOKEN' }, path: 'env:IGNORED' } },
      entra: { type: 'entra', options: { tenantId: 'env:NOT_RESOLVED', clientId: 'env:ENTRA_ID', clientSecret: 'env:ENTRA_SECRET' } },
    },
  });
  const env = { PID: 'id-1234', PSECRET: 'personio-secret', DB_URL: 'postgres://u:dbpass99@h/db', SMTP_USER: 'mailer', SMTP_PASS: 'smtp-secret', BIND: 'bind-secret', TOKEN: 'tok-secret', ENTRA_ID: 'entra-app-1', ENTRA_SECRET: 'entra-secret' };

  test('resolves the fixed fields and secret-looking target options (nested too), nothing else', () => {
    const { config, problems } = resolveConfigSecrets(base, { env });
    assert.deepEqual(problems, []);
    assert.equal(config.source.clientId, 'id-1234');
    assert.equal(config.source.clientSecret, 'personio-secret');
    assert.equal(config.store.driver === 'postgres' && config.store.url, 'postgres://u:dbpass99@h/db');
    assert.equal(config.notifications.smtp?.user, 'mailer');
    assert.equal(config.notifications.smtp?.pass, 'smtp-secret');
    const o = config.targets.ad?.options ?? {};
    assert.equal(o.bindPassword, 'bind-secret');
    assert.equal(o.url, 'ldaps://dc1.example.com');
    assert.equal(o.baseDN, 'env:NOT_A_SECRET_KEY', 'keys that do not look secret are left alone');
    assert.equal(o.path, 'env:IGNORED');
    assert.deepEqual(o.nested, { apiToken: 'tok-secret' });
    // The init example's Entra block reads the app id from env: (cadre init's `clientId: env:ENTRA_CLIENT_ID`).
    assert.deepEqual(config.targets.entra?.options, { tenantId: 'env:NOT_RESOLVED', clientId: 'entra-app-1', clientSecret: 'entra-secret' });
    assert.equal(base.source.clientSecret, 'env:PSECRET', 'input is not mutated');
    assert.equal(redactSecrets('x dbpass99 y bind-secret'), 'x [redacted] y [redacted]');
  });

  test('collects every missing reference as a problem', () => {
    const { problems } = resolveConfigSecrets(base, { env: { PID: 'x' } });
    assert.deepEqual(problems.map((p) => p.path), [
      'source.clientSecret', 'store.url', 'notifications.smtp.user', 'notifications.smtp.pass', 'targets.ad.options.bindPassword', 'targets.ad.options.nested.apiToken',
      'targets.entra.options.clientId', 'targets.entra.options.clientSecret',
    ]);
  });
});
