/**
 * OIDC through `cadre serve` as a user runs it (a real CLI process) against a real oidc-provider: the client secret
 * comes from `env:`, a sign-in through the provider's pages lands signed in, and a wrong secret fails the token
 * exchange with a page and an audit entry, while the secret appears in no output of the process.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { spawnCli } from '../support/cli.js';
import { freePort } from '../support/console.js';
import { cookieClient, signInAtProviderWithFetch } from '../support/cookie-client.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { employee } from '../support/personio-fixture.js';

const SESSION = 'serve-oidc-test-session-secret-0123456789abcdef';

describe('cadre serve with OIDC', () => {
  let dir: string;
  let op: TestOidcProvider;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-serve-oidc-'));
    op = await startOidcProvider();
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Mia', last: 'Muster', department: 'Sales', office: 'Berlin' })] });
  });
  after(async () => {
    await personio?.close();
    await op?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Start `cadre serve` with the given client secret in the environment; resolves with its URL and output. */
  const serve = async (secret: string) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    op.allowRedirect(`${url}/auth/oidc/callback`);
    const file = writeEngineConfig({
      dir, personioUrl: personio.url,
      extra: `web:
  port: ${port}
  publicUrl: ${url}
  sessionSecret: env:CADRE_TEST_SESSION_SECRET
  oidc:
    name: Test IdP
    issuer: ${op.issuer}
    clientId: ${op.clientId}
    clientSecret: env:CADRE_TEST_OIDC_SECRET
    roleMap: { admin: [Cadre-Admins], auditor: [Audit] }
`,
    });
    const child: ChildProcess = spawnCli(['serve', '--no-scheduler', '--config', file], { env: { CADRE_TEST_SESSION_SECRET: SESSION, CADRE_TEST_OIDC_SECRET: secret } });
    const out = { stdout: '', stderr: '' };
    child.stdout?.on('data', (d: Buffer) => { out.stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { out.stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 600 && !out.stderr.includes(`cadre console: ${url}`); i += 1) await new Promise((r) => setTimeout(r, 100));
    assert.ok(out.stderr.includes(`cadre console: ${url}`), `the console started\n${out.stderr}`);
    return {
      url, file, out,
      async stop() {
        child.kill('SIGTERM');
        assert.equal(await exited, 0, out.stderr);
      },
    };
  };
  const auditEvents = async (file: string, event: string) => {
    const engine = await openEngine(await loadConfigOrThrow(file), { storeOnly: true });
    try {
      const rows: Record<string, unknown>[] = [];
      for await (const page of engine.store.audit.iterate()) for (const r of page) if (r.event === event) rows.push({ actor: r.actor, ...(JSON.parse(r.payload) as Record<string, unknown>) });
      return rows;
    } finally {
      await engine.close();
    }
  };

  test('the client secret from env: signs an auditor in through the provider', async () => {
    const s = await serve(op.clientSecret);
    try {
      const http = cookieClient();
      const page = await http.request(`${s.url}/sign-in`);
      assert.match(page.body, /Sign in with Test IdP/);
      const start = await http.request(`${s.url}/auth/oidc`);
      assert.equal(start.status, 302);
      const back = await http.request(await signInAtProviderWithFetch(cookieClient(), start.location ?? '', 'audrey'));
      assert.equal(back.status, 303, back.body.slice(0, 300));
      const home = await http.request(`${s.url}/`);
      assert.equal(home.status, 200);
      assert.match(home.body, /Audrey Audit \(Auditor\)/);
    } finally {
      await s.stop();
    }
    const signIns = await auditEvents(s.file, 'web.signIn');
    assert.deepEqual(signIns.map((e) => [e.actor, e.via, e.role]), [['web:audrey.audit@example.com', 'oidc', 'auditor']]);
    assert.ok(!`${s.out.stdout}${s.out.stderr}`.includes(op.clientSecret), 'the secret is in no output');
  });

  test('a wrong client secret fails the token exchange: a page, an audit entry, and the secret in no output', async () => {
    const wrong = 'wrong-client-secret-that-must-not-leak-0123';
    const s = await serve(wrong);
    try {
      const http = cookieClient();
      const start = await http.request(`${s.url}/auth/oidc`);
      const back = await http.request(await signInAtProviderWithFetch(cookieClient(), start.location ?? '', 'olivia'));
      assert.equal(back.status, 400);
      assert.match(back.body, /could not be completed/);
      assert.equal((await http.request(`${s.url}/`)).status, 302, 'not signed in');
    } finally {
      await s.stop();
    }
    const failed = await auditEvents(s.file, 'web.signIn.failed');
    assert.equal(failed.at(-1)?.code, 'OIDC_INVALID_RESPONSE');
    assert.ok(op.errors.some((e) => /invalid_client/.test(e)), op.errors.join('\n'));
    const all = `${s.out.stdout}${s.out.stderr}${JSON.stringify(failed)}`;
    assert.ok(!all.includes(wrong) && !all.includes(op.clientSecret), 'no secret in output or audit');
  });
});
