import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { forgetSecrets, registerSecret } from '../config/secrets.js';
import { createLogger } from './log.js';

test('a registered secret is taken out of log messages, string fields and errors, whatever the key', () => {
  const canary = 'pg-canary-Sx81!long';
  registerSecret(canary);
  try {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { out += chunk.toString(); cb(); } });
    const log = createLogger('info', sink);
    log.error({ err: `connect to postgres://cadre:${canary}@db/cadre failed`, url: '/x' }, 'web request failed');
    log.warn(`store unreachable: ${canary}`);
    log.error({ detail: { body: `{"password":"${canary}"}` } }, 'nested');
    log.error(new Error(`bad ${canary}`));
    assert.ok(out.length > 0);
    assert.ok(!out.includes(canary), out);
    assert.match(out, /\[redacted\]/);
    assert.match(out, /web request failed/);
  } finally {
    forgetSecrets();
  }
});
