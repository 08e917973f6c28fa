import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config/errors.js';
import { webhookToken } from './webhook-route.js';

test('the webhook token must be long enough not to be guessed against the open receiver', () => {
  const hooks = (token: string) => ({ enabled: true, token, path: '/webhooks/personio', bodyLimit: 65536 }) as Parameters<typeof webhookToken>[0];
  process.env.CADRE_TEST_SHORT_HOOK = 'abc123';
  process.env.CADRE_TEST_LONG_HOOK = 'a'.repeat(16);
  assert.throws(() => webhookToken(hooks('env:CADRE_TEST_SHORT_HOOK')), (e: unknown) => e instanceof ConfigError && /at least 16/.test(e.message));
  assert.equal(webhookToken(hooks('env:CADRE_TEST_LONG_HOOK')), 'a'.repeat(16));
});
