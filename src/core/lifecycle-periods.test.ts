/** Employment periods: rehires entered in advance, renewals without a gap, fixed-term rehires, rehired accounts. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountStateFor, addDays, lifecycleAt } from './lifecycle.js';
import type { AccountState, NotifyOperation, Operation, Person } from './model.js';
import { periodsToRemember, type KnownPeriod } from './periods.js';
import type { PlanInput } from './plan-input.js';
import { computePlan } from './planner.js';
import { brief, erika, erikaIds, synced } from './planner-test-support.js';
import { config, snapshot } from './test-support.js';

const cfg = config().lifecycle; // Europe/Berlin, preHire 14, retention 30
/** Someone employed since 2020 whose last day is 2026-06-30. */
const leaving: Person = { ...erika, status: 'active', hireDate: '2020-01-01', terminationDate: '2026-06-30' };
/** What the store remembers of that record once HR has replaced it. */
const remembered: KnownPeriod = { hireDate: '2020-01-01', terminationDate: '2026-06-30', seenAt: '2026-06-01T08:00:00Z' };
/** The rehire as HR enters it: a new hire date, the old end date kept, or cleared. */
const rehiredKept = (hire: string, over: Partial<Person> = {}): Person => ({ ...leaving, hireDate: hire, ...over });
const rehiredCleared = (hire: string, over: Partial<Person> = {}): Person => {
  const { terminationDate: _t, ...rest } = leaving;
  return { ...rest, hireDate: hire, ...over };
};
/** Both ways HR may enter it, with what the planner is given. */
const variants = (hire: string, over: Partial<Person> = {}): [string, Person, readonly KnownPeriod[]][] => [
  ['old end date kept', rehiredKept(hire, over), []],
  ['old end date cleared, remembered by the store', rehiredCleared(hire, over), [remembered]],
];
const noon = (date: string): string => `${date}T10:00:00Z`;

/** An in-sync, enabled account pair for the person (AD + SQL), planned as of 2026-06-01. */
function enabledAccounts(): { base: PlanInput; accounts: AccountState[] } {
  return synced(leaving, erikaIds, noon('2026-06-01'));
}
/** Plan as of `at`; disabled accounts count as disabled by Cadre after the old end date (the store's record). */
const planFor = (p: Person, history: readonly KnownPeriod[], at: string, accounts: readonly AccountState[], base: PlanInput) =>
  computePlan({
    ...base, snapshot: snapshot([p]), accounts, at, history: { [p.id]: history },
    disabled: accounts.filter((a) => !a.enabled).map((a) => ({ target: a.target, anchor: a.anchor, at: '2026-06-30T22:00:00Z', by: 'cadre' as const, via: 'disable' as const })),
  });

describe('a rehire entered in advance', () => {
  for (const [how, p, history] of variants('2026-09-01')) {
    test(`${how}: enabled while the old contract runs, disabled through the two-month gap, prepared in the window, enabled on day one`, () => {
      const at = (d: string) => lifecycleAt(p, noon(d), cfg, history);
      assert.equal(at('2026-06-10').state, 'active');
      assert.equal(at('2026-06-10').endDate, '2026-06-30', 'the old end date still counts (accountExpires, leaver mail)');
      assert.equal(at('2026-06-10').rehireOn, '2026-09-01');
      assert.equal(at('2026-07-15').state, 'terminated', 'in the gap');
      assert.equal(at('2026-07-15').deleteOn, undefined, 'kept for the rehire, never deleted in the gap');
      assert.equal(at('2026-07-15').enableOn, '2026-09-01');
      assert.equal(at('2026-08-25').state, 'prehire');
      assert.equal(at('2026-09-01').state, 'active');
      assert.equal(at('2026-09-01').rehire, true);
    });

    test(`${how}: the planner leaves the account enabled before the end and disables it in the gap`, () => {
      const { base, accounts } = enabledAccounts();
      assert.deepEqual(brief(planFor(p, history, noon('2026-06-10'), accounts, base)).filter((b) => /disable|enable|delete/.test(b)), []);
      const gap = planFor(p, history, noon('2026-07-15'), accounts, base);
      assert.ok(brief(gap).includes('ad:disable') && brief(gap).includes('sql:disable'), brief(gap).join(' '));
      const disabled = accounts.map((a) => ({ ...a, enabled: false }));
      const later = planFor(p, history, noon('2026-08-20'), disabled, base);
      assert.deepEqual(brief(later).filter((b) => /enable|delete/.test(b)), [], 'still disabled, and not deleted although retention has passed');
    });
  }

  test('a rehire whose start is inside the pre-hire window does not disable someone still working out the old contract', () => {
    for (const [how, p, history] of variants('2026-07-06')) {
      const { base, accounts } = enabledAccounts();
      assert.equal(lifecycleAt(p, noon('2026-06-25'), cfg, history).state, 'active', how);
      assert.deepEqual(brief(planFor(p, history, noon('2026-06-25'), accounts, base)).filter((b) => b.includes('able')), [], how);
      assert.equal(lifecycleAt(p, noon('2026-07-02'), cfg, history).state, 'prehire', `${how}: disabled in the gap, prepared for the return`);
    }
  });

  test('a hire date corrected before day one is not an earlier period', () => {
    const joiner: Person = { ...erika, status: 'onboarding', hireDate: '2026-08-01' };
    const typo: KnownPeriod = { hireDate: '2026-07-01', lastWorkingDay: '2026-07-10', seenAt: '2026-06-01T08:00:00Z' };
    const l = lifecycleAt(joiner, noon('2026-07-05'), cfg, [typo]);
    assert.equal(l.state, 'future');
    assert.equal(l.rehire, false);
  });
});

