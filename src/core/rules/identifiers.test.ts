import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { config, person } from '../test-support.js';
import type { Person, Reservation } from '../model.js';
import { allocateIdentifiers } from './allocation.js';
import { candidates, identifierOrder, IdentifierConfigError, matchesPerson } from './identifiers.js';

const cfg = config({
  identifiers: {
    username: { patterns: ['{first}.{last}', '{f}{last}', '{first:2}{last}', '{first:3}{last}', '{f}{last}{n}'], maxLength: 20 },
    mail: { patterns: ['{first}.{last}@example.com', '{first}.{last}{n}@example.com'], maxLength: 64, onNameChange: 'regenerate' },
    upn: { patterns: ['{username}@corp.example.com'] },
  },
});
const take = (g: Generator<string>, n: number): string[] => {
  const out: string[] = [];
  for (const v of g) { out.push(v); if (out.length >= n) break; }
  return out;
};
const free = async (): Promise<boolean> => true;

describe('candidates', () => {
  test('jmueller-style progression', () => {
    const p = person('1', { firstName: 'Johann', lastName: 'Müller' });
    assert.deepEqual(take(candidates(p, 'username', cfg, {}, 20), 7), [
      'johann.mueller', 'jmueller', 'jomueller', 'johmueller', 'jmueller2', 'jmueller3', 'jmueller4',
    ]);
  });
  test('double and multiple names', () => {
    const p = person('1', { firstName: 'Anna Maria', lastName: 'Müller-Lüdenscheidt' });
    const c = take(candidates(p, 'username', cfg, {}, 64), 3);
    assert.deepEqual(c, ['annamaria.mueller-lu', 'amueller-luedenschei', 'anmueller-luedensche']);
  });
  test('truncation keeps the number and the domain, and never ends in a separator', () => {
    const p = person('1', { firstName: 'Maximiliane', lastName: 'Wolfeschlegelsteinhausenbergerdorff' });
    for (const v of take(candidates(p, 'username', cfg, {}, 20), 200)) {
      assert.ok(v.length <= 20, v);
      assert.match(v, /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/);
      assert.doesNotMatch(v, /[._-]{2}/);
    }
    const nums = take(candidates(p, 'username', cfg, {}, 20), 200).filter((v) => /\d$/.test(v));
    assert.equal(nums[0], 'mwolfeschlegelstein2');
    assert.equal(nums.at(-1), 'mwolfeschlegelstei99');
    const mails = take(candidates(p, 'mail', cfg, {}, 30), 3);
    assert.deepEqual(mails, ['maximiliane.wolfes@example.com', 'maximiliane.wolfe2@example.com', 'maximiliane.wolfe3@example.com']);
    for (const m of mails) { assert.ok(m.length <= 30, m); assert.ok(m.endsWith('@example.com')); assert.doesNotMatch(m, /[._-]@/); }
  });
  test('the effective limit is the smaller of config and target limit', () => {
    const p = person('1', { firstName: 'Christopher', lastName: 'Columbus' });
    assert.equal(take(candidates(p, 'username', cfg, {}, 10), 1)[0], 'christophe');
    assert.equal(take(candidates(p, 'username', cfg, {}, 999), 1)[0], 'christopher.columbus');
  });
  test('kinds referencing other kinds use the resolved value', () => {
    const p = person('1', { firstName: 'A', lastName: 'B' });
    assert.deepEqual([...candidates(p, 'upn', cfg, { username: 'ab7' }, 64)], ['ab7@corp.example.com']);
    assert.deepEqual([...candidates(p, 'upn', cfg, {}, 64)], []);
  });
  test('names that transliterate to nothing produce no candidates (never empty local parts)', () => {
    const p = person('1', { firstName: '***', lastName: '+++' });
    assert.deepEqual([...candidates(p, 'username', cfg, {}, 20)], []);
  });
  test('property: every candidate is ASCII, within the limit, with a non-empty local part', () => {
    fc.assert(fc.property(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), fc.integer({ min: 4, max: 64 }),
      (first, last, limit) => {
        const p = person('1', { firstName: first, lastName: last });
        for (const kind of ['username', 'mail'] as const) {
          for (const v of take(candidates(p, kind, cfg, {}, limit), 30)) {
            if (v.length > limit) return false;
            if (!/^[a-z0-9._-]+(@example\.com)?$/.test(v)) return false;
            if (/^[._-]|[._-]$|[._-]@/.test(v)) return false;
          }
        }
        return true;
      },
    ), { numRuns: 500 });
  });
});

