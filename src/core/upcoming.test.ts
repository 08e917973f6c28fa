import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noonOf, upcomingLifecycleEvents } from './upcoming.js';
import { config, person } from './test-support.js';

const lifecycle = config().lifecycle; // Europe/Berlin, preHire 14, retention 30

describe('upcomingLifecycleEvents', () => {
  const persons = [
    person('A', { firstName: 'Anna', lastName: 'Neu', status: 'onboarding', hireDate: '2026-04-10' }),
    person('B', { status: 'onboarding', hireDate: '2026-03-25' }),
    person('C', { lastWorkingDay: '2026-03-31' }),
    person('D', { status: 'inactive', terminationDate: '2026-02-20' }),
    person('E', { status: 'onboarding', hireDate: '2026-06-01' }),
    person('F', { lastWorkingDay: '2026-03-20' }),
    person('G', { status: 'onboarding', hireDate: '2026-04-12' }), // prepared on 29 March, the spring-forward day
    person('H', { lastWorkingDay: '2026-01-10' }), // gone since 10 Feb
  ];
  const run = (at: string, days = 30) => upcomingLifecycleEvents({
    persons, at, days, lifecycle, targets: ['entra', 'ad'],
    accountTargets: new Map([['C', ['ad']], ['D', ['entra', 'ad']], ['F', ['ad']], ['H', ['ad']]]),
  });

  test('pre-hire creations, first days, last days and deletions in the window, by date', () => {
    const events = run('2026-03-20T10:00:00.000Z');
    assert.deepEqual(events.map((e) => [e.date, e.kind, e.personId, e.targets.join('+')]), [
      ['2026-03-20', 'lastDay', 'F', 'ad'],
      ['2026-03-23', 'deletion', 'D', 'ad+entra'],
      ['2026-03-25', 'firstDay', 'B', 'ad+entra'],
      ['2026-03-27', 'prehire', 'A', 'ad+entra'],
      ['2026-03-29', 'prehire', 'G', 'ad+entra'],
      ['2026-03-31', 'lastDay', 'C', 'ad'],
      ['2026-04-10', 'firstDay', 'A', 'ad+entra'],
      ['2026-04-12', 'firstDay', 'G', 'ad+entra'],
      // F's deletion: 20 March + 31 days = 20 April, one day past the window.
    ]);
    const a = events.find((e) => e.personId === 'A' && e.kind === 'prehire');
    assert.equal(a?.name, 'Anna Neu');
    assert.match(a?.detail ?? '', /14 day\(s\) ahead/);
    assert.match(events.find((e) => e.personId === 'D')?.detail ?? '', /retention/);
  });

  test('the window edge is inclusive, and a day later the passed events are gone', () => {
    assert.ok(run('2026-03-20T10:00:00.000Z', 31).some((e) => e.personId === 'F' && e.kind === 'deletion' && e.date === '2026-04-20'));
    // 23:00 UTC on 20 March is already 21 March in Berlin: F's last day has passed.
    const later = run('2026-03-20T23:00:00.000Z');
    assert.ok(!later.some((e) => e.personId === 'F' && e.kind === 'lastDay'));
    assert.ok(later.some((e) => e.personId === 'F' && e.kind === 'deletion' && e.date === '2026-04-20'));
  });

  test('a pre-hire date is the day the planner first sees the person as prehire', () => {
    const [g] = run('2026-03-20T10:00:00.000Z').filter((e) => e.personId === 'G' && e.kind === 'prehire');
    assert.equal(g?.date, '2026-03-29');
    // One minute before local midnight of 29 March (CET, UTC+1) it is still ahead; from midnight it has happened.
    const g1 = { persons: [persons[6] as (typeof persons)[number]], days: 1, lifecycle, targets: ['ad'] };
    assert.deepEqual(upcomingLifecycleEvents({ ...g1, at: '2026-03-28T22:59:00.000Z' }).map((e) => `${e.kind}@${e.date}`), ['prehire@2026-03-29']);
    assert.deepEqual(upcomingLifecycleEvents({ ...g1, at: '2026-03-28T23:00:00.000Z' }).map((e) => `${e.kind}@${e.date}`), []);
    assert.equal(noonOf('2026-03-29', 'Europe/Berlin'), '2026-03-29T11:00:00.000Z');
  });
});
