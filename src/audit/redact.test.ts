import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson } from './canonical.js';
import { csvCell } from './export.js';
import { redact } from './redact.js';

describe('redact', () => {
  test('replaces secret-named keys at any depth and leaves the input untouched', () => {
    const input = { user: 'a', Password: 'p', pass: 'q', nested: { unicodePwd: 'u', apiToken: 't', list: [{ clientSecret: 's' }, 'plain'] }, passwordProfile: { forceChange: true }, authorization: 'Bearer x', credential: 'c', passive: 'no' };
    const out = redact(input) as Record<string, unknown>;
    assert.deepEqual(out, {
      user: 'a', Password: '[redacted]', pass: '[redacted]',
      nested: { unicodePwd: '[redacted]', apiToken: '[redacted]', list: [{ clientSecret: '[redacted]' }, 'plain'] },
      passwordProfile: '[redacted]', authorization: '[redacted]', credential: '[redacted]',
      // "passive" contains "pass": over-redacting is the safe side.
      passive: '[redacted]',
    });
    assert.equal(input.Password, 'p');
  });

  test('handles cycles, dates, buffers, maps and non-JSON values', () => {
    const a: Record<string, unknown> = { d: new Date('2025-01-01T00:00:00Z'), b: Buffer.from('secret'), m: new Map<string, unknown>([['token', 'x'], ['k', 1]]), f: () => 1, n: 10n };
    a.self = a;
    assert.deepEqual(redact(a), { d: '2025-01-01T00:00:00.000Z', b: '[binary 6 bytes]', m: { token: '[redacted]', k: 1 }, n: '10', self: '[circular]' });
    const shared = { mail: 'a@example.test' };
    assert.deepEqual(redact({ before: shared, after: shared, list: [shared, shared] }), { before: shared, after: shared, list: [shared, shared] });
    assert.equal(redact('x'), 'x');
    assert.equal(redact(null), null);
  });
});

describe('canonicalJson', () => {
  test('sorts keys, drops undefined members, is stable', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,null]},"b":1}');
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });
});

describe('csvCell', () => {
  test('prefixes formula starters and quotes per RFC 4180', () => {
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@x'), "'@x");
    assert.equal(csvCell('\tx'), "'\tx");
    assert.equal(csvCell('\rx'), `"'\rx"`);
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('l1\nl2'), '"l1\nl2"');
    assert.equal(csvCell('=a,"b"'), `"'=a,""b"""`);
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(12), '12');
  });
});

test('redact takes a registered secret value out of any string, whatever its key (an error quoting a URL or a request)', async () => {
  const { registerSecret, forgetSecrets } = await import('../config/secrets.js');
  const canary = 'smtp-canary-Pw77!long';
  registerSecret(canary);
  try {
    const out = JSON.stringify(redact({ error: { code: 'X', message: `login as cadre:${canary} refused` }, list: [`${canary}`], note: 'plain' }));
    assert.ok(!out.includes(canary), out);
    assert.match(out, /login as cadre:\[redacted\] refused/);
    assert.match(out, /plain/);
  } finally {
    forgetSecrets();
  }
});