describe('a contract renewal without a gap', () => {
  const ended: Person = { ...erika, status: 'active', hireDate: '2024-04-01', contractEndDate: '2026-03-31' };
  const renewals: [string, Person, readonly KnownPeriod[]][] = [
    ['old end kept, no new end', { ...ended, hireDate: '2026-04-01' }, []],
    ['old end kept, new fixed term', { ...ended, hireDate: '2026-04-01', terminationDate: '2027-03-31' }, []],
    ['old end cleared', { ...erika, status: 'active', hireDate: '2026-04-01' }, [{ hireDate: '2024-04-01', contractEndDate: '2026-03-31', seenAt: '2026-03-01T08:00:00Z' }]],
  ];
  for (const [how, p, history] of renewals) {
    test(`${how}: enabled at every minute around midnight in Berlin, and every day of the month before and after`, () => {
      // 2026-03-31 is summer time: 00:00 Berlin on 1 April is 22:00 UTC.
      for (let m = 0; m <= 4 * 60; m += 1) {
        const at = new Date(Date.parse('2026-03-31T20:00:00Z') + m * 60_000).toISOString();
        const l = lifecycleAt(p, at, cfg, history);
        assert.ok(accountStateFor(l.state, cfg).enabled, `${how} at ${at}: ${l.state} (${l.reason.detail})`);
      }
      for (let d = -30; d <= 30; d += 1) {
        const l = lifecycleAt(p, noon(addDays('2026-04-01', d)), cfg, history);
        assert.ok(accountStateFor(l.state, cfg).enabled, `${how} on ${addDays('2026-04-01', d)}: ${l.state}`);
      }
    });
  }

  test('property: a renewal without a gap never yields a disabled state on any day, whatever the dates, fields and window', () => {
    const fields = ['lastWorkingDay', 'terminationDate', 'contractEndDate'] as const;
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 700 }), fc.constantFrom(...fields), fc.boolean(), fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
      fc.integer({ min: 0, max: 60 }), fc.constantFrom('earliest', 'lastWorkingDay', 'terminationDate', 'contractEnd'), fc.integer({ min: -40, max: 40 }), fc.integer({ min: 0, max: 23 }),
      (endOff, field, cleared, newLen, preHireDays, disableAt, dayOff, hour) => {
        const oldEnd = addDays('2025-01-01', endOff);
        const start = addDays(oldEnd, 1);
        const newEnd = newLen === undefined ? {} : { terminationDate: addDays(start, newLen) };
        const p: Person = { ...erika, status: 'active', hireDate: start, ...(cleared ? {} : { [field]: oldEnd }), ...newEnd };
        const history: KnownPeriod[] = [{ hireDate: '2020-01-01', [field]: oldEnd, seenAt: `${oldEnd}T06:00:00Z` }];
        const c = { ...cfg, preHireDays, disableAt };
        const at = `${addDays(start, dayOff)}T${String(hour).padStart(2, '0')}:30:00Z`;
        if (newLen !== undefined && addDays(start, dayOff) > addDays(start, newLen - 1)) return true; // past the new end
        return accountStateFor(lifecycleAt(p, at, c, history).state, c).enabled;
      },
    ), { numRuns: 2000 });
  });
});

