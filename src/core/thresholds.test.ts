import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from './model.js';
import { config } from './test-support.js';
import { evaluateThresholds, expiringPersons } from './thresholds.js';

const op = (action: Operation['action'], target: string, personId: string, entitlement?: string): Operation => ({
  id: `${action}${target}${personId}${entitlement ?? ''}`, action, target, personId, changes: [], dependsOn: [], reason: { kind: 'rule', source: 'x', detail: '' }, ...(entitlement ? { entitlement } : {}),
}) as Operation;

test('default applies to destructive actions only, counting distinct persons', () => {
  const t = config().thresholds; // default count 25, percent 10
  const ops = [...Array.from({ length: 30 }, (_, i) => op('create', 'ad', String(i))), op('revoke', 'ad', '1', 'a'), op('revoke', 'ad', '1', 'b')];
  assert.deepEqual(evaluateThresholds(ops, t, 1000), []);
  const disables = Array.from({ length: 11 }, (_, i) => op('disable', 'ad', String(i)));
  const b = evaluateThresholds(disables, t, 100);
  assert.deepEqual(b.map((x) => [x.target, x.action, x.count, x.population]), [['ad', 'disable', 11, 100]]);
  assert.match(b[0]?.limit ?? '', /thresholds.default: 11.0% of 100 > 10%/);
});

test('most specific limit wins: target+action > action > default; explicit non-destructive limits apply', () => {
  const t = config({ thresholds: { default: { count: 1 }, actions: { disable: { count: 5 }, create: { count: 2 } }, targets: { sql: { disable: { count: 0 } } } } }).thresholds;
  const ops = [
    ...['1', '2', '3'].map((p) => op('disable', 'ad', p)),
    op('disable', 'sql', '1'),
    ...['1', '2', '3'].map((p) => op('create', 'ad', p)),
    op('delete', 'ad', '1'), op('delete', 'ad', '2'),
  ];
  const b = evaluateThresholds(ops, t, 1000);
  assert.deepEqual(b.map((x) => `${x.target}:${x.action}:${x.limit.split(':')[0]}`), ['ad:create:thresholds.actions.create', 'ad:delete:thresholds.default', 'sql:disable:thresholds.targets.sql.disable']);
});

test('percent limits wait for percentMinCount people; count limits do not', () => {
  const t = config().thresholds; // percentMinCount 5
  const few = Array.from({ length: 4 }, (_, i) => op('disable', 'ad', String(i)));
  assert.deepEqual(evaluateThresholds(few, t, 10), [], '4 of 10 is 40 %, but only 4 people');
  const five = Array.from({ length: 5 }, (_, i) => op('disable', 'ad', String(i)));
  assert.equal(evaluateThresholds(five, t, 10).length, 1);
  const strict = { ...t, default: { count: 2 } };
  assert.equal(evaluateThresholds(few, strict, 1000).length, 1, 'a count limit applies from the first person');
});

test('an expiry date set or brought forward counts as a disable of the person; cleared or pushed back it does not', () => {
  const upd = (personId: string, from: unknown, to: unknown, attribute = 'accountExpires'): Operation => ({ ...op('update', 'ad', personId), id: `u${personId}`, changes: [{ attribute, from, to }] }) as Operation;
  const attrs = (t: string): readonly string[] | undefined => (t === 'ad' ? ['accountExpires'] : undefined);
  const ops = [
    upd('1', '0', '134412444000000000'), // never → a date
    upd('2', '9223372036854775807', '134412444000000000'), // never (max) → a date
    upd('3', '134412444000000000', '134400000000000000'), // earlier
    upd('4', '134412444000000000', '134500000000000000'), // later: nobody loses access sooner
    upd('5', '134412444000000000', '0'), // cleared (a rehire)
    upd('6', undefined, '134412444000000000', 'description'), // another attribute
    { ...upd('7', '0', '134412444000000000'), target: 'sql' } as Operation, // a target without expiry attributes
  ];
  assert.deepEqual(expiringPersons(ops, attrs).map((x) => x.personId), ['1', '2', '3']);
  const t = { ...config().thresholds, default: { count: 2 } };
  const b = evaluateThresholds([op('disable', 'ad', '1'), op('disable', 'ad', '9')], t, 1000, undefined, expiringPersons(ops, attrs));
  assert.deepEqual(b.map((x) => [x.target, x.action, x.count]), [['ad', 'disable', 4]], 'persons 1, 2, 3 by expiry and 9 by a disable; 1 once');
  assert.match(b[0]?.limit ?? '', /count 4 > 2 \(3 of them by an account expiry date set, which the target enforces itself\)/);
});
