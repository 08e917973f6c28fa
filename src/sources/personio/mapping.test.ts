import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mapEmployee, mapEmployees, normaliseName } from './mapping.js';
import type { RawEmployee } from './raw.js';
import { makeAttribute } from './raw.js';

// Copy of the documented GET /v1/company/employees response shape (made-up people).
const SAMPLE_PATH = fileURLToPath(new URL('./fixtures/employees-sample.json', import.meta.url));
const sample = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { data: RawEmployee[] };

function first(): RawEmployee {
  const e = sample.data[0];
  assert.ok(e);
  return structuredClone(e);
}

function withValue(key: string, v: unknown, base: RawEmployee = first()): RawEmployee {
  base.attributes[key] = { ...(base.attributes[key] ?? makeAttribute(key, null)), value: v };
  return base;
}

describe('mapEmployee on the documented sample', () => {
  test('maps every sample record', () => {
    const { persons, problems } = mapEmployees(sample.data, {});
    assert.equal(problems.length, 0);
    assert.deepEqual(persons.map((p) => p.id), ['1001', '1002', '1003']);
  });

  test('maps the first record field by field', () => {
    const { person, problem } = mapEmployee(sample.data[0], { phone: 'dynamic_123456' });
    assert.equal(problem, undefined);
    assert.deepEqual(person, {
      id: '1001',
      firstName: 'Erika',
      lastName: 'Beispiel',
      email: 'erika.beispiel@example.com',
      gender: 'female',
      status: 'active',
      department: 'Finance',
      departmentId: '7',
      office: 'Munich',
      officeId: '2',
      position: 'Accountant',
      employmentType: 'internal',
      costCenters: [{ id: '3', name: 'Finance', percentage: 100 }],
      hireDate: '2019-01-01',
      updatedAt: '2026-10-02T12:03:10.000Z',
      custom: { dynamic_123456: '+49 89 555-0142', phone: '+49 89 555-0142' },
    });
  });

  test('empty preferred name and null org units are left out', () => {
    const p = mapEmployee(sample.data[0], {}).person;
    assert.ok(p);
    assert.equal('preferredName' in p, false);
    assert.equal('team' in p, false);
    assert.equal('subcompany' in p, false);
    assert.equal('supervisorId' in p, false);
  });

  test('supervisor ShortEmployee yields the supervisor id', () => {
    assert.equal(mapEmployee(sample.data[1], {}).person?.supervisorId, '1001');
  });

  test('onboarding status and a future hire date', () => {
    const p = mapEmployee(sample.data[2], {}).person;
    assert.equal(p?.status, 'onboarding');
    assert.equal(p?.hireDate, '2027-01-01');
  });
});

describe('dates', () => {
  test('takes the calendar date as written, without a time-zone shift', () => {
    // Midnight +01:00 is the previous day in UTC; the calendar date must stay.
    assert.equal(mapEmployee(withValue('hire_date', '2014-11-09T00:00:00+01:00'), {}).person?.hireDate, '2014-11-09');
    assert.equal(mapEmployee(withValue('hire_date', '2014-11-09T23:30:00-05:00'), {}).person?.hireDate, '2014-11-09');
  });

  test('accepts plain YYYY-MM-DD', () => {
    const e = withValue('termination_date', '2026-03-31');
    withValue('contract_end_date', '2026-04-30', e);
    withValue('last_working_day', '2026-03-27T00:00:00+01:00', e);
    const p = mapEmployee(e, {}).person;
    assert.equal(p?.terminationDate, '2026-03-31');
    assert.equal(p?.contractEndDate, '2026-04-30');
    assert.equal(p?.lastWorkingDay, '2026-03-27');
  });

  test('rejects non-dates and impossible dates with clear messages', () => {
    assert.deepEqual(mapEmployee(withValue('hire_date', 'foo'), {}).problem?.messages, ["hire date 'foo' is not a date"]);
    assert.deepEqual(mapEmployee(withValue('hire_date', '2023-02-30'), {}).problem?.messages, ["hire date '2023-02-30' is not a date"]);
    assert.deepEqual(mapEmployee(withValue('termination_date', 12), {}).problem?.messages, ["termination date '12' is not a date"]);
  });

  test('empty date string is treated as absent', () => {
    const p = mapEmployee(withValue('termination_date', ''), {}).person;
    assert.ok(p);
    assert.equal(p.terminationDate, undefined);
  });

  test('unparsable last_modified_at is ignored, not a problem', () => {
    const r = mapEmployee(withValue('last_modified_at', 'yesterday'), {});
    assert.ok(r.person);
    assert.equal(r.person.updatedAt, undefined);
  });
});

