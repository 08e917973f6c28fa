/** `cadre personio webhooks register|list|remove` against the Personio simulator, as a user runs it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { PersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';

let dir: string;
let sim: PersonioSimulator;
let file: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-webhooks-cli-'));
  sim = await startPersonioSimulator({ credentials: { clientId: 'test-client', clientSecret: 'test-secret' } });
  file = writeEngineConfig({ dir, personioUrl: sim.url });
});
after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('register creates the webhook and enables it explicitly; list shows it without the token; remove deletes it', async () => {
  const env = { CADRE_TEST_HOOK_TOKEN: 'hook-token-Zq81' };
  const reg = await runCli(['personio', 'webhooks', 'register', '--config', file, '--url', 'https://cadre.example.com/personio/webhook', '--token-env', 'CADRE_TEST_HOOK_TOKEN', '--json'], { env });
  assert.equal(reg.code, 0, reg.stderr);
  const hook = JSON.parse(reg.stdout) as { id: string; status: string; events: string[] };
  assert.equal(hook.status, 'ENABLED');
  assert.ok(hook.events.includes('person.updated'));
  assert.equal(sim.webhooks.get(hook.id)?.token, 'hook-token-Zq81', 'the token is registered verbatim');
  // Created DISABLED (Personio's default), then enabled by PATCH.
  const calls = sim.stats.requests.filter((r) => r.path.startsWith('/v2/webhooks')).map((r) => r.method);
  assert.deepEqual(calls, ['POST', 'PATCH']);
  assert.ok(!reg.stdout.includes('hook-token-Zq81') && !reg.stderr.includes('hook-token-Zq81'));

  const list = await runCli(['personio', 'webhooks', 'list', '--config', file]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${hook.id}\\s+ENABLED\\s+https://cadre.example.com/personio/webhook`));
  assert.ok(!list.stdout.includes('hook-token-Zq81'));

  const rm = await runCli(['personio', 'webhooks', 'remove', hook.id, '--config', file]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(sim.webhooks.size, 0);

  const usage = await runCli(['personio', 'webhooks', 'register', '--config', file, '--url', 'https://x.example.com']);
  assert.equal(usage.code, 2);
});