describe('a fixed-term rehire', () => {
  test("the NEW end date counts: the old termination date does not hide it", () => {
    const p = rehiredKept('2026-09-01', { contractEndDate: '2027-02-28' });
    const l = lifecycleAt(p, noon('2026-12-01'), cfg);
    assert.equal(l.state, 'active');
    assert.equal(l.endDate, '2027-02-28');
    assert.equal(l.endBy, 'contract_end_date 2027-02-28 (disableAt: earliest)');
    const after = lifecycleAt(p, '2027-02-28T23:00:00Z', cfg);
    assert.equal(after.state, 'terminated', '00:00 Berlin after the new end date');
    assert.equal(after.deleteOn, '2027-03-31');
  });

  test('HR moves the termination date to the new end and leaves the old last working day: the new one counts', () => {
    const p: Person = { ...leaving, hireDate: '2026-09-01', lastWorkingDay: '2026-06-20', terminationDate: '2027-02-28' };
    assert.equal(lifecycleAt(p, noon('2026-12-01'), cfg).state, 'active');
    assert.equal(lifecycleAt(p, noon('2026-06-25'), cfg).state, 'terminated', 'the old period closed at its last working day');
    assert.equal(lifecycleAt(p, noon('2027-03-02'), cfg).state, 'terminated');
  });
});

describe('a rehire gets the old accounts back', () => {
  const notifying = config({ notifications: { events: { joiner: ['manager'], leaver: ['it@example.com'] } } });
  for (const [how, p, history] of variants('2026-09-01')) {
    test(`${how}: enabled on the new start day with a new initial password and the joiner mail`, () => {
      const { base, accounts } = synced(leaving, erikaIds, noon('2026-06-01'), { config: notifying });
      const old = accounts.map((a) => (a.target === 'ad' ? { ...a, enabled: false, container: 'OU=Disabled,DC=ex,DC=com', entitlements: [] } : { ...a, enabled: false, entitlements: [] }));
      const eve = planFor(p, history, '2026-08-31T21:59:00Z', old, base);
      assert.deepEqual(brief(eve).filter((b) => /enable|setPassword|create|delete/.test(b)), [], '23:59 Berlin the day before: still disabled');
      const plan = planFor(p, history, '2026-08-31T22:00:00Z', old, base);
      const b = brief(plan);
      assert.ok(!b.some((x) => x.endsWith(':create')), 'no new account');
      for (const want of ['ad:enable', 'sql:enable', 'ad:setPassword', 'ad:grant:GG-All', 'ad:grant:GG-Sales', 'notify:notify']) assert.ok(b.includes(want), `${want} in ${b.join(' ')}`);
      const mail = plan.operations.find((o) => o.action === 'notify') as NotifyOperation;
      assert.equal(mail.event, 'joiner');
      const setPassword = plan.operations.find((o) => o.action === 'setPassword') as Operation;
      assert.ok(mail.dependsOn.includes(setPassword.id), 'the mail waits for the new password');
    });
  }

  test('a renewal without a gap sets no password and sends no joiner mail (the account never went away)', () => {
    const p: Person = { ...leaving, hireDate: '2026-07-01' };
    const { base, accounts } = synced(leaving, erikaIds, noon('2026-06-01'), { config: notifying });
    const plan = planFor(p, [], '2026-06-30T22:00:00Z', accounts, base);
    assert.deepEqual(brief(plan).filter((x) => /able|setPassword|notify/.test(x)), []);
  });
});

describe('end dates of the renewal and of the earlier period', () => {
  test('a renewal entered before the old end: the new end date is the one that counts (accountExpires never hits the old end)', () => {
    const p: Person = { ...erika, status: 'active', hireDate: '2026-04-01', terminationDate: '2027-03-31' };
    const history: KnownPeriod[] = [{ hireDate: '2024-04-01', contractEndDate: '2026-03-31', seenAt: '2026-03-01T08:00:00Z' }];
    const l = lifecycleAt(p, noon('2026-03-25'), cfg, history);
    assert.equal(l.state, 'active');
    assert.equal(l.endDate, '2027-03-31');
    assert.match(l.reason.detail, /renewed from 2026-04-01 without a gap/);
    assert.equal(lifecycleAt({ ...p, terminationDate: undefined }, noon('2026-03-25'), cfg, history).endDate, undefined, 'open-ended renewal: no expiry');
  });

  test('HR clears only the last working day while entering the rehire: the remembered one still closes access', () => {
    const p: Person = { ...leaving, hireDate: '2026-09-01', contractEndDate: '2026-12-31' };
    const history: KnownPeriod[] = [{ hireDate: '2020-01-01', lastWorkingDay: '2026-06-10', terminationDate: '2026-06-30', seenAt: '2026-06-01T08:00:00Z' }];
    const l = lifecycleAt(p, noon('2026-06-15'), cfg, history);
    assert.equal(l.state, 'terminated');
    assert.equal(l.endBy, 'last_working_day 2026-06-10 (disableAt: earliest)');
    assert.equal(lifecycleAt(p, noon('2026-10-01'), cfg, history).endDate, '2026-12-31', 'the new fixed term');
  });
});

