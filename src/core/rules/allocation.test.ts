import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CadreConfig } from '../../config/schema.js';
import { config, person } from '../test-support.js';
import type { Person, Reservation } from '../model.js';
import { allocateIdentifiers, type IsFree } from './allocation.js';
import { candidates, identifierOrder } from './identifiers.js';

/** username is the base; upn and mail2 are built from it; mail is independent. */
const cfg = config({
  identifiers: {
    username: { patterns: ['{f}{last}', '{first:2}{last}', '{f}{last}{n}'], maxLength: 20, maxNumber: 4 },
    upn: { patterns: ['{username}@corp.example.com'] },
    mail: { patterns: ['{first}.{last}@example.com', '{first}.{last}{n}@example.com'], maxNumber: 3 },
  },
});
const LIMITS = { username: 20, upn: 64, mail: 64 };
const takenIn = (values: Iterable<string>): IsFree => {
  const set = new Set([...values].map((v) => v.toLowerCase()));
  return async (_kind, value) => !set.has(value.toLowerCase());
};
const primary = (rs: readonly Reservation[], personId: string, kind: string): string | undefined =>
  rs.find((r) => r.personId === personId && r.kind === kind && r.status === 'primary')?.value;

describe('joint allocation of identifiers built from others', () => {
  test('a taken UPN moves the username to its next candidate, and the UPN follows', async () => {
    const p = person('1', { firstName: 'Jürgen', lastName: 'Müller' });
    const { reservations, errors } = await allocateIdentifiers([p], cfg, [], takenIn(['jmueller@corp.example.com']), LIMITS);
    assert.deepEqual(errors, []);
    assert.equal(primary(reservations, '1', 'username'), 'jumueller');
    assert.equal(primary(reservations, '1', 'upn'), 'jumueller@corp.example.com');
    assert.equal(primary(reservations, '1', 'mail'), 'juergen.mueller@example.com', 'an independent kind does not move');
  });

  test('the collision may be in any kind: another person\'s mail equal to the derived UPN', async () => {
    const c = config({ identifiers: { username: { patterns: ['{f}{last}', '{first:2}{last}'] }, upn: { patterns: ['{username}@example.com'] }, mail: { patterns: ['{f}{last}@example.com', '{first}.{last}@example.com'] } } });
    const existing: Reservation[] = [{ kind: 'mail', value: 'jmueller@example.com', personId: '9', status: 'primary' }];
    const { reservations, errors } = await allocateIdentifiers([person('1', { firstName: 'Jan', lastName: 'Müller' })], c, existing, takenIn([]), {});
    assert.deepEqual(errors, []);
    assert.equal(primary(reservations, '1', 'username'), 'jamueller');
    assert.equal(primary(reservations, '1', 'upn'), 'jamueller@example.com');
  });

  test('the same value under two kinds of one person is fine (upn == mail)', async () => {
    const c = config({ identifiers: { mail: { patterns: ['{first}.{last}@example.com'] }, upn: { patterns: ['{mail}'] } } });
    const { reservations, errors } = await allocateIdentifiers([person('1', { firstName: 'Eva', lastName: 'Kahn' })], c, [], takenIn([]), {});
    assert.deepEqual(errors, []);
    assert.equal(primary(reservations, '1', 'mail'), 'eva.kahn@example.com');
    assert.equal(primary(reservations, '1', 'upn'), 'eva.kahn@example.com');
  });

  test('a chain (mail built from upn built from username) backtracks to the base', async () => {
    const c = config({ identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'], maxNumber: 5 }, upn: { patterns: ['{username}@corp.example.com'] }, mail: { patterns: ['{upn}.mail'] } } });
    const taken = ['tlee@corp.example.com.mail', 'tlee2@corp.example.com', 'tlee3@corp.example.com.mail'];
    const { reservations, errors } = await allocateIdentifiers([person('1', { firstName: 'Tom', lastName: 'Lee' })], c, [], takenIn(taken), {});
    assert.deepEqual(errors, []);
    assert.equal(primary(reservations, '1', 'username'), 'tlee4');
    assert.equal(primary(reservations, '1', 'mail'), 'tlee4@corp.example.com.mail');
  });

  test('exhausted jointly: the base gets a value, the derived kind is reported', async () => {
    const c = config({ identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'], maxNumber: 2 }, upn: { patterns: ['{username}@x.com'] } } });
    const { reservations, errors } = await allocateIdentifiers([person('1', { firstName: 'Tom', lastName: 'Lee' })], c, [], takenIn(['tlee@x.com', 'tlee2@x.com']), {});
    assert.deepEqual(errors.map((e) => [e.code, e.personId]), [['IDENTIFIER_EXHAUSTED', '1']]);
    assert.match(errors[0]?.message ?? '', /no free upn .*with every candidate of username/);
    assert.equal(primary(reservations, '1', 'username'), 'tlee');
    assert.equal(primary(reservations, '1', 'upn'), undefined);
  });

  test('a reserved value taken since (by hand) is released and re-allocated jointly, when not yet in use', async () => {
    const p = person('1', { firstName: 'Jürgen', lastName: 'Müller' });
    const first = await allocateIdentifiers([p], cfg, [], takenIn([]), LIMITS);
    assert.equal(primary(first.reservations, '1', 'username'), 'jmueller');
    // Someone created jmueller@corp.example.com by hand; the account of person 1 does not exist yet.
    const isFree = takenIn(['jmueller@corp.example.com']);
    const notVerified = await allocateIdentifiers([p], cfg, first.reservations, isFree, LIMITS);
    assert.deepEqual(notVerified.reservations, first.reservations, 'values in use are never re-checked');
    const second = await allocateIdentifiers([p], cfg, first.reservations, isFree, LIMITS, { verifyReserved: () => true });
    assert.deepEqual(second.errors, []);
    assert.equal(primary(second.reservations, '1', 'username'), 'jumueller');
    assert.equal(primary(second.reservations, '1', 'upn'), 'jumueller@corp.example.com');
    assert.equal(primary(second.reservations, '1', 'mail'), 'juergen.mueller@example.com');
    assert.deepEqual(second.reservations.filter((r) => r.status === 'alias'), [], 'released, not kept as aliases');
    assert.deepEqual(second.reallocations, [
      { personId: '1', kind: 'username', from: 'jmueller', to: 'jumueller', reason: 'joint' },
      { personId: '1', kind: 'upn', from: 'jmueller@corp.example.com', to: 'jumueller@corp.example.com', reason: 'taken' },
    ]);
    // Converges: the next run keeps the new values.
    const third = await allocateIdentifiers([p], cfg, second.reservations, isFree, LIMITS, { verifyReserved: () => true });
    assert.deepEqual(third.reservations, second.reservations);
    assert.deepEqual(third.reallocations, []);
  });

  test('a taken reservation with no candidate left is released and reported, never offered again', async () => {
    const c = config({ identifiers: { username: { patterns: ['{f}{last}'] } } });
    const existing: Reservation[] = [{ kind: 'username', value: 'tlee', personId: '1', status: 'primary' }];
    const r = await allocateIdentifiers([person('1', { firstName: 'Tom', lastName: 'Lee' })], c, existing, takenIn(['tlee']), {}, { verifyReserved: () => true });
    assert.deepEqual(r.reservations, []);
    assert.deepEqual(r.reallocations, [{ personId: '1', kind: 'username', from: 'tlee', reason: 'taken' }]);
    assert.equal(r.errors[0]?.code, 'IDENTIFIER_EXHAUSTED');
  });

  test('a name change before the account exists still keeps the old value as an alias (regenerate)', async () => {
    const c = config({ identifiers: { mail: { patterns: ['{first}.{last}@example.com'], onNameChange: 'regenerate' } } });
    const existing: Reservation[] = [{ kind: 'mail', value: 'erika.muster@example.com', personId: '1', status: 'primary' }];
    const r = await allocateIdentifiers([person('1', { firstName: 'Erika', lastName: 'Schmidt' })], c, existing, takenIn([]), {}, { verifyReserved: () => true });
    assert.deepEqual(r.reservations.map((x) => `${x.status}:${x.value}`), ['primary:erika.schmidt@example.com', 'alias:erika.muster@example.com']);
    assert.deepEqual(r.reallocations, []);
  });
});

test('exhausted after a re-allocation: a reserved value taken meanwhile is dropped even when the search never reached it', async () => {
  // Found by the stale-reservations property (seed -4220659): the username moved, every UPN built from it was taken,
  // and the old UPN (taken too) was kept because only the new candidates had been checked.
  const p = person('1', { firstName: 'Tom', lastName: 'Lea' });
  const first = await allocateIdentifiers([p], cfg, [], async () => true, LIMITS);
  const taken = ['tlea', 'tolea', 'tlea3', 'tlea@corp.example.com', 'tlea2@corp.example.com', 'tlea4@corp.example.com'];
  const again = await allocateIdentifiers([p], cfg, first.reservations, takenIn(taken), LIMITS, { verifyReserved: () => true });
  assert.deepEqual(again.reservations.filter((r) => taken.includes(r.value)), []);
  assert.equal(again.errors[0]?.code, 'IDENTIFIER_EXHAUSTED');
  assert.equal(primary(again.reservations, '1', 'mail'), 'tom.lea@example.com', 'the independent mail stays');
});

// ---- property: whenever some candidate tuple is free, allocation succeeds, with values free everywhere ----

const NAMES: readonly [string, string][] = [['Tom', 'Lee'], ['Tim', 'Lee'], ['Tom', 'Lea'], ['Ti', 'Le']];

/** Every complete tuple of candidates of a person (kinds in dependency order), by brute force. */
function tuples(p: Person, c: CadreConfig): Record<string, string>[] {
  const order = identifierOrder(c.identifiers);
  const out: Record<string, string>[] = [];
  const walk = (i: number, acc: Record<string, string>): void => {
    if (i === order.length) { out.push({ ...acc }); return; }
    const kind = order[i] as string;
    for (const v of candidates(p, kind, c, acc, 64)) walk(i + 1, { ...acc, [kind]: v });
  };
  walk(0, {});
  return out;
}

describe('property: joint allocation never strands a person while candidates remain', () => {
  const universe = [...new Set(NAMES.flatMap(([f, l]) => tuples(person('x', { firstName: f, lastName: l }), cfg).flatMap((t) => Object.values(t))))].sort();
  const targets = ['ad', 'entra', 'sql'] as const;

  test('random values taken across kinds and targets', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: NAMES.length - 1 }), { minLength: 1, maxLength: 5 }),
      // Each taken value is held in some target (under any attribute: one namespace).
      fc.dictionary(fc.constantFrom(...universe), fc.constantFrom(...targets), { maxKeys: 40 }),
      async (who, takenMap) => {
        const persons = who.map((n, i) => person(String(i + 1), { firstName: NAMES[n]?.[0] as string, lastName: NAMES[n]?.[1] as string }));
        const taken = new Set(Object.keys(takenMap));
        const { reservations, errors } = await allocateIdentifiers(persons, cfg, [], async (_k, v) => !taken.has(v), LIMITS);
        const owner = new Map<string, string>();
        for (const r of reservations) {
          if (taken.has(r.value)) return false; // free in every target
          const o = owner.get(r.value);
          if (o !== undefined && o !== r.personId) return false; // unique across persons, over every kind
          owner.set(r.value, r.personId);
        }
        const kinds = identifierOrder(cfg.identifiers);
        const usedBefore = new Set<string>();
        for (const p of persons) {
          const mine = Object.fromEntries(kinds.map((k) => [k, primary(reservations, p.id, k)]));
          const complete = kinds.every((k) => mine[k] !== undefined);
          // The oracle: is there a tuple free of taken values and of values earlier persons got?
          const possible = tuples(p, cfg).some((t) => Object.values(t).every((v) => !taken.has(v) && !usedBefore.has(v)));
          if (possible !== complete) return false;
          if (possible && errors.some((e) => e.personId === p.id)) return false;
          if (complete) {
            if (mine['upn'] !== `${mine['username']}@corp.example.com`) return false; // derived values follow the base
            if (!tuples(p, cfg).some((t) => kinds.every((k) => t[k] === mine[k]))) return false;
          }
          for (const v of Object.values(mine)) if (v !== undefined) usedBefore.add(v);
        }
        return true;
      },
    ), { numRuns: 300 });
  });

  test('stale reservations: a taken reserved value never survives, and the person still gets a free tuple', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: NAMES.length - 1 }),
      fc.subarray(universe, { maxLength: 12 }),
      async (n, takenLater) => {
        const p = person('1', { firstName: NAMES[n]?.[0] as string, lastName: NAMES[n]?.[1] as string });
        const first = await allocateIdentifiers([p], cfg, [], async () => true, LIMITS);
        const taken = new Set(takenLater);
        const again = await allocateIdentifiers([p], cfg, first.reservations, async (_k, v) => !taken.has(v), LIMITS, { verifyReserved: () => true });
        if (again.reservations.some((r) => taken.has(r.value))) return false;
        const possible = tuples(p, cfg).some((t) => Object.values(t).every((v) => !taken.has(v)));
        return possible === (again.errors.length === 0);
      },
    ), { numRuns: 300 });
  });
});
