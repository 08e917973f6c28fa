/**
 * `cadre users` and `cadre serve` as a user runs them (real CLI processes): passwords only from stdin or a prompt,
 * hashes never shown or audited; the console serves health routes and runs the sync schedule in the same process,
 * refuses to start without a session secret, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { cliBin, repoRoot, runCli, spawnCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const SECRET = 'cli-test-session-secret-0123456789abcdefghij';

function cliWithStdin(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('cadre users and cadre serve', () => {
  let dir: string;
  let file: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-web-cli-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Mia', last: 'Muster', department: 'Sales', office: 'Berlin' })] });
    file = writeEngineConfig({ dir, personioUrl: personio.url, extra: 'web: { sessionSecret: env:CADRE_TEST_SESSION_SECRET }' });
  });
  after(async () => {
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('users add/list/passwd/remove: password from stdin only, audited without the hash', async () => {
    const add = await cliWithStdin(['users', 'add', 'Alice', '--role', 'admin', '--name', 'Alice Admin', '--password-stdin', '--config', file], 'correct-horse-battery\n');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /added alice \(admin\)/);
    const onArgv = await runCli(['users', 'add', 'bob', '--role', 'admin', '--password', 'on-the-command-line', '--config', file]);
    assert.equal(onArgv.code, 2);
    assert.match(onArgv.stderr, /never taken on the command line/);
    const noTty = await runCli(['users', 'add', 'bob', '--role', 'admin', '--config', file]);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /--password-stdin/);
    const short = await cliWithStdin(['users', 'add', 'bob', '--role', 'admin', '--password-stdin', '--config', file], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 12 characters/);
    const badRole = await cliWithStdin(['users', 'add', 'bob', '--role', 'root', '--password-stdin', '--config', file], 'long-enough-password\n');
    assert.equal(badRole.code, 2);
    const dup = await cliWithStdin(['users', 'add', 'ALICE', '--role', 'auditor', '--password-stdin', '--config', file], 'long-enough-password\n');
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /exists already/);

    const list = await runCli(['users', 'list', '--json', '--config', file]);
    assert.equal(list.code, 0, list.stderr);
    const users = JSON.parse(list.stdout) as Record<string, unknown>[];
    assert.deepEqual(users.map((u) => [u.username, u.role, u.displayName]), [['alice', 'admin', 'Alice Admin']]);
    assert.ok(!list.stdout.includes('argon2'), 'no hash in the listing');

    const passwd = await cliWithStdin(['users', 'passwd', 'alice', '--password-stdin', '--config', file], 'another-long-password\n');
    assert.equal(passwd.code, 0, passwd.stderr);
    const remove = await runCli(['users', 'remove', 'alice', '--config', file]);
    assert.equal(remove.code, 0, remove.stderr);
    assert.equal((await runCli(['users', 'remove', 'alice', '--config', file])).code, 2);

    const engine = await openEngine(await loadConfigOrThrow(file), { storeOnly: true });
    try {
      const rows = [];
      for await (const page of engine.store.audit.iterate()) rows.push(...page.filter((r) => r.event.startsWith('web.user.')));
      assert.deepEqual(rows.map((r) => r.event), ['web.user.added', 'web.user.password', 'web.user.removed']);
      for (const r of rows) {
        assert.ok(!r.payload.includes('argon2') && !r.payload.includes('passwordHash'), `no hash in ${r.event}`);
        assert.ok(!r.payload.includes('correct-horse') && !r.payload.includes('another-long'), 'no password');
      }
      assert.match(rows[0]?.actor ?? '', /^cli/);
    } finally {
      await engine.close();
    }
  });

  test('users add on a terminal: the password is prompted for twice and never echoed', async () => {
    // `script` (util-linux) gives the CLI a real pseudo-terminal; the answers are typed once each prompt shows.
    const password = 'typed-on-a-terminal-123';
    const cmd = [process.execPath, cliBin, 'users', 'add', 'terminal-user', '--role', 'auditor', '--config', file].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let answered = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const prompts = (out.match(/New password: |Repeat it: /g) ?? []).length;
      for (; answered < prompts; answered += 1) child.stdin.write(`${password}\r`);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /New password: /);
    assert.match(out, /Repeat it: /);
    assert.match(out, /added terminal-user \(auditor\)/);
    assert.ok(!out.includes(password), `the password was echoed:\n${out}`);
  });

  test('serve without a session secret: a config error naming the setting', async () => {
    const r = await runCli(['serve', '--port', '0', '--config', file], { env: { CADRE_TEST_SESSION_SECRET: '' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /web\.sessionSecret/);
    assert.match(r.stderr, /CADRE_TEST_SESSION_SECRET is not set/);
  });

  test('serve: prints the URL, answers health routes, runs the schedule in the same process, stops on SIGTERM', async () => {
    const child = spawnCli(['serve', '--port', '0', '--every', '1s', '--full-every', '1h', '--config', file], { env: { CADRE_TEST_SESSION_SECRET: SECRET } });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const until = async (what: () => boolean, label: string): Promise<void> => {
        for (let i = 0; i < 600 && !what(); i += 1) await new Promise((r) => setTimeout(r, 100));
        assert.ok(what(), `${label}\nstdout: ${stdout}\nstderr: ${stderr}`);
      };
      await until(() => /cadre console: http:\/\/127\.0\.0\.1:\d+/.test(stderr), 'the URL is printed');
      const base = /cadre console: (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1] as string;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.deepEqual(await (await fetch(`${base}/readyz`)).json(), { ok: true, store: 'sqlite' });
      const page = await fetch(`${base}/sign-in`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post" action="\/sign-in"/);
      await until(() => /full sync: /.test(stdout), 'the scheduler ran a full sync');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /cadre_runs_total\{[^}]*kind="full"[^}]*\} 1/);
      assert.match(metrics, /cadre_last_sync_timestamp_seconds/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /stopping/);
  });
});
