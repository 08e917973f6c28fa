/** Planner: notification operations (joiner accounts, leaver deletion date, the separate password mail on day one). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifyOperation, Plan } from './model.js';
import { computePlan } from './planner.js';
import { accountAfter, AT, brief, disabledBy, erika, erikaIds } from './planner-test-support.js';
import { config, input } from './test-support.js';

const notifies = (plan: Plan): NotifyOperation[] => plan.operations.filter((o): o is NotifyOperation => o.action === 'notify');

describe('notification operations', () => {
  const events = { joiner: ['manager'], leaver: ['manager', 'it@example.com'] };
  const separate = config({ notifications: { events, passwordDelivery: 'mail-separate' } });
  const byConsole = config({ notifications: { events } });

  test('the joiner notification names the accounts with their logins; no password mail for a pre-hire create', () => {
    const plan = computePlan(input({ persons: [erika], reservations: erikaIds, config: separate }));
    const [joiner, ...rest] = notifies(plan);
    assert.equal(rest.length, 0, 'the accounts are created disabled: their password is replaced on day one');
    assert.equal(joiner?.event, 'joiner');
    assert.deepEqual(joiner?.accounts?.find((a) => a.target === 'ad'), { target: 'ad', login: 'emuster' });
  });

  test('mail-separate: day one sets a new password on the pre-hire account and mails it separately, to the manager', () => {
    const plan = computePlan(input({ persons: [erika], reservations: erikaIds, config: separate }));
    const accounts = [accountAfter(plan, '1', 'ad', 'g1'), accountAfter(plan, '1', 'sql', 'r1')];
    const day1 = computePlan({ ...input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T22:00:00Z', config: separate }), disabled: disabledBy(accounts, AT, 'cadre', 'create') });
    assert.deepEqual(brief(day1), ['ad:enable', 'sql:enable', 'ad:setPassword', 'notify:notify']);
    const set = day1.operations.find((o) => o.action === 'setPassword');
    assert.equal(set?.reason.source, 'first-day');
    const [pw] = notifies(day1);
    assert.equal(pw?.event, 'password');
    assert.deepEqual(pw?.to, ['manager']);
    assert.deepEqual(pw?.dependsOn, [set?.id]);
    assert.deepEqual(pw?.accounts, [{ target: 'ad', login: 'emuster' }], 'the login from the known account');
  });

  test('console (default): day one only enables, no password is set or mailed', () => {
    const plan = computePlan(input({ persons: [erika], reservations: erikaIds, config: byConsole }));
    const accounts = [accountAfter(plan, '1', 'ad', 'g1'), accountAfter(plan, '1', 'sql', 'r1')];
    const day1 = computePlan({ ...input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T22:00:00Z', config: byConsole }), disabled: disabledBy(accounts, AT, 'cadre', 'create') });
    assert.deepEqual(brief(day1), ['ad:enable', 'sql:enable']);
  });

  test('mail-separate: a joiner created on or after day one gets the password mail right after the create', () => {
    const started = { ...erika, status: 'active' as const, hireDate: '2024-05-20' };
    const plan = computePlan(input({ persons: [started], reservations: erikaIds, config: separate }));
    const create = plan.operations.find((o) => o.action === 'create' && o.target === 'ad');
    const pw = notifies(plan).find((n) => n.event === 'password');
    assert.deepEqual(pw?.dependsOn, [create?.id]);
    assert.equal(notifies(plan).filter((n) => n.event === 'password').length, 1, 'only targets that manage passwords');
  });

  test('the leaver notification carries the end date and the first day of deletion', () => {
    const leaver = { ...erika, status: 'active' as const, hireDate: '2020-01-01', terminationDate: '2024-06-30' };
    const plan = computePlan(input({ persons: [leaver], reservations: erikaIds, config: byConsole, at: '2024-05-01T10:00:00Z' }));
    const accounts = [accountAfter(plan, '1', 'ad', 'g1', { enabled: true }), accountAfter(plan, '1', 'sql', 'r1', { enabled: true })];
    const gone = computePlan(input({ persons: [leaver], reservations: erikaIds, accounts, config: byConsole, at: '2024-07-01T10:00:00Z' }));
    const n = notifies(gone).find((o) => o.event === 'leaver');
    assert.equal(n?.endDate, '2024-06-30');
    assert.match(n?.deleteOn ?? '', /^2024-\d\d-\d\d$/);
    assert.ok((n?.deleteOn ?? '') > '2024-06-30');
    assert.deepEqual(n?.accounts?.map((a) => a.target).sort(), ['ad', 'sql']);
  });
});
