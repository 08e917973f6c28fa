/** `npm start` (cadre demo) serves the console: it prints the URL and one sign-in per role, and they work. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli } from '../support/cli.js';

test('the demo prints the console URL and a working sign-in per role', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-demo-web-'));
  const child = spawnCli(['demo', '--dir', dir, '--people', '40', '--tick', '30s', '--port', '0']);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    for (let i = 0; i < 900 && !/auditor\s+demo-auditor\s+\S+/.test(out); i += 1) await new Promise((r) => setTimeout(r, 100));
    const base = /Web console: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(base, out);
    for (const role of ['admin', 'helpdesk', 'manager', 'auditor']) {
      const password = new RegExp(`${role}\\s+demo-${role}\\s+(\\S+)`).exec(out)?.[1];
      assert.ok(password, `a sign-in for ${role}:\n${out}`);
      const form = await fetch(`${base}/sign-in`);
      const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] as string;
      const signIn = await fetch(`${base}/sign-in`, {
        method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, username: `demo-${role}`, password }).toString(),
      });
      assert.equal(signIn.status, 303, role);
      const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const home = await fetch(`${base}/persons`, { headers: { cookie: session }, redirect: 'manual' });
      assert.equal(home.status, 200, role);
      assert.match(await home.text(), new RegExp(`Demo ${role}`));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
