/** Which date closes access (`lifecycle.disableAt`), retention from the latest date, and that every consumer uses the same one. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainPerson, formatExplanation } from './explain.js';
import { addDays, lifecycleAt } from './lifecycle.js';
import type { DisableOperation, NotifyOperation, Operation, Person } from './model.js';
import { decideEnd, type DisableAt } from './periods.js';
import { accountExpiresFiletime } from './rules/filetime.js';
import { computePlan } from './planner.js';
import { brief, erika, erikaIds, synced } from './planner-test-support.js';
import { config, person } from './test-support.js';

const lifecycle = (over: Record<string, unknown> = {}) => config({ lifecycle: { timezone: 'Europe/Berlin', preHireDays: 14, retentionDays: 30, leave: 'keep', ...over } }).lifecycle;
/** Garden leave: the last working day is three weeks before the termination date. */
const garden = person('1', { hireDate: '2020-01-01', lastWorkingDay: '2026-03-10', terminationDate: '2026-03-31' });
/** 00:00 Berlin (CET) on the day after `date`. */
const midnightAfter = (date: string): string => `${date}T23:00:00Z`;

describe('lifecycle.disableAt', () => {
  test('default earliest: the last working day closes access, at the end of that day in the lifecycle zone', () => {
    const cfg = lifecycle();
    assert.equal(cfg.disableAt, 'earliest');
    assert.equal(lifecycleAt(garden, '2026-03-10T22:59:00Z', cfg).state, 'active', '23:59 Berlin on the last working day');
    const after = lifecycleAt(garden, midnightAfter('2026-03-10'), cfg);
    assert.equal(after.state, 'terminated', '00:00 Berlin the next day');
    assert.equal(after.endDate, '2026-03-10');
    assert.equal(after.endBy, 'last_working_day 2026-03-10 (disableAt: earliest)');
    assert.match(after.reason.detail, /last_working_day 2026-03-10 \(disableAt: earliest\)/);
  });

  test('retention is counted from the latest set date, not from the one that closed access', () => {
    const cfg = lifecycle();
    const after = lifecycleAt(garden, '2026-03-12T10:00:00Z', cfg);
    assert.equal(after.deleteOn, '2026-05-01', '30 days after the termination date 2026-03-31');
    assert.equal(after.retentionFrom, '2026-03-31');
    assert.match(after.reason.detail, /after termination_date 2026-03-31, the latest end date/);
    assert.equal(lifecycleAt(garden, '2026-04-30T21:59:00Z', cfg).state, 'terminated');
    assert.equal(lifecycleAt(garden, '2026-04-30T22:00:00Z', cfg).state, 'gone');
  });

  test('a named field decides; while it has not passed the person stays active', () => {
    const cfg = lifecycle({ disableAt: 'terminationDate' });
    const mid = lifecycleAt(garden, '2026-03-20T10:00:00Z', cfg);
    assert.equal(mid.state, 'active', 'garden leave keeps access under disableAt: terminationDate');
    assert.equal(mid.endBy, 'termination_date 2026-03-31 (disableAt: terminationDate)');
    assert.equal(lifecycleAt(garden, '2026-03-31T22:00:00Z', cfg).state, 'terminated');
    const contract = person('2', { hireDate: '2020-01-01', terminationDate: '2026-03-31', contractEndDate: '2026-06-30' });
    assert.equal(lifecycleAt(contract, '2026-05-01T10:00:00Z', lifecycle({ disableAt: 'contractEnd' })).state, 'active');
    assert.equal(lifecycleAt(contract, '2026-05-01T10:00:00Z', lifecycle({ disableAt: 'earliest' })).state, 'terminated');
  });

  test('a named field that is unset falls back to the earliest of the others, and the reason says so', () => {
    const p = person('1', { hireDate: '2020-01-01', terminationDate: '2026-03-31', contractEndDate: '2026-04-30' });
    const l = lifecycleAt(p, '2026-04-02T10:00:00Z', lifecycle({ disableAt: 'lastWorkingDay' }));
    assert.equal(l.state, 'terminated');
    assert.equal(l.endDate, '2026-03-31');
    assert.equal(l.endBy, 'termination_date 2026-03-31 (disableAt: lastWorkingDay, which is not set: earliest of the others)');
    assert.equal(l.deleteOn, '2026-05-31', 'retention from the contract end, the latest date');
  });

  test('property: the closing date is the named one when set, else the earliest; retention from the latest', () => {
    const day = fc.integer({ min: 0, max: 365 }).map((n) => addDays('2026-01-01', n));
    const maybe = fc.option(day, { nil: undefined });
    const modes: DisableAt[] = ['earliest', 'lastWorkingDay', 'terminationDate', 'contractEnd'];
    fc.assert(fc.property(maybe, maybe, maybe, fc.constantFrom(...modes), (lwd, term, ce, mode) => {
      const dates = { ...(lwd ? { lastWorkingDay: lwd } : {}), ...(term ? { terminationDate: term } : {}), ...(ce ? { contractEndDate: ce } : {}) };
      const set = [lwd, term, ce].filter((d): d is string => d !== undefined).sort();
      const named = { earliest: undefined, lastWorkingDay: lwd, terminationDate: term, contractEnd: ce }[mode];
      const decided = decideEnd(dates, mode);
      if (set.length === 0) return decided === undefined;
      if (decided === undefined || decided.date !== (named ?? set[0])) return false;
      const p: Person = person('1', { hireDate: '2020-01-01', ...dates });
      const l = lifecycleAt(p, `${addDays(set.at(-1) as string, 1)}T12:00:00Z`, lifecycle({ disableAt: mode }));
      return l.state === 'terminated' && l.endDate === decided.date && l.deleteOn === addDays(set.at(-1) as string, 31);
    }), { numRuns: 500 });
  });
});

