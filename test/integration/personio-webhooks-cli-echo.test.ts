/**
 * `cadre personio webhooks register` against a Personio-shaped service that rejects the webhook and quotes the
 * request back (token included, as a validation error may): the CLI's error output must not show the token.
 * A real HTTP server on loopback answering the two calls the command makes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';

let dir: string;
let server: Server;
let file: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-webhooks-echo-'));
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/v2/auth/token')) {
        res.end(JSON.stringify({ access_token: 'access-token-abc', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      res.statusCode = 422;
      res.end(JSON.stringify({ errors: [{ title: 'Invalid webhook', detail: `cannot reach url with request ${text}` }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  file = writeEngineConfig({ dir, personioUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('a rejected registration that quotes the token does not print it', async () => {
  const token = 'hook-canary-Xk29pQ7';
  const reg = await runCli(['personio', 'webhooks', 'register', '--config', file, '--url', 'https://cadre.example.com/personio/webhook', '--token-env', 'CADRE_TEST_HOOK_TOKEN'], { env: { CADRE_TEST_HOOK_TOKEN: token } });
  assert.notEqual(reg.code, 0);
  assert.match(reg.stderr, /Invalid webhook/, reg.stderr);
  assert.ok(!reg.stdout.includes(token) && !reg.stderr.includes(token), reg.stderr);
});
