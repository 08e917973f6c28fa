import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepLastGood } from './last-good.js';
import type { PersonProblem } from './model.js';
import { person } from './test-support.js';

const known = new Map([['1', person('1', { department: 'Sales', office: 'Berlin' })], ['2', person('2', { department: 'IT' })]]);

test('a known person whose new record fails keeps the last good record; the problem stays reported', () => {
  const problems: PersonProblem[] = [{ personId: '1', label: 'Erika (1)', messages: ['last name is missing'] }];
  const r = keepLastGood([person('3')], problems, known);
  assert.deepEqual(r.persons.map((p) => [p.id, p.department]), [['3', undefined], ['1', 'Sales']]);
  assert.deepEqual(r.problems, [{ ...problems[0], keptLastGood: true }]);
});

test('terminal signals of the failed record still count', () => {
  const r = keepLastGood([], [
    { personId: '1', label: 'x', messages: ['m'], terminal: { terminationDate: '2026-03-31', lastWorkingDay: '2026-03-13' } },
    { personId: '2', label: 'y', messages: ['m'], terminal: { status: 'inactive' } },
  ], known);
  const [a, b] = r.persons;
  assert.equal(a?.terminationDate, '2026-03-31');
  assert.equal(a?.lastWorkingDay, '2026-03-13');
  assert.equal(a?.department, 'Sales');
  assert.equal(b?.status, 'inactive');
});

test('unknown people and people with a valid record in the same read are left alone', () => {
  const r = keepLastGood([person('1', { department: 'Finance' })], [
    { personId: '1', label: 'dup', messages: ['m'] },
    { personId: '9', label: 'new', messages: ['m'] },
    { personId: null, label: 'no id', messages: ['id is missing'] },
  ], known);
  assert.deepEqual(r.persons.map((p) => [p.id, p.department]), [['1', 'Finance']]);
  assert.deepEqual(r.problems.map((p) => p.keptLastGood ?? false), [false, false, false]);
});
