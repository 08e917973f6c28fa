import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configGuard } from './schema.js';
import { firstPasswordCheck } from './first-password-check.js';

const parse = (targets: Record<string, unknown>, tap: Record<string, unknown> = {}, delivery = 'tap') => configGuard.parse({
  source: { type: 'personio', clientId: 'x', clientSecret: 'y' }, targets, notifications: { passwordDelivery: delivery }, firstPassword: { tap },
});

test('tap needs exactly one entra target, or the one named', () => {
  assert.deepEqual(firstPasswordCheck(parse({ entra: { type: 'entra' }, erp: { type: 'sql' } })), []);
  assert.deepEqual(firstPasswordCheck(parse({ erp: { type: 'sql' } }, {}, 'console')), [], 'only with tap');
  assert.match(firstPasswordCheck(parse({ erp: { type: 'sql' } }))[0]?.message ?? '', /needs an enabled entra target/);
  assert.match(firstPasswordCheck(parse({ a: { type: 'entra' }, b: { type: 'entra' } }))[0]?.message ?? '', /several entra targets \(a, b\)/);
  assert.deepEqual(firstPasswordCheck(parse({ a: { type: 'entra' }, b: { type: 'entra' } }, { target: 'b' })), []);
  assert.deepEqual(firstPasswordCheck(parse({ a: { type: 'entra' }, erp: { type: 'sql' } }, { target: 'erp' }))[0]?.path, ['firstPassword', 'tap', 'target']);
  assert.match(firstPasswordCheck(parse({ a: { type: 'entra' } }, { target: 'nope' }))[0]?.message ?? '', /unknown target "nope"/);
});
