/** Planner: steady state, movers (department, office, name changes) and leavers (disable, delete, leave, rehire, thresholds). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountState, DisableOperation, NotifyOperation, Operation, Reservation } from './model.js';
import type { TargetInfo } from './plan-input.js';
import { computePlan } from './planner.js';
import { accountAfter, AT, brief, disabledBy, erika, erikaIds, synced } from './planner-test-support.js';
import { config, ids, input, person, snapshot } from './test-support.js';

describe('steady state and movers', () => {
  const active = { ...erika, status: 'active' as const, hireDate: '2020-01-01' };
  test('in sync → no operations', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, accounts });
    assert.deepEqual(brief(plan), []);
    assert.equal(plan.breaches.length, 0);
  });

  test('department change → exactly revoke old + grant new (unmanaged and foreign groups untouched)', () => {
    const { base, accounts } = synced(active, erikaIds);
    const ad = { ...(accounts[0] as AccountState), entitlements: [...(accounts[0] as AccountState).entitlements, 'Domain Users'], unmanaged: ['Printers'] };
    const moved = { ...active, department: 'IT' };
    const plan = computePlan({ ...base, snapshot: snapshot([moved]), accounts: [ad, accounts[1] as AccountState] });
    assert.deepEqual(brief(plan), ['ad:update', 'ad:grant:GG-IT', 'ad:revoke:GG-Sales', 'sql:revoke:crm']);
    const update = plan.operations[0] as Operation;
    assert.deepEqual(update.changes, [{ attribute: 'department', from: 'Sales', to: 'IT' }]);
    const grant = plan.operations.find((o) => o.action === 'grant') as Operation;
    assert.equal(grant.reason.source, 'it');
    assert.match(grant.reason.detail, /department = "IT"/);
  });

  test('office change → move', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, snapshot: snapshot([{ ...active, office: 'Hamburg' }]), accounts });
    assert.deepEqual(brief(plan), ['ad:move']);
    assert.deepEqual(plan.operations[0]?.changes, [{ attribute: 'container', from: 'OU=Berlin,DC=ex,DC=com', to: 'OU=Hamburg,DC=ex,DC=com' }]);
    assert.equal(plan.operations[0]?.reason.kind, 'placement');
  });

  test('name change → displayName & mail update, cn rename, old mail kept as alias in proxyAddresses', () => {
    const { base, accounts } = synced(active, erikaIds);
    const married = { ...active, lastName: 'Schmidt' };
    const res: Reservation[] = [
      { kind: 'username', value: 'emuster', personId: '1', status: 'primary' },
      { kind: 'mail', value: 'erika.schmidt@example.com', personId: '1', status: 'primary' },
      { kind: 'mail', value: 'erika.muster@example.com', personId: '1', status: 'alias' },
    ];
    const plan = computePlan({ ...base, snapshot: snapshot([married]), reservations: res, accounts });
    assert.deepEqual(brief(plan), ['ad:update', 'sql:update', 'ad:rename']);
    const upd = plan.operations[0] as Operation;
    const ch = Object.fromEntries(upd.changes.map((c) => [c.attribute, [c.from, c.to]]));
    assert.deepEqual(ch['displayName'], ['Erika Muster', 'Erika Schmidt']);
    assert.deepEqual(ch['mail'], ['erika.muster@example.com', 'erika.schmidt@example.com']);
    assert.deepEqual(ch['sn'], ['Muster', 'Schmidt']);
    assert.deepEqual(ch['proxyAddresses']?.[1], ['SMTP:erika.schmidt@example.com', 'erika.muster@example.com']);
    assert.equal('sAMAccountName' in ch, false, 'username is kept');
    assert.deepEqual(plan.operations[2]?.changes, [{ attribute: 'cn', from: 'Erika Muster', to: 'Erika Schmidt' }]);
  });

  test('a collision-suffixed cn ("Erika Muster (2)") is the wanted name, not a pending rename', () => {
    const { base, accounts } = synced(active, erikaIds);
    const suffixed = accounts.map((a) => (a.target === 'ad' ? { ...a, attributes: { ...a.attributes, cn: 'Erika Muster (2)' } } : a));
    assert.deepEqual(brief(computePlan({ ...base, accounts: suffixed })), []);
    const other = accounts.map((a) => (a.target === 'ad' ? { ...a, attributes: { ...a.attributes, cn: 'Erika Mustermann (2)' } } : a));
    assert.deepEqual(brief(computePlan({ ...base, accounts: other })), ['ad:rename'], 'a suffix on another name is still renamed');
  });

  test('rename and move of one account run one after the other (both change the DN)', () => {
    const { base, accounts } = synced(active, erikaIds);
    const plan = computePlan({ ...base, snapshot: snapshot([{ ...active, lastName: 'Schmidt', office: 'Hamburg' }]), accounts });
    const rename = plan.operations.find((o) => o.target === 'ad' && o.action === 'rename') as Operation;
    const move = plan.operations.find((o) => o.target === 'ad' && o.action === 'move') as Operation;
    assert.ok(rename && move);
    assert.ok(move.dependsOn.includes(rename.id));
  });

  test('createOnly attributes are set on create but never updated', () => {
    const { base, accounts } = synced(active, erikaIds);
    const married = { ...active, lastName: 'Schmidt' };
    const res: Reservation[] = [
      { kind: 'username', value: 'emuster', personId: '1', status: 'primary' },
      { kind: 'mail', value: 'erika.schmidt@example.com', personId: '1', status: 'primary' },
      { kind: 'mail', value: 'erika.muster@example.com', personId: '1', status: 'alias' },
    ];
    const targets = { ...base.targets, ad: { ...(base.targets['ad'] as TargetInfo), createOnly: ['mail'] } };
    const plan = computePlan({ ...base, targets, snapshot: snapshot([married]), reservations: res, accounts });
    const upd = plan.operations.find((o) => o.target === 'ad' && o.action === 'update') as Operation;
    assert.ok(upd.changes.some((c) => c.attribute === 'displayName'));
    assert.ok(!upd.changes.some((c) => c.attribute === 'mail'), 'mail is create-only on ad');
  });
});

describe('leavers', () => {
  const leaver = { ...erika, status: 'active' as const, hireDate: '2020-01-01', terminationDate: '2024-06-30' };
  const cfgNotify = config({ notifications: { events: { leaver: ['it@example.com', 'manager'], joiner: ['it@example.com'] } } });
  test('disabled at 00:00 after the last day (Berlin), moved to the disabled OU, leaver notified after', () => {
    const { base, accounts } = synced(leaver, erikaIds, AT, { config: cfgNotify });
    assert.deepEqual(brief(computePlan({ ...base, accounts, at: '2024-06-30T21:59:00Z' })), []);
    const plan = computePlan({ ...base, accounts, at: '2024-06-30T22:00:00Z' });
    assert.deepEqual(brief(plan), ['ad:move', 'ad:disable', 'sql:disable', 'notify:notify']);
    const notify = plan.operations.at(-1) as NotifyOperation;
    assert.equal(notify.event, 'leaver');
    assert.deepEqual(notify.to, ['it@example.com', 'manager']);
    assert.deepEqual([...notify.dependsOn].sort(), plan.operations.filter((o) => o.action === 'disable').map((o) => o.id).sort());
    assert.equal((plan.operations[1] as DisableOperation).endDate, '2024-06-30');
  });

  test('deleted after retention (accounts only)', () => {
    const { base, accounts } = synced(leaver, erikaIds);
    // Cadre disabled them at 00:00 after the last day: deleted retentionDays (30) after that disable.
    const disabled = disabledBy(accounts, '2024-06-30T22:00:00Z');
    const plan = computePlan({ ...base, accounts: accounts.map((a) => ({ ...a, enabled: false })), disabled, at: '2024-07-31T10:00:00Z' });
    assert.deepEqual(brief(plan), ['ad:delete', 'sql:delete']);
    assert.deepEqual(plan.reservations, erikaIds, 'reservations are kept');
  });

  test('leave: kept enabled by default, disabled with leave: disable', () => {
    const onLeave = { ...erika, status: 'leave' as const, hireDate: '2020-01-01' };
    const { base, accounts } = synced(onLeave, erikaIds);
    assert.deepEqual(brief(computePlan({ ...base, accounts })), []);
    const cfg = config({ lifecycle: { timezone: 'Europe/Berlin', leave: 'disable' } });
    assert.deepEqual(brief(computePlan({ ...base, config: cfg, accounts })), ['ad:disable', 'sql:disable']);
  });

  test('rehire: enable + move back + new password, no create', () => {
    const rehired = { ...erika, status: 'active' as const, hireDate: '2024-05-15', terminationDate: '2023-12-31' };
    const { base, accounts } = synced(rehired, erikaIds);
    const old = accounts.map((a) => (a.target === 'ad' ? { ...a, enabled: false, container: 'OU=Disabled,DC=ex,DC=com' } : { ...a, enabled: false }));
    // Cadre disabled them when she left: they come back on the rehire day.
    const plan = computePlan({ ...base, accounts: old, disabled: disabledBy(old, '2023-12-31T23:00:00Z') });
    assert.deepEqual(brief(plan), ['ad:move', 'ad:enable', 'sql:enable', 'ad:setPassword']);
    assert.equal(plan.summary['create'], undefined);
  });

  test('30% missing from the source → disables that breach the thresholds; never deletes', () => {
    const people = Array.from({ length: 20 }, (_, i) => person(String(100 + i), { firstName: `P${i}`, lastName: 'X', office: 'Berlin' }));
    const res = people.flatMap((p) => ids(p.id, `u${p.id}`, `m${p.id}@example.com`));
    const first = computePlan(input({ persons: people, reservations: res }));
    const accounts = people.flatMap((p) => [accountAfter(first, p.id, 'ad', `g${p.id}`), accountAfter(first, p.id, 'sql', `r${p.id}`)]);
    const remaining = people.slice(6);
    const plan = computePlan(input({ persons: remaining, reservations: res, accounts }));
    assert.deepEqual(brief(plan).sort(), [...Array(6).fill('ad:disable'), ...Array(6).fill('sql:disable')]);
    assert.ok(plan.operations.every((o) => o.reason.source === 'missing-from-source'));
    assert.deepEqual(plan.breaches.map((b) => [b.target, b.action, b.count, b.population]), [['ad', 'disable', 6, 20], ['sql', 'disable', 6, 20]]);
    assert.match(plan.breaches[0]?.limit ?? '', /thresholds.default: 30.0% of 20 > 10%/);
    // An incomplete snapshot never disables anyone; invalid records are not "missing".
    const incomplete = computePlan(input({ persons: remaining, reservations: res, accounts, snapshot: snapshot(remaining, { complete: false }) }));
    assert.deepEqual(brief(incomplete), []);
    const withProblems = computePlan(input({ reservations: res, accounts, snapshot: snapshot(remaining, { problems: people.slice(0, 6).map((p) => ({ personId: p.id, label: p.id, messages: ['bad'] })) }) }));
    assert.deepEqual(brief(withProblems), []);
  });
});
