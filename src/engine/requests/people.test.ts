import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from '../../core/model.js';
import { reportsIndex } from '../../core/roles.js';
import { reportTree } from './people.js';

const p = (id: string, lastName: string, supervisorId?: string): Person => ({ id, firstName: 'A', lastName, status: 'active', costCenters: [], custom: {}, ...(supervisorId !== undefined ? { supervisorId } : {}) });

test('report tree: depth-first in name order, with depth; a cycle in HR data ends the walk', () => {
  const persons = [p('1', 'Boss'), p('2', 'Zeta', '1'), p('3', 'Alpha', '1'), p('4', 'Under', '2'), p('5', 'Loop', '6'), p('6', 'Loop', '5')];
  const byId = new Map(persons.map((x) => [x.id, x]));
  assert.deepEqual(reportTree('1', reportsIndex(persons), byId), [{ id: '3', depth: 1 }, { id: '2', depth: 1 }, { id: '4', depth: 2 }]);
  assert.deepEqual(reportTree('5', reportsIndex(persons), byId), [{ id: '6', depth: 1 }], 'the manager is not their own report');
  assert.deepEqual(reportTree('4', reportsIndex(persons), byId), []);
});
