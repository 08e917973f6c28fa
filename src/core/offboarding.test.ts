/** Offboarding steps (`lifecycle.offboarding`): planned with the leaver's disable, once; undone where undoable. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountState, NotifyOperation, OffboardOperation, Operation } from './model.js';
import type { TargetInfo } from './plan-input.js';
import { explainPerson, formatExplanation } from './explain.js';
import { formatPlan } from './plan-format.js';
import { computePlan } from './planner.js';
import { AT, brief, disabledBy, erika, erikaIds, synced } from './planner-test-support.js';
import { config, TARGETS } from './test-support.js';

const STEPS = [
  { step: 'removeLicences' },
  { step: 'removeGroups', targets: ['ad'] },
  { step: 'hideFromAddressLists' },
  { step: 'revokeSessions' },
  { step: 'homeFolder', target: 'ad' },
  { step: 'notify', to: ['manager', 'it@example.com'] },
  { step: 'delete' },
];
const cfg = (steps: readonly unknown[] = STEPS, over: Record<string, unknown> = {}): ReturnType<typeof config> => config({
  lifecycle: { timezone: 'Europe/Berlin', preHireDays: 14, retentionDays: 30, leave: 'keep', offboarding: steps }, ...over,
});
// `sql` stands in for a cloud directory: `crm` is a licence there, and it revokes sessions.
const targets: Record<string, TargetInfo> = {
  ad: { ...(TARGETS['ad'] as TargetInfo), offboardSteps: ['hideFromAddressLists'] },
  sql: { ...(TARGETS['sql'] as TargetInfo), capabilities: { ...(TARGETS['sql'] as TargetInfo).capabilities, supportsLicences: true }, licenceEntitlements: ['crm'], offboardSteps: ['revokeSessions'] },
};
const leaver = { ...erika, status: 'active' as const, hireDate: '2020-01-01', terminationDate: '2024-06-30', supervisorId: '9' };
const CLOSE = '2024-06-30T22:00:00Z';

function setUp(steps: readonly unknown[] = STEPS, over: Record<string, unknown> = {}): { base: Parameters<typeof computePlan>[0]; accounts: AccountState[] } {
  const { base, accounts } = synced(leaver, erikaIds, AT, { config: cfg(steps, over), targets });
  const withHome = accounts.map((a) => (a.target === 'ad' ? { ...a, attributes: { ...a.attributes, homeDirectory: '\\\\fs1\\home\\emuster' } } : a));
  return { base, accounts: withHome };
}

describe('offboarding steps', () => {
  test('nothing before the end of the last day; then every step, each after the disable it follows', () => {
    const { base, accounts } = setUp();
    assert.deepEqual(brief(computePlan({ ...base, accounts, at: '2024-06-30T21:59:00Z' })), []);
    const plan = computePlan({ ...base, accounts, at: CLOSE });
    assert.deepEqual(brief(plan), [
      'ad:move', 'ad:revoke:GG-All', 'ad:revoke:GG-Sales', 'sql:revoke:crm', 'ad:disable', 'sql:disable',
      'ad:offboard', 'sql:offboard', 'notify:notify', 'notify:notify',
    ]);
    const revokes = plan.operations.filter((o) => o.action === 'revoke');
    assert.ok(revokes.every((o) => o.reason.source === 'offboarding'));
    assert.match(revokes.find((o) => o.entitlement === 'crm')?.reason.detail ?? '', /licence crm removed \(removeLicences\)/);
    const disables = new Map(plan.operations.filter((o) => o.action === 'disable').map((o) => [o.target, o.id]));
    const off = plan.operations.filter((o): o is OffboardOperation => o.action === 'offboard');
    assert.deepEqual(off.map((o) => [o.target, o.step, o.anchor]), [['ad', 'hideFromAddressLists', 'guid-1'], ['sql', 'revokeSessions', 'row-1']]);
    for (const o of off) assert.deepEqual(o.dependsOn, [disables.get(o.target)]);
    const [home, mail] = plan.operations.filter((o): o is NotifyOperation => o.action === 'notify');
    assert.deepEqual(home?.to, ['manager']);
    assert.deepEqual(home?.changes, [{ attribute: 'homeDirectory', from: null, to: '\\\\fs1\\home\\emuster' }]);
    assert.deepEqual(mail?.to, ['manager', 'it@example.com']);
    assert.equal(mail?.event, 'leaver');
    assert.equal(mail?.endDate, '2024-06-30');
    assert.deepEqual(mail?.changes.map((c) => `${c.attribute}: ${String(c.to)}`), [
      'ad: account disabled', 'sql: account disabled',
      'step 1: ad: hidden from address lists', 'step 2: sql: sign-in sessions revoked',
      'step 3: ad: home folder \\\\fs1\\home\\emuster handed over to the manager',
      'step 4: ad: removed from group GG-All (removeGroups)', 'step 5: ad: removed from group GG-Sales (removeGroups)', 'step 6: sql: licence crm removed (removeLicences)',
    ]);
    // The mail waits for every step it reports.
    for (const o of [...revokes, ...off, ...disables.values()].map((x) => (typeof x === 'string' ? x : x.id))) assert.ok(mail?.dependsOn.includes(o));
    const text = formatPlan(plan, { color: false });
    assert.match(text, /offboard hideFromAddressLists/);
    assert.match(text, /offboard revokeSessions/);
    assert.match(text, /offboarding step\(s\)/);
  });

  test('idempotent: once disabled, a second run plans nothing (until the delete, which comes last)', () => {
    const { base, accounts } = setUp();
    const gone = accounts.map((a) => ({ ...a, enabled: false, entitlements: [], ...(a.target === 'ad' ? { container: 'OU=Disabled,DC=ex,DC=com' } : {}) }));
    const disabled = disabledBy(gone, CLOSE);
    assert.deepEqual(brief(computePlan({ ...base, accounts: gone, disabled, at: '2024-07-01T10:00:00Z' })), []);
    assert.deepEqual(brief(computePlan({ ...base, accounts: gone, disabled, at: '2024-07-31T10:00:00Z' })), ['ad:delete', 'sql:delete']);
  });

  test('a webhook step calls the REST target after the disables, with the end date', () => {
    const { base, accounts } = setUp([{ step: 'webhook', target: 'sql' }, { step: 'homeFolder', target: 'ad', notify: ['it@example.com'], webhook: 'sql' }]);
    const plan = computePlan({ ...base, accounts, at: CLOSE });
    const calls = plan.operations.filter((o): o is OffboardOperation => o.action === 'offboard');
    assert.deepEqual(calls.map((o) => [o.target, o.step, o.path, o.managerId, o.endDate]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))), [
      ['sql', 'homeFolder', '\\\\fs1\\home\\emuster', '9', '2024-06-30'], ['sql', 'webhook', undefined, undefined, '2024-06-30'],
    ]);
    const disables = plan.operations.filter((o) => o.action === 'disable').map((o) => o.id).sort();
    for (const c of calls) assert.deepEqual([...c.dependsOn].sort(), disables);
    assert.deepEqual(plan.operations.filter((o) => o.action === 'notify').map((o) => (o as NotifyOperation).to), [['it@example.com']]);
  });

  test('thresholded like any gated action, and withheld under a hold', () => {
    const { base, accounts } = setUp([{ step: 'hideFromAddressLists' }], { thresholds: { targets: { ad: { offboard: { count: 0 } } } } });
    const plan = computePlan({ ...base, accounts, at: CLOSE });
    assert.deepEqual(plan.breaches.map((b) => [b.target, b.action, b.count]), [['ad', 'offboard', 1]]);
    const hold = { personId: '1', reason: 'legal', actor: 'cli', createdAt: AT };
    const held = computePlan({ ...base, accounts, at: CLOSE, holds: [hold] });
    assert.ok(held.operations.some((o) => o.action === 'disable'));
    assert.equal(held.operations.filter((o: Operation) => o.action === 'offboard').length, 0);
  });

  test('a rehire within retention undoes what can be undone: groups come back, the account is shown again', () => {
    const rehired = { ...leaver, hireDate: '2024-07-15', terminationDate: '2024-06-30' };
    const { base, accounts } = setUp();
    const gone = accounts.map((a) => ({ ...a, enabled: false, entitlements: [], ...(a.target === 'ad' ? { container: 'OU=Disabled,DC=ex,DC=com' } : {}) }));
    const plan = computePlan({
      ...base, snapshot: { ...base.snapshot, persons: [rehired] }, accounts: gone, disabled: disabledBy(gone, CLOSE), at: '2024-07-15T08:00:00Z',
    });
    const b = brief(plan);
    for (const x of ['ad:enable', 'sql:enable', 'ad:grant:GG-All', 'ad:grant:GG-Sales', 'sql:grant:crm', 'ad:offboard']) assert.ok(b.includes(x), `${x} in ${b.join(' ')}`);
    const undo = plan.operations.find((o): o is OffboardOperation => o.action === 'offboard');
    assert.equal(undo?.undo, true);
    assert.equal(undo?.step, 'hideFromAddressLists');
    assert.match(undo?.reason.detail ?? '', /not undone/);
    assert.match(formatPlan(plan, { color: false }), /offboard undo hideFromAddressLists/);
  });

  test('explain lists the steps, the delete last, and the pending offboarding operations', () => {
    const { base, accounts } = setUp();
    const text = formatExplanation(explainPerson('1', { ...base, accounts, at: CLOSE }));
    assert.match(text, /offboarding when access ends:\n {4}1\. remove the managed licences; group-inherited licences go with the groups\n {4}2\. remove from every managed group \(ad\)\n/);
    assert.match(text, /6\. mail manager, it@example\.com the steps\n {4}7\. delete the accounts after the retention \(on 2024-07-31\)/);
    assert.match(text, /offboard ad hideFromAddressLists — offboarding: hidden from address lists/);
  });

  test('config: the delete step comes last', () => {
    assert.throws(() => cfg([{ step: 'delete' }, { step: 'removeGroups' }]), /delete step comes last/);
  });
});
