import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentEmployment, mapPersonV2 } from './mapping.js';
import type { V2Lookups } from './mapping.js';

const lookups: V2Lookups = {
  orgUnits: new Map([['7', { name: 'Sales', type: 'department' }], ['9', { name: 'Inside', type: 'team' }]]),
  legalEntities: new Map([['3', 'Acme GmbH']]),
  offices: new Map([['5', 'Berlin']]),
  costCenters: new Map([['11', 'CC Sales']]),
};
const person = {
  id: '42', first_name: ' Anna ', last_name: 'Berg', email: 'anna@example.com', gender: 'FEMALE', status: 'ACTIVE',
  updated_at: '2025-05-01T08:00:00Z',
  custom_attributes: [{ id: 'dynamic_1', type: 'DATE', value: '1990-01-02', label: 'Birthday' }, { id: 'dynamic_2', type: 'STRING_LIST', value: ['a', 'b'] }],
};
const old = { id: 'e1', status: 'INACTIVE', employment_start_date: '2019-01-01', termination: { termination_date: '2020-06-30', last_working_day: '2020-06-30' } };
const cur = {
  id: 'e2', status: 'ACTIVE', type: 'INTERNAL', employment_start_date: '2024-03-01', position: { title: 'Rep' }, supervisor: { id: '7' },
  office: { id: '5' }, org_units: [{ type: 'department', id: '7' }, { type: 'team', id: '9' }], legal_entity: { id: '3' }, cost_centers: [{ id: '11', weight: 100 }],
};

test('the ACTIVE/ONBOARDING/LEAVE employment counts, else the latest start', () => {
  assert.equal(currentEmployment([old, cur])?.id, 'e2');
  // Newest first but inactive: an older ACTIVE one still wins.
  assert.equal(currentEmployment([{ id: 'n', status: 'INACTIVE', employment_start_date: '2025-01-01' }, cur])?.id, 'e2');
  assert.equal(currentEmployment([old, { id: 'x', status: 'INACTIVE', employment_start_date: '2021-01-01' }])?.id, 'x');
  assert.equal(currentEmployment([]), undefined);
});

test('a v2 person maps to the v1 Person; other employments become periods', () => {
  const r = mapPersonV2(person, [cur, old], lookups, { birthday: 'dynamic_1' });
  assert.ok(r.person);
  assert.equal(r.person.firstName, 'Anna');
  assert.equal(r.person.status, 'active');
  assert.equal(r.person.department, 'Sales');
  assert.equal(r.person.team, 'Inside');
  assert.equal(r.person.office, 'Berlin');
  assert.equal(r.person.subcompany, 'Acme GmbH');
  assert.equal(r.person.supervisorId, '7');
  assert.equal(r.person.hireDate, '2024-03-01');
  assert.equal(r.person.gender, 'female');
  assert.equal(r.person.employmentType, 'internal');
  assert.deepEqual(r.person.costCenters, [{ id: '11', name: 'CC Sales', percentage: 100 }]);
  assert.equal(r.person.custom.dynamic_1, '1990-01-02');
  assert.equal(r.person.custom.birthday, '1990-01-02');
  assert.deepEqual(r.person.custom.dynamic_2, ['a', 'b']);
  assert.deepEqual(r.periods, [{ hireDate: '2019-01-01', seenAt: '2025-05-01T08:00:00.000Z', terminationDate: '2020-06-30', lastWorkingDay: '2020-06-30' }]);
});

test('an invalid v2 person is a problem, not a person', () => {
  const r = mapPersonV2({ ...person, last_name: '' }, [cur], lookups, {});
  assert.equal(r.person, undefined);
  assert.deepEqual(r.problem?.messages, ['last name is missing']);
});

test("Personio's language_code feeds Person.language in both modes (v2 person field, v1 attribute)", () => {
  const v2 = mapPersonV2({ ...person, language_code: 'de' }, [cur], lookups, {});
  assert.equal(v2.person?.language, 'de');
  assert.equal(mapPersonV2(person, [cur], lookups, {}).person?.language, undefined, 'absent when Personio does not say');
  assert.equal(mapPersonV2({ ...person, language_code: 'EN_us' }, [cur], lookups, {}).person?.language, 'en');
  assert.equal(mapPersonV2({ ...person, language_code: 'deutsch' }, [cur], lookups, {}).person?.language, undefined, 'not a code: ignored');
});
