import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateCompany, mailPart } from './generator.js';
import { mapEmployees } from './mapping.js';
import { createRng } from './prng.js';

const TODAY = '2026-03-15';
const ALIASES = { phone: 'dynamic_1001', birthName: 'dynamic_1002' };

describe('generateCompany', () => {
  test('is deterministic for a seed and differs across seeds', () => {
    const a = generateCompany(200, { seed: 9, today: TODAY });
    const b = generateCompany(200, { seed: 9, today: TODAY });
    const c = generateCompany(200, { seed: 10, today: TODAY });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('every generated record passes validation, ids and emails are unique', () => {
    const raws = generateCompany(2000, { seed: 1, today: TODAY });
    const { persons, problems } = mapEmployees(raws, ALIASES);
    assert.deepEqual(problems, []);
    assert.equal(persons.length, 2000);
    assert.equal(new Set(persons.map((p) => p.id)).size, 2000);
    assert.equal(new Set(persons.map((p) => p.email)).size, 2000);
  });

  test('supervisor tree: one root (the CEO), heads report to the CEO, no cycles, supervisors exist', () => {
    const { persons } = mapEmployees(generateCompany(1500, { seed: 2, today: TODAY }), ALIASES);
    const byId = new Map(persons.map((p) => [p.id, p]));
    const roots = persons.filter((p) => !p.supervisorId);
    assert.deepEqual(roots.map((p) => p.position), ['CEO']);
    for (const p of persons) {
      const seen = new Set<string>();
      let cur = p;
      while (cur.supervisorId) {
        assert.ok(!seen.has(cur.id), `cycle at ${cur.id}`);
        seen.add(cur.id);
        const sup = byId.get(cur.supervisorId);
        assert.ok(sup, `supervisor ${cur.supervisorId} of ${cur.id} exists`);
        cur = sup;
      }
      assert.equal(cur.position, 'CEO');
    }
    const heads = persons.filter((p) => p.supervisorId === roots[0]?.id);
    assert.ok(heads.length >= 10);
  });

  test('realistic mix: future hires, leavers, leave, externals, DACH offices and names', () => {
    const { persons } = mapEmployees(generateCompany(5000, { seed: 4, today: TODAY }), ALIASES);
    const share = (f: (p: (typeof persons)[number]) => boolean) => persons.filter(f).length / persons.length;
    const future = persons.filter((p) => (p.hireDate ?? '') > TODAY);
    assert.ok(Math.abs(future.length / persons.length - 0.03) < 0.01, `future hires ${future.length}`);
    assert.ok(future.every((p) => p.status === 'onboarding'));
    assert.ok(future.some((p) => (p.hireDate ?? '') <= '2026-03-29'), 'some start within 14 days');
    assert.ok(future.some((p) => (p.hireDate ?? '') > '2026-04-15'), 'some start months ahead');
    const leavers = persons.filter((p) => p.terminationDate);
    assert.ok(leavers.some((p) => (p.terminationDate ?? '') < TODAY && p.status === 'inactive'));
    assert.ok(leavers.some((p) => (p.terminationDate ?? '') >= TODAY && p.status === 'active'));
    assert.ok(Math.abs(share((p) => p.status === 'leave') - 0.02) < 0.01);
    assert.ok(share((p) => p.employmentType === 'external') > 0.04);
    for (const o of ['Berlin', 'München', 'Hamburg', 'Wien', 'Zürich', 'Köln']) assert.ok(persons.some((p) => p.office === o), o);
    for (const d of ['IT', 'Finance', 'Sales', 'Marketing', 'HR', 'Engineering', 'Legal', 'Operations']) assert.ok(persons.some((p) => p.department === d), d);
    const names = persons.map((p) => `${p.firstName} ${p.lastName}`);
    assert.ok(names.some((n) => /[äöüÄÖÜ]/.test(n)), 'umlauts');
    assert.ok(names.some((n) => n.includes('ß')), 'sharp s');
    assert.ok(names.some((n) => /[éèëçčđ]/.test(n)), 'accents');
    assert.ok(persons.some((p) => p.lastName.includes('-') || p.firstName.includes('-')), 'double names');
    assert.ok(new Set(names).size < names.length, 'some people share a full name');
    assert.ok(persons.some((p) => p.birthName && p.birthName !== p.lastName), 'birth names');
    assert.ok(persons.every((p) => /^\+4[139] /.test(String(p.custom.phone))));
    assert.ok(persons.some((p) => p.costCenters.length === 2));
  });

  // Its speed is bench:plan's job (the snapshot baseline), not a wall-clock assertion.
  test('generates 100 000 people with unique ids', () => {
    const raws = generateCompany(100_000, { seed: 7, today: TODAY });
    assert.equal(raws.length, 100_000);
    assert.equal(new Set(raws.map((r) => String(r.attributes.id?.value))).size, 100_000);
  });

  test('dates use Personio format with the Berlin offset', () => {
    const raws = generateCompany(50, { seed: 1, today: TODAY });
    const hire = raws.map((r) => String(r.attributes.hire_date?.value));
    assert.ok(hire.every((h) => /^\d{4}-\d{2}-\d{2}T00:00:00\+0[12]:00$/.test(h)));
    assert.ok(hire.some((h) => h.endsWith('+02:00')) && hire.some((h) => h.endsWith('+01:00')));
    const modified = raws.map((r) => Date.parse(String(r.attributes.last_modified_at?.value)));
    assert.ok(modified.every((t) => t <= Date.parse(`${TODAY}T23:59:59Z`)));
  });

  test('rejects a bad size', () => {
    assert.throws(() => generateCompany(-1), /non-negative/);
    assert.deepEqual(generateCompany(0), []);
  });
});

describe('helpers', () => {
  test('mailPart transliterates', () => {
    assert.equal(mailPart('Müller-Lüdenscheidt'), 'mueller-luedenscheidt');
    assert.equal(mailPart('Weiß'), 'weiss');
    assert.equal(mailPart("O'Connor"), 'oconnor');
    assert.equal(mailPart('Đorđević'), 'dordevic');
    assert.equal(mailPart('von Bülow'), 'von-buelow');
    assert.equal(mailPart('Noémie'), 'noemie');
  });

  test('createRng is deterministic and in range', () => {
    const a = createRng(5);
    const b = createRng(5);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const r = createRng(1);
    const ints = Array.from({ length: 1000 }, () => r.int(3, 5));
    assert.deepEqual([...new Set(ints)].sort(), [3, 4, 5]);
  });
});