describe('names', () => {
  test('trims, collapses whitespace and NFC-normalises', () => {
    const decomposed = 'Mu\u0308ller'; // u + combining diaeresis
    const e = withValue('last_name', `  ${decomposed}  `);
    withValue('first_name', ' Anna   Lena ', e);
    const p = mapEmployee(e, {}).person;
    assert.equal(p?.lastName, 'M\u00fcller');
    assert.equal(p?.lastName.length, 6);
    assert.equal(p?.firstName, 'Anna Lena');
  });

  test('normaliseName: empty and whitespace become undefined', () => {
    assert.equal(normaliseName(''), undefined);
    assert.equal(normaliseName('   '), undefined);
    assert.equal(normaliseName(null), undefined);
    assert.equal(normaliseName(42), undefined);
    assert.equal(normaliseName(' Zoë '), 'Zoë');
  });

  test('preferred name is kept when set', () => {
    assert.equal(mapEmployee(withValue('preferred_name', ' Riki '), {}).person?.preferredName, 'Riki');
  });

  test('birth name comes from the birthName alias', () => {
    const e = first();
    e.attributes.dynamic_1002 = makeAttribute('dynamic_1002', ' Schmidt ', 'Birth name');
    const p = mapEmployee(e, { birthName: 'dynamic_1002' }).person;
    assert.equal(p?.birthName, 'Schmidt');
    assert.equal(p?.custom.birthName, 'Schmidt');
    assert.equal(p?.custom.dynamic_1002, 'Schmidt');
  });

  test('empty birth name is undefined', () => {
    const e = first();
    e.attributes.dynamic_1002 = makeAttribute('dynamic_1002', '', 'Birth name');
    const p = mapEmployee(e, { birthName: 'dynamic_1002' }).person;
    assert.ok(p);
    assert.equal(p.birthName, undefined);
    assert.equal(p.custom.birthName, null);
  });
});

describe('validation', () => {
  test('missing last name', () => {
    const r = mapEmployee(withValue('last_name', '  '), {});
    assert.equal(r.person, undefined);
    assert.deepEqual(r.problem, { personId: '1001', label: 'Erika (1001)', messages: ['last name is missing'] });
  });

  test('missing first name', () => {
    assert.deepEqual(mapEmployee(withValue('first_name', null), {}).problem?.messages, ['first name is missing']);
  });

  test('missing id', () => {
    const e = first();
    delete (e.attributes as Record<string, unknown>).id;
    const r = mapEmployee(e, {});
    assert.deepEqual(r.problem, { personId: null, label: 'Erika Beispiel (no id)', messages: ['id is missing'] });
  });

  test('invalid ids', () => {
    assert.deepEqual(mapEmployee(withValue('id', 'abc'), {}).problem?.messages, ["id 'abc' is not a valid employee id"]);
    assert.deepEqual(mapEmployee(withValue('id', 1.5), {}).problem?.messages, ["id '1.5' is not a valid employee id"]);
    assert.deepEqual(mapEmployee(withValue('id', -3), {}).problem?.messages, ["id '-3' is not a valid employee id"]);
  });

  test('numeric string id is accepted and canonicalised', () => {
    assert.equal(mapEmployee(withValue('id', ' 0042 '), {}).person?.id, '42');
  });

  test('unknown and missing status', () => {
    assert.deepEqual(mapEmployee(withValue('status', 'x'), {}).problem?.messages, ["status 'x' is unknown"]);
    assert.deepEqual(mapEmployee(withValue('status', null), {}).problem?.messages, ['status is missing']);
  });

  test('status is case-insensitive', () => {
    assert.equal(mapEmployee(withValue('status', 'Inactive'), {}).person?.status, 'inactive');
  });

  test('invalid email', () => {
    assert.deepEqual(mapEmployee(withValue('email', 'erika at example'), {}).problem?.messages, ["email 'erika at example' is not a valid address"]);
  });

  test('empty email is allowed (not every employee has one)', () => {
    const p = mapEmployee(withValue('email', ''), {}).person;
    assert.ok(p);
    assert.equal(p.email, undefined);
  });

  test('several problems are all reported', () => {
    const e = withValue('last_name', '');
    withValue('status', 'retired', e);
    withValue('hire_date', 'soon', e);
    const r = mapEmployee(e, {});
    assert.deepEqual(r.problem?.messages, ['last name is missing', "status 'retired' is unknown", "hire date 'soon' is not a date"]);
  });

  test('supervisor equal to own id is a problem', () => {
    const e = structuredClone(sample.data[1]) as RawEmployee;
    withValue('id', 1001, e);
    assert.deepEqual(mapEmployee(e, {}).problem?.messages, ['supervisor is the person themself']);
  });

  test('garbage records become problems, not exceptions', () => {
    for (const raw of [null, 42, 'x', [], { type: 'Employee' }, { attributes: [] }]) {
      const r = mapEmployee(raw, {});
      assert.equal(r.person, undefined);
      assert.deepEqual(r.problem?.messages, ['record has no attributes object']);
    }
  });

  test('one bad record does not stop the others', () => {
    const bad = withValue('last_name', '');
    const { persons, problems } = mapEmployees([sample.data[0], bad, sample.data[2]], {});
    assert.deepEqual(persons.map((p) => p.id), ['1001', '1003']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.label, 'Erika (1001)');
  });
});

