/**
 * `cadre init` and `cadre validate` as a user runs them: the real CLI process in a temp directory.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../../src/config/json-schema.js';

const BIN = fileURLToPath(new URL('../../bin/cadre.mjs', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function cadre(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PERSONIO_') && k !== 'CADRE_CONFIG'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...base, NO_COLOR: '1', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const CREDS = { PERSONIO_CLIENT_ID: 'cli-test-id', PERSONIO_CLIENT_SECRET: 'cli-test-secret-value' };

describe('cadre init', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-init-'));

  test('writes a commented cadre.yaml and the JSON schema beside it, and prints next steps', async () => {
    const r = await cadre(['init'], dir);
    assert.equal(r.code, 0, r.stderr);
    const yaml = readFileSync(join(dir, 'cadre.yaml'), 'utf8');
    assert.equal(yaml.split('\n')[0], '# yaml-language-server: $schema=./cadre.schema.json');
    assert.equal(readFileSync(join(dir, 'cadre.schema.json'), 'utf8'), configJsonSchemaText());
    assert.match(r.stdout, /Next steps:/);
    assert.match(r.stdout, /PERSONIO_CLIENT_ID/);
    assert.match(r.stdout, /cadre validate/);
  });

  test('refuses to overwrite an existing file without --force', async () => {
    writeFileSync(join(dir, 'cadre.yaml'), '# my edits\n');
    const r = await cadre(['init'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists.*--force/);
    assert.equal(readFileSync(join(dir, 'cadre.yaml'), 'utf8'), '# my edits\n');
    const forced = await cadre(['init', '--force'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(join(dir, 'cadre.yaml'), 'utf8'), '# my edits\n');
  });

  test('init writes where the other commands read: --config FILE (after the command too) and $CADRE_CONFIG', async () => {
    const r = await cadre(['init', '--config', 'by-flag/cadre.yaml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(join(dir, 'by-flag/cadre.yaml'), 'utf8').includes('version: 1'));
    const e = await cadre(['init'], dir, { CADRE_CONFIG: join(dir, 'by-env/cadre.yaml') });
    assert.equal(e.code, 0, e.stderr);
    assert.ok(readFileSync(join(dir, 'by-env/cadre.yaml'), 'utf8').includes('version: 1'));
    const v = await cadre(['validate', '--no-secrets'], dir, { CADRE_CONFIG: join(dir, 'by-env/cadre.yaml') });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  test('--path writes elsewhere (creating the directory); unknown options are usage errors', async () => {
    const r = await cadre(['init', '--path', 'conf/prod.yaml', '--personio-url', 'https://api.personio.de'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(join(dir, 'conf/prod.yaml'), 'utf8').includes('baseUrl: https://api.personio.de'));
    assert.ok(readFileSync(join(dir, 'conf/cadre.schema.json'), 'utf8').length > 1000);
    const bad = await cadre(['init', '--frce'], dir);
    assert.equal(bad.code, 2);
  });
});

describe('cadre validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-validate-'));

  test('the fresh example is valid once the Personio credentials are set; secrets are never printed', async () => {
    assert.equal((await cadre(['init'], dir)).code, 0);
    const r = await cadre(['validate'], dir, CREDS);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /cadre\.yaml is valid/);
    assert.match(r.stdout, /phonebook \(sql\)/);
    assert.ok(!(r.stdout + r.stderr).includes('cli-test-secret-value'));
  });

  test('a target that sets passwords without a sealing key warns that first passwords would be lost; with the key it does not', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cadre-validate-pw-'));
    try {
      assert.equal((await cadre(['init'], d)).code, 0);
      const file = join(d, 'cadre.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('    password: false', '    password: true'));
      const without = await cadre(['validate'], d, CREDS);
      assert.equal(without.code, 0, without.stdout + without.stderr);
      assert.match(without.stdout, /! first passwords: web\.sessionSecret is not set .* helpdesk has to reset them/);
      const secret = 'a-session-secret-of-at-least-32-characters!';
      const withKey = await cadre(['validate'], d, { ...CREDS, CADRE_SESSION_SECRET: secret });
      assert.doesNotMatch(withKey.stdout, /first passwords/);
      assert.ok(!(withKey.stdout + withKey.stderr).includes(secret));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('missing environment variables are reported as file:line  path: message, exit 2', async () => {
    const r = await cadre(['validate'], dir);
    assert.equal(r.code, 2);
    const yaml = readFileSync(join(dir, 'cadre.yaml'), 'utf8').split('\n');
    const line = yaml.findIndex((l) => l.includes('clientSecret: env:PERSONIO_CLIENT_SECRET')) + 1;
    assert.ok(r.stdout.includes(`cadre.yaml:${line}  source.clientSecret: environment variable PERSONIO_CLIENT_SECRET is not set`), r.stdout);
    assert.match(r.stderr, /2 problems/);
    const skipped = await cadre(['validate', '--no-secrets'], dir);
    assert.equal(skipped.code, 0, skipped.stdout);
  });

  test('every problem of a broken file, with lines; --json; --config and CADRE_CONFIG', async () => {
    const text = readFileSync(join(dir, 'cadre.yaml'), 'utf8')
      .replace('    maxLength: 20', '    maxLenght: 20')
      .replace('      table: people\n', '      table: people-table\n')
      .replace('  retentionDays: 90', '  retentionDays: -1');
    writeFileSync(join(dir, 'broken.yaml'), text);
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

    const r = await cadre(['validate', '--config', 'broken.yaml'], dir, CREDS);
    assert.equal(r.code, 2);
    const out = r.stdout.trim().split('\n');
    assert.ok(out.includes(`broken.yaml:${lineOf('maxLenght')}  identifiers.username.maxLenght: unknown key "maxLenght" (did you mean "maxLength"?)`), r.stdout);
    assert.ok(out.some((l) => l.startsWith(`broken.yaml:${lineOf('retentionDays: -1')}  lifecycle.retentionDays: `)), r.stdout);
    assert.equal(out.length, 2, 'schema errors first; the SQL option error shows once the schema passes');

    const fixed = text.replace('    maxLenght: 20', '    maxLength: 20').replace('  retentionDays: -1', '  retentionDays: 90');
    writeFileSync(join(dir, 'broken.yaml'), fixed);
    const j = await cadre(['validate', '--json'], dir, { ...CREDS, CADRE_CONFIG: 'broken.yaml' });
    assert.equal(j.code, 2);
    const parsed = JSON.parse(j.stdout) as { valid: boolean; file: string; problems: { path: string; message: string; line: number }[] };
    assert.equal(parsed.valid, false);
    assert.equal(parsed.file, 'broken.yaml');
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]?.path, 'targets.phonebook.options.table');
    assert.equal(parsed.problems[0]?.line, lineOf('table: people-table'));
  });

  test('YAML syntax errors and a missing file', async () => {
    writeFileSync(join(dir, 'syntax.yaml'), 'source:\n  type: personio\n    clientId: x\n');
    const s = await cadre(['validate', '-c', 'syntax.yaml'], dir);
    assert.equal(s.code, 2);
    assert.match(s.stdout, /^syntax\.yaml:\d+ {2}YAML syntax error: .*\(line \d+, column \d+\)/m);
    const m = await cadre(['validate', '-c', 'missing.yaml'], dir);
    assert.equal(m.code, 2);
    assert.match(m.stdout, /missing\.yaml not found/);
  });
});