describe('identifierOrder', () => {
  test('dependencies first', () => {
    assert.deepEqual(identifierOrder(cfg.identifiers), ['mail', 'username', 'upn']);
  });
  test('cycles are config errors', () => {
    const c = config({ identifiers: { a: { patterns: ['{b}x'] }, b: { patterns: ['{a}y'] } } });
    assert.throws(() => identifierOrder(c.identifiers), (e: unknown) => e instanceof IdentifierConfigError && /cycle/.test(e.message));
  });
  test('unknown placeholders are config errors', () => {
    const c = config({ identifiers: { a: { patterns: ['{firstname}'] } } });
    assert.throws(() => identifierOrder(c.identifiers), /unknown placeholder "\{firstname\}"/);
  });
});

const HARD: Person[] = [
  person('101', { firstName: 'Jürgen', lastName: 'Groß' }),
  person('102', { firstName: 'Zoë', lastName: 'Ångström' }),
  person('103', { firstName: 'Дмитрий', lastName: 'Иванов' }),
  person('104', { firstName: 'Seán', lastName: "O'Brien" }),
  person('105', { firstName: 'Carl', lastName: 'Smith, Jr.' }),
  person('106', { firstName: 'Eva (Evi)', lastName: 'Maier*+' }),
  person('107', { firstName: '  Lea ', lastName: ' Kunz  ' }),
  person('108', { firstName: 'Anna Maria Theresia', lastName: 'von Müller-Lüdenscheidt-Wolfeschlegelsteinhausen' }),
  person('109', { firstName: 'Thomas', lastName: 'Müller' }),
  person('110', { firstName: 'Thomas', lastName: 'Müller' }),
  person('111', { firstName: 'Thomas', lastName: 'Müller' }),
  person('112', { firstName: 'ẞtefan', lastName: 'Weiß' }),
];

