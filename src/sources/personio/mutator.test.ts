import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateCompany } from './generator.js';
import { mapEmployees } from './mapping.js';
import { mutateCompany } from './mutator.js';
import type { MutableCompany } from './mutator.js';
import { createRng } from './prng.js';
import { addDays, rawId, setAttributeValue } from './raw.js';
import type { RawEmployee } from './raw.js';

const TODAY = '2026-03-15';
const ALIASES = { phone: 'dynamic_1001', birthName: 'dynamic_1002' };

/** A minimal store like the simulator's: upsert replaces and counts. */
function store(raws: RawEmployee[]): MutableCompany & { upserts: number } {
  const m = new Map(raws.map((r) => [rawId(r) as string, r]));
  return {
    upserts: 0,
    list: () => [...m.values()],
    get: (id) => m.get(id),
    upsert(raw) {
      this.upserts++;
      m.set(rawId(raw) as string, raw);
    },
  };
}

const persons = (c: MutableCompany) => new Map(mapEmployees(c.list(), ALIASES).persons.map((p) => [p.id, p]));

describe('mutateCompany', () => {
  test('one change of each kind by default, each described', () => {
    const c = store(generateCompany(300, { seed: 1, today: TODAY }));
    const before = persons(c);
    const changes = mutateCompany(c, createRng(1), TODAY).filter((x) => !/started today|has left/.test(x.text));
    assert.deepEqual(changes.map((x) => x.kind).sort(), ['hire', 'leave', 'move', 'office', 'rename']);
    const after = persons(c);
    assert.equal(mapEmployees(c.list(), ALIASES).problems.length, 0, 'mutations keep records valid');

    const hire = changes.find((x) => x.kind === 'hire');
    assert.ok(hire && !before.has(hire.personId) && after.has(hire.personId));
    const hired = after.get(hire.personId);
    assert.ok(hired?.hireDate && hired.hireDate >= TODAY && hired.hireDate <= addDays(TODAY, 14));
    assert.equal(hired?.status, hired?.hireDate === TODAY ? 'active' : 'onboarding');
    assert.ok(hired?.supervisorId && after.has(hired.supervisorId));

    const move = changes.find((x) => x.kind === 'move');
    assert.ok(move);
    assert.notEqual(after.get(move.personId)?.department, before.get(move.personId)?.department);
    assert.match(move.text, /moves from .+ to .+ as /);

    const rename = changes.find((x) => x.kind === 'rename');
    assert.ok(rename);
    const r0 = before.get(rename.personId);
    const r1 = after.get(rename.personId);
    assert.notEqual(r1?.lastName, r0?.lastName);
    assert.equal(r1?.birthName, r0?.birthName ?? r0?.lastName, 'old name kept as birth name');
    assert.equal(r1?.email, r0?.email, 'HR does not change the mail address');

    const office = changes.find((x) => x.kind === 'office');
    assert.ok(office);
    assert.notEqual(after.get(office.personId)?.office, before.get(office.personId)?.office);

    const leave = changes.find((x) => x.kind === 'leave');
    assert.ok(leave);
    const l = after.get(leave.personId);
    assert.ok(l?.terminationDate && l.terminationDate >= TODAY);
    assert.equal(l?.status, 'active', 'stays active until the last day');
  });

  test('time passing: leavers become inactive, starters active', () => {
    const raws = generateCompany(50, { seed: 2, today: TODAY });
    const leaver = raws[20] as RawEmployee;
    setAttributeValue(leaver, 'termination_date', '2026-03-10T00:00:00+01:00');
    setAttributeValue(leaver, 'status', 'active');
    const starter = raws[21] as RawEmployee;
    setAttributeValue(starter, 'hire_date', '2026-03-15T00:00:00+01:00');
    setAttributeValue(starter, 'status', 'onboarding');
    const c = store(raws);
    const changes = mutateCompany(c, createRng(3), TODAY, {});
    const after = persons(c);
    assert.equal(after.get(rawId(leaver) as string)?.status, 'inactive');
    assert.equal(after.get(rawId(starter) as string)?.status, 'active');
    assert.deepEqual(changes.map((x) => x.personId).sort(), [rawId(leaver), rawId(starter)].sort());
  });

  test('counts are honoured; new ids never collide; accepts a plain () => number', () => {
    const c = store(generateCompany(100, { seed: 3, today: TODAY }));
    const changes = mutateCompany(c, Math.random, TODAY, { hire: 5, move: 0, rename: 0, office: 0, leave: 0 });
    const hires = changes.filter((x) => x.kind === 'hire' && x.text.includes(' joins '));
    assert.equal(hires.length, 5);
    assert.equal(new Set(c.list().map((r) => rawId(r))).size, 105);
    assert.equal(new Set(c.list().map((r) => String(r.attributes.email?.value))).size, 105);
  });

  test('changes go through upsert on copies (the store can diff)', () => {
    const raws = generateCompany(100, { seed: 4, today: TODAY });
    const snapshot = JSON.stringify(raws);
    const c = store(raws.map((r) => structuredClone(r)));
    const originals = new Map(c.list().map((r) => [rawId(r), r]));
    const frozen = JSON.stringify(c.list());
    mutateCompany(c, createRng(4), TODAY, { move: 3, rename: 2, office: 2 });
    assert.ok(c.upserts >= 7);
    // Stored objects that were replaced were not edited in place.
    assert.equal(JSON.stringify([...originals.values()]), frozen);
    assert.equal(JSON.stringify(raws), snapshot);
  });

  test('deterministic with a seeded rng', () => {
    const run = () => {
      const c = store(generateCompany(200, { seed: 5, today: TODAY }));
      return mutateCompany(c, createRng(9), TODAY, { hire: 2, move: 2, rename: 2, office: 2, leave: 2 }).map((x) => x.text);
    };
    assert.deepEqual(run(), run());
  });
});
