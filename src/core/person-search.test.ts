import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSearchIndex, searchPersons } from './person-search.js';
import { person } from './test-support.js';

const persons = [
  person('1001', { firstName: 'Jürgen', lastName: 'Müller', email: 'juergen.mueller@example.com' }),
  person('1002', { firstName: 'Anna', lastName: 'Schmidt', email: 'anna.schmidt@example.com' }),
  person('1003', { firstName: 'Anna', lastName: 'Adler', preferredName: 'Anni' }),
  person('10', { firstName: 'Zoe', lastName: 'Zander' }),
];
const index = buildSearchIndex(persons, [{ kind: 'username', value: 'jmueller', personId: '1001', status: 'primary' }]);
const ids = (q: string, opts = {}) => searchPersons(index, q, opts).results.map((p) => p.id);

test('search by name (accent-insensitive, every token), id, e-mail and reserved identifier', () => {
  assert.deepEqual(ids('anna'), ['1003', '1002'], 'name order: Adler before Schmidt');
  assert.deepEqual(ids('Anna schm'), ['1002']);
  assert.deepEqual(ids('muller'), ['1001']);
  assert.deepEqual(ids('JMUELLER'), ['1001']);
  assert.deepEqual(ids('anna.schmidt@example.com'), ['1002']);
  assert.deepEqual(ids('anni'), ['1003']);
  assert.deepEqual(ids('nobody'), []);
});

test('an exact id ranks first; limit and scope; total counts every match', () => {
  assert.deepEqual(ids('10'), ['10', '1003', '1001', '1002'], 'then name order');
  const r = searchPersons(index, '100', { limit: 2 });
  assert.equal(r.results.length, 2);
  assert.equal(r.total, 3);
  assert.deepEqual(ids('anna', { scope: new Set(['1002']) }), ['1002']);
  assert.deepEqual(ids(''), ['1003', '1001', '1002', '10']);
});