describe('allocateIdentifiers', () => {
  test('hard names: unique ASCII identifiers within limits, deterministic', async () => {
    const shuffled = [...HARD].reverse();
    const { reservations, errors } = await allocateIdentifiers(shuffled, cfg, [], free, { username: 20, mail: 64, upn: 64 });
    assert.deepEqual(errors, []);
    const primaries = reservations.filter((r) => r.status === 'primary');
    assert.equal(primaries.length, HARD.length * 3);
    for (const kind of ['username', 'mail', 'upn']) {
      const values = primaries.filter((r) => r.kind === kind).map((r) => r.value);
      assert.equal(new Set(values).size, HARD.length, `${kind} unique`);
      for (const v of values) {
        assert.match(v, /^[a-z0-9._@-]+$/);
        assert.ok(v.length <= (kind === 'username' ? 20 : 64), v);
      }
    }
    const u = (id: string): string | undefined => primaries.find((r) => r.personId === id && r.kind === 'username')?.value;
    assert.equal(u('101'), 'juergen.gross');
    assert.equal(u('103'), 'dmitriy.ivanov');
    assert.equal(u('104'), 'sean.obrien');
    assert.equal(u('105'), 'carl.smithjr');
    assert.equal(u('107'), 'lea.kunz');
    // Three Thomas Müllers: sorted by id, each gets the next candidate.
    assert.deepEqual(['109', '110', '111'].map(u), ['thomas.mueller', 'tmueller', 'thmueller']);
    assert.equal(primaries.find((r) => r.personId === '110' && r.kind === 'upn')?.value, 'tmueller@corp.example.com');
    assert.deepEqual(['109', '110', '111'].map((id) => primaries.find((r) => r.personId === id && r.kind === 'mail')?.value),
      ['thomas.mueller@example.com', 'thomas.mueller2@example.com', 'thomas.mueller3@example.com']);
    // Same input in another order → same result.
    const again = await allocateIdentifiers(HARD, cfg, [], free, { username: 20, mail: 64, upn: 64 });
    assert.deepEqual(again.reservations, reservations);
  });

  test('values held by other persons (any case) and values not free in targets are skipped', async () => {
    const p = person('2', { firstName: 'Thomas', lastName: 'Müller' });
    const existing: Reservation[] = [{ kind: 'username', value: 'Thomas.Mueller', personId: '1', status: 'alias' }];
    const taken = new Set(['tmueller']);
    const { reservations } = await allocateIdentifiers([p], cfg, existing, async (_k, v) => !taken.has(v), { username: 20 });
    assert.equal(reservations.find((r) => r.personId === '2' && r.kind === 'username')?.value, 'thmueller');
    assert.ok(reservations.some((r) => r.personId === '1' && r.value === 'Thomas.Mueller'), 'existing reservations are returned');
  });

  test('existing primaries are kept; keep never changes; regenerate follows name changes and keeps an alias', async () => {
    const before = person('5', { firstName: 'Erika', lastName: 'Muster' });
    const first = await allocateIdentifiers([before], cfg, [], free, {});
    const married = person('5', { firstName: 'Erika', lastName: 'Schmidt' });
    const second = await allocateIdentifiers([married], cfg, first.reservations, free, {});
    const mine = (kind: string, status: string): string[] => second.reservations.filter((r) => r.kind === kind && r.status === status).map((r) => r.value);
    assert.deepEqual(mine('username', 'primary'), ['erika.muster']);
    assert.deepEqual(mine('mail', 'primary'), ['erika.schmidt@example.com']);
    assert.deepEqual(mine('mail', 'alias'), ['erika.muster@example.com']);
    // Name changes back: the alias becomes primary again, the other becomes an alias.
    const third = await allocateIdentifiers([before], cfg, second.reservations, free, {});
    assert.deepEqual(third.reservations.filter((r) => r.kind === 'mail' && r.status === 'primary').map((r) => r.value), ['erika.muster@example.com']);
    assert.deepEqual(third.reservations.filter((r) => r.kind === 'mail' && r.status === 'alias').map((r) => r.value), ['erika.schmidt@example.com']);
    // Stable: nothing changes when the name does not.
    const fourth = await allocateIdentifiers([before], cfg, third.reservations, free, {});
    assert.deepEqual(fourth.reservations, third.reservations);
  });

  test('isFree is not asked for values the person already holds', async () => {
    const p = person('5', { firstName: 'Erika', lastName: 'Muster' });
    const first = await allocateIdentifiers([p], cfg, [], free, {});
    let calls = 0;
    await allocateIdentifiers([p], cfg, first.reservations, async () => { calls++; return false; }, {});
    assert.equal(calls, 0);
  });

  test('exhausted candidates → IDENTIFIER_EXHAUSTED', async () => {
    const c = config({ identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'], maxNumber: 3 } } });
    const ps = [1, 2, 3, 4].map((i) => person(String(i), { firstName: 'Tom', lastName: 'Lee' }));
    const { reservations, errors } = await allocateIdentifiers(ps, c, [], free, {});
    assert.deepEqual(reservations.map((r) => r.value), ['tlee', 'tlee2', 'tlee3']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'IDENTIFIER_EXHAUSTED');
    assert.equal(errors[0]?.personId, '4');
  });

  test('future and gone persons get no new identifiers when `at` is given', async () => {
    const future = person('1', { firstName: 'Fu', lastName: 'Ture', hireDate: '2025-01-01' });
    const gone = person('2', { firstName: 'Go', lastName: 'Ne', hireDate: '2020-01-01', terminationDate: '2023-01-01' });
    const now = person('3', { firstName: 'No', lastName: 'W' });
    const { reservations } = await allocateIdentifiers([future, gone, now], cfg, [], free, {}, { at: '2024-06-01T10:00:00Z' });
    assert.deepEqual([...new Set(reservations.map((r) => r.personId))], ['3']);
  });

  test('matchesPerson detects a name change', () => {
    const p = person('1', { firstName: 'Erika', lastName: 'Schmidt' });
    assert.equal(matchesPerson('erika.schmidt2@example.com', p, 'mail', cfg, {}, 64), true);
    assert.equal(matchesPerson('Erika.Schmidt@Example.com', p, 'mail', cfg, {}, 64), true);
    assert.equal(matchesPerson('erika.muster@example.com', p, 'mail', cfg, {}, 64), false);
  });
});
