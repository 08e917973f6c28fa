/** Planner: manual locks (`reenable`), delete only what Cadre disabled (after the retention), and holds. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountState, Hold, Operation } from './model.js';
import { computePlan } from './planner.js';
import { AT, brief, disabledBy, erika, erikaIds, synced } from './planner-test-support.js';
import { explainPerson, formatExplanation } from './explain.js';
import { formatPlan } from './plan-format.js';
import { holdActive, holdTransitions } from './safeguards.js';
import { TARGETS, config, snapshot } from './test-support.js';

const active = { ...erika, status: 'active' as const, hireDate: '2020-01-01' };
const off = (accounts: readonly AccountState[]): AccountState[] => accounts.map((a) => ({ ...a, enabled: false }));
const withReenable = (policy: string) => {
  const base = config();
  return { ...base, targets: { ...base.targets, ad: { ...base.targets['ad']!, reenable: policy as 'always' }, sql: { ...base.targets['sql']!, reenable: policy as 'always' } } };
};

describe('manual locks', () => {
  test('an account disabled outside Cadre stays disabled while the person is active, and the plan shows it held', () => {
    const { base, accounts } = synced(active, erikaIds);
    const locked = off(accounts);
    for (const disabled of [[], disabledBy(locked, '2024-05-20T08:00:00Z', 'observed')]) {
      const plan = computePlan({ ...base, accounts: locked, disabled });
      assert.deepEqual(brief(plan), []);
      assert.deepEqual(plan.held.map((h) => [h.target, h.kind, h.withheld]), [['ad', 'lock', ['enable']], ['sql', 'lock', ['enable']]]);
      assert.match(plan.held[0]?.reason ?? '', /disabled outside Cadre.*not re-enabled \(reenable: ifDisabledByCadre\)/);
      assert.equal(plan.summary['held'], 2);
    }
    const seen = computePlan({ ...base, accounts: locked, disabled: disabledBy(locked, '2024-05-20T08:00:00Z', 'observed') });
    assert.match(seen.held[0]?.reason ?? '', /seen disabled since 2024-05-20T08:00:00Z/);
    // explain tells the rules' verdict from the account's state: not "exists, enabled" for a locked account.
    const text = formatExplanation(explainPerson('1', { ...base, accounts: locked }));
    assert.match(text, /\[ad\] account guid-1\n {4}exists, enabled \(now disabled: held, see below\) — /);
    assert.doesNotMatch(formatExplanation(explainPerson('1', { ...base, accounts })), /\(now /, 'nothing added when the account is as the rules want it');
  });

  test('other changes still reach a locked account: only the enable is withheld', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, snapshot: snapshot([{ ...active, department: 'IT' }]), accounts: off(accounts) });
    assert.deepEqual(brief(plan), ['ad:update', 'ad:grant:GG-IT', 'ad:revoke:GG-Sales', 'sql:revoke:crm']);
  });

  test('accounts Cadre disabled are re-enabled (HR corrected the date); reenable: always / never', () => {
    const { base, accounts } = synced(active, erikaIds);
    const locked = off(accounts);
    const byCadre = disabledBy(locked, '2024-05-20T08:00:00Z');
    assert.deepEqual(brief(computePlan({ ...base, accounts: locked, disabled: byCadre })), ['ad:enable', 'sql:enable']);
    assert.deepEqual(brief(computePlan({ ...base, config: withReenable('always'), accounts: locked })), ['ad:enable', 'sql:enable']);
    const never = computePlan({ ...base, config: withReenable('never'), accounts: locked, disabled: byCadre });
    assert.deepEqual(brief(never), []);
    assert.match(never.held[0]?.reason ?? '', /reenable: never keeps it disabled/);
    // Pre-hire accounts Cadre created disabled are enabled on day 1 even under `never`: that is no re-enable.
    const created = disabledBy(locked, '2024-05-20T08:00:00Z', 'cadre', 'create');
    assert.deepEqual(brief(computePlan({ ...base, config: withReenable('never'), accounts: locked, disabled: created })), ['ad:enable', 'sql:enable']);
  });

  test('a rehire gets back the accounts Cadre disabled at leave, but not a lock (nor its new password)', () => {
    const rehired = { ...erika, status: 'active' as const, hireDate: '2024-05-15', terminationDate: '2023-12-31' };
    const { base, accounts } = synced(rehired, erikaIds);
    const old = off(accounts);
    assert.deepEqual(brief(computePlan({ ...base, accounts: old, disabled: disabledBy(old, '2023-12-31T23:00:00Z') })), ['ad:enable', 'sql:enable', 'ad:setPassword']);
    const plan = computePlan({ ...base, accounts: old, disabled: disabledBy(old.filter((a) => a.target === 'sql'), '2023-12-31T23:00:00Z') });
    assert.deepEqual(brief(plan), ['sql:enable']);
    assert.deepEqual(plan.held.map((h) => [h.target, h.withheld]), [['ad', ['enable', 'setPassword']]]);
  });
});

describe('delete only what Cadre disabled', () => {
  // A mistyped end date a year back: past end date + retention (30 days), so the person is `gone` at once.
  const mistyped = { ...active, terminationDate: '2023-05-31' };

  test('an enabled account is never deleted in one step: disabled first, through the thresholds', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, snapshot: snapshot([mistyped]), accounts });
    assert.deepEqual(brief(plan), ['ad:disable', 'sql:disable']);
    const d = plan.operations[0] as Operation;
    assert.equal(d.reason.source, 'gone');
    assert.match(d.reason.detail, /still enabled: it is disabled now and deleted 30 day\(s\) after that \(not before 2024-07-01\)/);
    assert.deepEqual(d.changes, [{ attribute: 'enabled', from: true, to: false }]);
    const strict = config({ thresholds: { default: { count: 25, percent: 10 }, actions: { disable: { count: 0 } } } });
    const blocked = computePlan({ ...base, config: strict, snapshot: snapshot([mistyped]), accounts });
    assert.deepEqual(blocked.breaches.map((b) => [b.target, b.action]), [['ad', 'disable'], ['sql', 'disable']]);
  });

  test('the deletion waits retentionDays from the disable, then deletes', () => {
    const { base, accounts } = synced(active, erikaIds);
    const disabledAt = AT; // 2024-06-01, Berlin
    const after = { ...base, snapshot: snapshot([mistyped]), accounts: off(accounts), disabled: disabledBy(accounts, disabledAt) };
    const waiting = computePlan({ ...after, at: '2024-06-30T21:59:00Z' });
    assert.deepEqual(brief(waiting), []);
    assert.deepEqual(waiting.held.map((h) => [h.target, h.kind, h.until, h.withheld]), [['ad', 'retention', '2024-07-01', ['delete']], ['sql', 'retention', '2024-07-01', ['delete']]]);
    assert.match(waiting.held[0]?.reason ?? '', /disabled by Cadre on 2024-06-01T10:00:00Z: deleted on 2024-07-01/);
    assert.deepEqual(brief(computePlan({ ...after, at: '2024-06-30T22:00:00Z' })), ['ad:delete', 'sql:delete']);
  });

  test('HR corrects the date during the retention: the account Cadre disabled comes back', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, accounts: off(accounts), disabled: disabledBy(accounts, AT), at: '2024-06-02T10:00:00Z' });
    assert.deepEqual(brief(plan), ['ad:enable', 'sql:enable']);
  });

  test('an account disabled outside Cadre is never deleted', () => {
    const { base, accounts } = synced(active, erikaIds);
    for (const disabled of [[], disabledBy(accounts, '2023-01-01T00:00:00Z', 'observed')]) {
      const plan = computePlan({ ...base, snapshot: snapshot([mistyped]), accounts: off(accounts), disabled, at: '2025-06-01T10:00:00Z' });
      assert.deepEqual(brief(plan), []);
      assert.deepEqual(plan.held.map((h) => [h.kind, h.withheld]), [['lock', ['delete']], ['lock', ['delete']]]);
      assert.match(plan.held[0]?.reason ?? '', /deletes only accounts it disabled itself/);
    }
  });

  test('the store facts are part of the plan basis', () => {
    const { base, accounts } = synced(active, erikaIds);
    const a = computePlan({ ...base, accounts: off(accounts) });
    const b = computePlan({ ...base, accounts: off(accounts), disabled: disabledBy(accounts, AT) });
    const c = computePlan({ ...base, accounts: off(accounts), holds: [{ personId: '1', reason: 'x', actor: 't', createdAt: AT }] });
    assert.equal(new Set([a.basis, b.basis, c.basis]).size, 3);
  });
});

describe('holds', () => {
  const hold = (over: Partial<Hold> = {}): Hold => ({ personId: '1', reason: 'legal review', actor: 'alice', createdAt: AT, ...over });

  test('a held person gets no grants, revokes, updates or moves, and is shown held with the reason', () => {
    const { base, accounts } = synced(active, erikaIds);
    const moved = { ...active, department: 'IT', office: 'Hamburg' };
    const free = computePlan({ ...base, snapshot: snapshot([moved]), accounts });
    assert.deepEqual(brief(free), ['ad:update', 'ad:move', 'ad:grant:GG-IT', 'ad:revoke:GG-Sales', 'sql:revoke:crm']);
    const plan = computePlan({ ...base, snapshot: snapshot([moved]), accounts, holds: [hold()] });
    assert.deepEqual(brief(plan), []);
    assert.deepEqual(plan.held.map((h) => [h.target, h.kind, h.withheld]), [['ad', 'hold', ['update', 'move', 'grant', 'revoke']], ['sql', 'hold', ['revoke']]]);
    assert.equal(plan.held[0]?.reason, 'hold by alice on every target: legal review');
  });

  test('a hold does not stop a leaver disable (nor its notification), but stops the leaver move', () => {
    const cfg = config({ notifications: { events: { leaver: ['it@example.com'] } } });
    const leaver = { ...active, terminationDate: '2024-06-30' };
    const { base, accounts } = synced(leaver, erikaIds, AT, { config: cfg });
    const plan = computePlan({ ...base, accounts, holds: [hold()], at: '2024-07-01T08:00:00Z' });
    assert.deepEqual(brief(plan), ['ad:disable', 'sql:disable', 'notify:notify']);
    assert.deepEqual(plan.held.map((h) => [h.target, h.withheld]), [['ad', ['move']]]);
  });

  test('an account hold stops only that target', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, snapshot: snapshot([{ ...active, department: 'IT' }]), accounts, holds: [hold({ target: 'ad' })] });
    assert.deepEqual(brief(plan), ['sql:revoke:crm']);
    assert.equal(plan.held[0]?.reason, 'hold by alice: legal review');
  });

  test('a held joiner gets no create (nor grants or joiner mail); the hold is listed though nothing is pending elsewhere', () => {
    const cfg = config({ notifications: { events: { joiner: ['it@example.com'] } } });
    const plan = computePlan({ ...synced(erika, erikaIds, AT, { config: cfg }).base, holds: [hold(), hold({ personId: '77', reason: 'other' })] });
    assert.deepEqual(brief(plan), []);
    assert.deepEqual(plan.held.map((h) => [h.personId, h.target, h.withheld]), [['1', 'ad', ['create', 'grant']], ['1', 'sql', ['create', 'grant']], ['77', '*', []]]);
  });

  test('an expired hold no longer applies (a last day, inclusive, or an instant)', () => {
    const { base, accounts } = synced(active, erikaIds);
    const moved = snapshot([{ ...active, department: 'IT' }]);
    const at = '2024-06-01T21:59:00Z'; // 23:59 in Berlin
    assert.deepEqual(brief(computePlan({ ...base, at, snapshot: moved, accounts, holds: [hold({ until: '2024-06-01' })] })), []);
    assert.equal(brief(computePlan({ ...base, at: '2024-06-01T22:00:00Z', snapshot: moved, accounts, holds: [hold({ until: '2024-06-01' })] })).length, 4);
    assert.equal(brief(computePlan({ ...base, at, snapshot: moved, accounts, holds: [hold({ until: '2024-06-01T21:00:00Z' })] })).length, 4);
    assert.equal(holdActive(hold({ until: '2024-06-01T21:00:00Z' }), '2024-06-01T20:59:59Z', 'Europe/Berlin'), true);
    // The daemon's incremental tick plans the people whose hold ended (or began) since the last tick.
    const holds = [hold({ until: '2024-06-01' }), hold({ personId: '2' })];
    assert.deepEqual(holdTransitions(holds, '2024-06-01T21:00:00Z', '2024-06-01T22:30:00Z', 'Europe/Berlin'), ['1']);
    assert.deepEqual(holdTransitions(holds, '2024-06-01T10:00:00Z', '2024-06-01T11:00:00Z', 'Europe/Berlin'), []);
  });

  test('a temporary-disable hold disables the account, and the end of the hold re-enables it', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, accounts, holds: [hold({ target: 'ad', disable: true, until: '2024-06-05' })] });
    assert.deepEqual(brief(plan), ['ad:disable']);
    assert.equal(plan.operations[0]?.reason.source, 'hold');
    const ad = off(accounts.filter((a) => a.target === 'ad'));
    const back = computePlan({ ...base, at: '2024-06-06T08:00:00Z', accounts: [...ad, accounts[1] as AccountState], disabled: disabledBy(ad, AT), holds: [hold({ target: 'ad', disable: true, until: '2024-06-05' })] });
    assert.deepEqual(brief(back), ['ad:enable']);
  });

  test('operations that wait for a held person\'s create are held with it', () => {
    const boss = { ...erika, id: '9', firstName: 'Bea', lastName: 'Boss' };
    const report = { ...erika, id: '2', firstName: 'Rita', lastName: 'Report', supervisorId: '9' };
    const res = [...erikaIds.map((r) => ({ ...r, personId: '9', value: `9${r.value}` })), ...erikaIds.map((r) => ({ ...r, personId: '2', value: `2${r.value}` }))];
    const { base } = synced(boss, res);
    const all = computePlan({ ...base, snapshot: snapshot([boss, report]) });
    assert.ok(all.operations.some((o) => o.personId === '2' && o.action === 'update' && o.changes[0]?.attribute === 'manager'));
    const plan = computePlan({ ...base, snapshot: snapshot([boss, report]), holds: [hold({ personId: '9' })] });
    assert.ok(plan.operations.every((o) => o.personId === '2'));
    assert.ok(!plan.operations.some((o) => o.action === 'update' && o.changes[0]?.attribute === 'manager'), 'the manager reference waits for the held create');
  });

  test('plan text and explain show the hold and what it withholds', () => {
    const { base, accounts } = synced(active, erikaIds);
    const held = { ...base, snapshot: snapshot([{ ...active, department: 'IT' }]), accounts, holds: [hold({ target: 'ad', until: '2024-06-30' })] };
    const text = formatPlan(computePlan(held), { color: false });
    assert.match(text, /Held \(1\): Cadre leaves these as they are\n {2}‖ person 1 in ad: HELD, hold \(withheld: update, grant, revoke\): hold by alice: legal review \(until 2024-06-30\)/);
    assert.match(text, /1 held\./);
    const e = explainPerson('1', held);
    assert.deepEqual(e.holds.map((h) => h.target), ['ad']);
    assert.deepEqual(e.held.map((h) => h.withheld), [['update', 'grant', 'revoke']]);
    const out = formatExplanation(e);
    assert.match(out, /holds:\n {4}ad: legal review \(by alice on 2024-06-01T10:00:00Z, until 2024-06-30\)/);
    assert.match(out, /HELD ad \(hold\) withheld: update, grant, revoke — hold by alice/);
  });
});

describe('an account expiry the directory enforces is a disable for the thresholds', () => {
  test('a leave date entered in advance sets accountExpires: blocked like the disable on the day would be', () => {
    const base = config();
    const ad = base.targets['ad'];
    assert.ok(ad);
    const cfg = config({
      targets: { ...base.targets, ad: { ...ad, attributes: { ...ad.attributes, accountExpires: "{{ filetime(endDate, 'Europe/Berlin') }}" } } },
      thresholds: { default: { count: 25, percent: 10 }, actions: { disable: { count: 0 } } },
    });
    const targets = { ...TARGETS, ad: { ...TARGETS['ad'], expiryAttributes: ['accountExpires'] } } as typeof TARGETS;
    const { base: input0, accounts } = synced(active, erikaIds, AT, { config: cfg, targets });
    const leaving = { ...active, lastWorkingDay: '2024-06-20' };
    const plan = computePlan({ ...input0, snapshot: snapshot([leaving]), accounts });
    assert.deepEqual(brief(plan).filter((b) => b.startsWith('ad:')), ['ad:update'], 'only the expiry today; the disable comes on 2024-06-21');
    assert.deepEqual(plan.breaches.map((b) => [b.target, b.action, b.count]), [['ad', 'disable', 1]]);
    assert.match(plan.breaches[0]?.limit ?? '', /by an account expiry date set/);
    // A target that enforces no expiry (its connector declares none): the update is harmless.
    const plain = computePlan({ ...input0, targets: TARGETS, snapshot: snapshot([leaving]), accounts });
    assert.deepEqual(plain.breaches, []);
  });
});