describe('nested values and custom attributes', () => {
  test('team and subcompany objects, supervisor with a bare id', () => {
    const e = withValue('team', { type: 'Team', attributes: { id: 5, name: ' Platform ' } });
    withValue('subcompany', { type: 'Subcompany', attributes: { id: 9, name: 'Beispiel Schweiz AG' } }, e);
    withValue('supervisor', { type: 'Employee', attributes: { id: 77 } }, e);
    const p = mapEmployee(e, {}).person;
    assert.equal(p?.team, 'Platform');
    assert.equal(p?.subcompany, 'Beispiel Schweiz AG');
    assert.equal(p?.supervisorId, '77');
  });

  test('org unit given as a plain string', () => {
    assert.equal(mapEmployee(withValue('department', 'IT'), {}).person?.department, 'IT');
  });

  test('several cost centers with shares; string percentage parsed', () => {
    const p = mapEmployee(withValue('cost_centers', [
      { type: 'CostCenter', attributes: { id: 1, name: 'IT', percentage: 60 } },
      { type: 'CostCenter', attributes: { id: 2, name: 'Ops', percentage: '40' } },
      { type: 'CostCenter', attributes: { id: 3, name: 'Shared' } },
    ]), {}).person;
    assert.deepEqual(p?.costCenters, [
      { id: '1', name: 'IT', percentage: 60 },
      { id: '2', name: 'Ops', percentage: 40 },
      { id: '3', name: 'Shared' },
    ]);
  });

  test('malformed cost centers are a problem', () => {
    assert.deepEqual(mapEmployee(withValue('cost_centers', 'Finance'), {}).problem?.messages, ["cost centers 'Finance' are not a list"]);
  });

  test('custom attribute types are normalised', () => {
    const e = first();
    e.attributes.dynamic_1 = makeAttribute('dynamic_1', '2021-01-01T00:00:00+01:00', 'Start', 'date');
    e.attributes.dynamic_2 = makeAttribute('dynamic_2', 'a, b ,c', 'Tags', 'tags');
    e.attributes.dynamic_3 = makeAttribute('dynamic_3', 12, 'Level', 'integer');
    e.attributes.dynamic_4 = makeAttribute('dynamic_4', '  ', 'Empty');
    e.attributes.dynamic_5 = makeAttribute('dynamic_5', null, 'Null');
    e.attributes.not_dynamic = makeAttribute('not_dynamic', 'x');
    const p = mapEmployee(e, { start: 'dynamic_1', missing: 'dynamic_999' }).person;
    assert.ok(p);
    assert.equal(p.custom.dynamic_1, '2021-01-01');
    assert.equal(p.custom.start, '2021-01-01');
    assert.deepEqual(p.custom.dynamic_2, ['a', 'b', 'c']);
    assert.equal(p.custom.dynamic_3, 12);
    assert.equal(p.custom.dynamic_4, null);
    assert.equal(p.custom.dynamic_5, null);
    assert.equal('not_dynamic' in p.custom, false);
    assert.equal('missing' in p.custom, false, 'an alias of an absent attribute is not invented');
  });

  test('two aliases for one key both get the value', () => {
    const p = mapEmployee(sample.data[0], { phone: 'dynamic_123456', workPhone: 'dynamic_123456' }).person;
    assert.equal(p?.custom.phone, '+49 89 555-0142');
    assert.equal(p?.custom.workPhone, '+49 89 555-0142');
  });

  test('gender and employment type are lower-cased', () => {
    const e = withValue('gender', 'Diverse');
    withValue('employment_type', 'External', e);
    const p = mapEmployee(e, {}).person;
    assert.equal(p?.gender, 'diverse');
    assert.equal(p?.employmentType, 'external');
  });

  test('the raw input is not mutated', () => {
    const e = first();
    const before = JSON.stringify(e);
    mapEmployee(e, { phone: 'dynamic_123456' });
    assert.equal(JSON.stringify(e), before);
  });
});

describe('terminal signals of a failed record', () => {
  test('an end date or status inactive that parsed is kept on the problem', () => {
    const e = withValue('last_name', '');
    withValue('status', 'inactive', e);
    withValue('termination_date', '2026-03-31T00:00:00+02:00', e);
    withValue('last_working_day', 'not a date', e);
    const r = mapEmployee(e, {});
    assert.equal(r.person, undefined);
    assert.deepEqual(r.problem?.terminal, { status: 'inactive', terminationDate: '2026-03-31' });
  });

  test('a failed record without them carries none', () => {
    assert.equal(mapEmployee(withValue('last_name', ''), {}).problem?.terminal, undefined);
  });
});