describe('periodsToRemember', () => {
  const day = (at: string) => at.slice(0, 10);
  test('writes new and changed records, and a period the first time it is seen started; nothing else', () => {
    const joiner: Person = { ...erika, id: '2', status: 'onboarding', hireDate: '2026-07-01' };
    const first = periodsToRemember([leaving, joiner], {}, '2026-06-01T08:00:00Z', day);
    assert.deepEqual(first.map((x) => [x.personId, x.period.hireDate, x.period.terminationDate]), [['1', '2020-01-01', '2026-06-30'], ['2', '2026-07-01', undefined]]);
    const history = { '1': [first[0]?.period as KnownPeriod], '2': [first[1]?.period as KnownPeriod] };
    assert.deepEqual(periodsToRemember([leaving, joiner], history, '2026-06-02T08:00:00Z', day), [], 'unchanged: nothing written');
    assert.deepEqual(periodsToRemember([joiner], history, '2026-07-01T08:00:00Z', day).map((x) => x.period.seenAt), ['2026-07-01T08:00:00Z'], 'seen started');
    const rehired = periodsToRemember([rehiredCleared('2026-09-01')], history, '2026-06-03T08:00:00Z', day);
    assert.deepEqual(rehired.map((x) => x.period), [{ hireDate: '2026-09-01', seenAt: '2026-06-03T08:00:00Z' }], 'the old row stays as it was');
  });
});

test('inside the pre-hire window of a rehire, the new period end date is the one that counts', () => {
  const p = rehiredKept('2026-09-01', { contractEndDate: '2027-02-28' });
  const l = lifecycleAt(p, noon('2026-08-25'), cfg);
  assert.equal(l.state, 'prehire');
  assert.equal(l.endDate, '2027-02-28');
  assert.equal(lifecycleAt(rehiredKept('2026-09-01'), noon('2026-08-25'), cfg).endDate, undefined, 'open-ended: no expiry');
});

test('a remembered record counts with its own end dates only, not the older ones HR kept in it', () => {
  // Rehired on 2026-06-01 (the old termination date 2026-03-31 kept), fixed term to 2026-09-30, renewed from 2026-10-01.
  const renewed: Person = { ...erika, status: 'active', hireDate: '2026-10-01' };
  const history: KnownPeriod[] = [
    { hireDate: '2020-01-01', lastWorkingDay: '2026-03-10', terminationDate: '2026-03-31', seenAt: '2026-03-02T10:00:00Z' },
    { hireDate: '2026-06-01', terminationDate: '2026-03-31', contractEndDate: '2026-09-30', seenAt: '2026-06-01T03:00:00Z' },
  ];
  const l = lifecycleAt(renewed, noon('2026-09-20'), cfg, history);
  assert.equal(l.state, 'active', l.reason.detail);
  assert.match(l.reason.detail, /renewed from 2026-10-01 without a gap/);
});

test('an account Cadre disabled within the current period (an end date HR corrected) comes back without a new password or joiner mail', () => {
  const notifying = config({ notifications: { events: { joiner: ['manager'] } } });
  const renewed: Person = { ...erika, status: 'active', hireDate: '2026-10-01', terminationDate: '2027-10-02' };
  const history: KnownPeriod[] = [{ hireDate: '2026-06-01', contractEndDate: '2026-09-30', seenAt: '2026-06-01T03:00:00Z' }];
  const { base, accounts } = synced(renewed, erikaIds, noon('2026-10-05'), { config: notifying });
  const old = accounts.map((a) => ({ ...a, enabled: false }));
  const corrected = computePlan({
    ...base, snapshot: snapshot([renewed]), accounts: old, at: noon('2026-10-13'), history: { '1': history },
    disabled: old.map((a) => ({ target: a.target, anchor: a.anchor, at: noon('2026-10-12'), by: 'cadre' as const, via: 'disable' as const })),
  });
  const b = brief(corrected);
  assert.ok(b.includes('ad:enable') && b.includes('sql:enable'), b.join(' '));
  assert.ok(!b.includes('ad:setPassword') && !b.includes('notify:notify'), b.join(' '));
  // Disabled in the gap before the current period began: a return, with a new password and the joiner mail.
  const back = computePlan({
    ...base, snapshot: snapshot([renewed]), accounts: old, at: noon('2026-10-13'), history: { '1': history },
    disabled: old.map((a) => ({ target: a.target, anchor: a.anchor, at: noon('2026-09-01'), by: 'cadre' as const, via: 'disable' as const })),
  });
  assert.ok(brief(back).includes('ad:setPassword') && brief(back).includes('notify:notify'), brief(back).join(' '));
});
