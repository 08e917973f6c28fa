import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRole, managerScope, reportsIndex } from './roles.js';

const line = (id: string, supervisorId?: string) => ({ id, ...(supervisorId !== undefined ? { supervisorId } : {}) });

test('manager scope: direct and transitive reports, not the manager, not peers', () => {
  const index = reportsIndex([line('ceo'), line('m1', 'ceo'), line('m2', 'ceo'), line('a', 'm1'), line('b', 'a'), line('c', 'm2')]);
  assert.deepEqual([...managerScope('m1', index)].sort(), ['a', 'b']);
  assert.deepEqual([...managerScope('ceo', index)].sort(), ['a', 'b', 'c', 'm1', 'm2']);
  assert.deepEqual([...managerScope('b', index)], []);
  assert.deepEqual([...managerScope('unknown', index)], []);
});

test('manager scope terminates on a reporting cycle and never contains the manager', () => {
  const index = reportsIndex([line('a', 'b'), line('b', 'c'), line('c', 'a'), line('d', 'c'), line('self', 'self')]);
  assert.deepEqual([...managerScope('a', index)].sort(), ['b', 'c', 'd']);
  assert.deepEqual([...managerScope('self', index)], []);
});

test('roles', () => {
  assert.equal(isRole('admin'), true);
  assert.equal(isRole('root'), false);
});