describe('every consumer uses the decided date', () => {
  const leaver = { ...erika, status: 'active' as const, hireDate: '2020-01-01', lastWorkingDay: '2024-06-10', terminationDate: '2024-06-30' };
  const cfg = config({
    notifications: { events: { leaver: ['it@example.com'] } },
    targets: {
      ...config().targets,
      ad: { ...config().targets['ad'], attributes: { ...config().targets['ad']?.attributes, accountExpires: "{{ filetime(endDate, 'Europe/Berlin') }}", exitDate: '{{ endDate }}' } },
    },
  });

  test('plan: the disable, the accountExpires mapping, the endDate value and the leaver mail all carry the last working day', () => {
    const { base, accounts } = synced({ ...leaver, lastWorkingDay: undefined, terminationDate: undefined }, erikaIds, '2024-06-01T10:00:00Z', { config: cfg });
    const before = computePlan({ ...base, snapshot: { ...base.snapshot, persons: [leaver] }, accounts, at: '2024-06-05T10:00:00Z' });
    const update = before.operations.find((o) => o.target === 'ad' && o.action === 'update') as Operation;
    assert.deepEqual(update.changes.map((c) => [c.attribute, c.to]), [['accountExpires', accountExpiresFiletime('2024-06-10', 'Europe/Berlin')], ['exitDate', '2024-06-10']]);
    const after = computePlan({ ...base, snapshot: { ...base.snapshot, persons: [leaver] }, accounts, at: '2024-06-10T22:00:00Z' });
    assert.ok(brief(after).includes('ad:disable'), brief(after).join(' '));
    const disable = after.operations.find((o) => o.target === 'ad' && o.action === 'disable') as DisableOperation;
    assert.equal(disable.endDate, '2024-06-10', 'accountExpiresFromEndDate reads this');
    assert.match(disable.reason.detail, /last_working_day 2024-06-10 \(disableAt: earliest\)/);
    const mail = after.operations.find((o) => o.action === 'notify') as NotifyOperation;
    assert.equal(mail.event, 'leaver');
    assert.equal(mail.endDate, '2024-06-10', 'the leaver mail names the same day');
  });

  test('explain names the field that decided and the day retention counts from', () => {
    const { base } = synced(leaver, erikaIds, '2024-06-01T10:00:00Z');
    const e = explainPerson('1', { ...base, at: '2024-06-12T10:00:00Z' });
    assert.equal(e.lifecycle?.endBy, 'last_working_day 2024-06-10 (disableAt: earliest)');
    assert.equal(e.lifecycle?.retentionFrom, '2024-06-30');
    const text = formatExplanation(e);
    assert.match(text, /access ends after: last_working_day 2024-06-10 \(disableAt: earliest\)/);
    assert.match(text, /accounts deleted on: 2024-07-31 \(retention counted from 2024-06-30, the latest end date\)/);
  });
});
