import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetInfo } from './plan-input.js';
import type { AccountState, AttrValue, Operation, Person, Plan, Reservation } from './model.js';
import type { PlanInput } from './plan-input.js';
import { computePlan } from './planner.js';
import { adAccount, config, ids, input, person, snapshot } from './test-support.js';

/** The account state a target would hold after applying a plan's create (+grants) for one person. */
function accountAfter(plan: Plan, personId: string, target: string, anchor: string, over: Partial<AccountState> = {}): AccountState {
  const create = plan.operations.find((o) => o.action === 'create' && o.personId === personId && o.target === target);
  assert.ok(create, `create for ${personId} in ${target}`);
  const attributes: Record<string, AttrValue> = {};
  for (const c of create.changes) attributes[c.attribute] = c.to ?? null;
  const entitlements = plan.operations.filter((o) => o.action === 'grant' && o.personId === personId && o.target === target).map((o) => o.entitlement as string);
  const container = create.data?.['container'];
  return {
    target, anchor, personId, correlation: personId, enabled: create.data?.['enabled'] === true,
    ...(typeof container === 'string' ? { container } : {}),
    attributes, entitlements, ...over,
  };
}

const AT = '2024-06-01T10:00:00Z';
const ops = (plan: Plan, personId?: string): Operation[] => plan.operations.filter((o) => personId === undefined || o.personId === personId);
const brief = (plan: Plan, personId?: string): string[] => ops(plan, personId).map((o) => `${o.target}:${o.action}${o.entitlement ? `:${o.entitlement}` : ''}`);

const erika: Person = person('1', { firstName: 'Erika', lastName: 'Muster', department: 'Sales', office: 'Berlin', hireDate: '2024-06-10', status: 'onboarding' });
const erikaIds = ids('1', 'emuster', 'erika.muster@example.com');

/** Plan, then "apply" the creates, for an in-sync starting point. */
function synced(p: Person, res: Reservation[], at = AT, extra: Partial<PlanInput> = {}): { base: PlanInput; accounts: AccountState[] } {
  const base = input({ persons: [p], reservations: res, at, ...extra });
  const plan = computePlan(base);
  const accounts = [accountAfter(plan, p.id, 'ad', `guid-${p.id}`), accountAfter(plan, p.id, 'sql', `row-${p.id}`)];
  return { base, accounts };
}

describe('joiners', () => {
  test('pre-hire: accounts created disabled, grants after the create; enabled on the hire day', () => {
    const plan = computePlan(input({ persons: [erika], reservations: erikaIds }));
    assert.deepEqual(brief(plan), ['ad:create', 'sql:create', 'ad:grant:GG-All', 'ad:grant:GG-Sales', 'sql:grant:crm']);
    const create = ops(plan).find((o) => o.target === 'ad' && o.action === 'create') as Operation;
    assert.equal(create.data?.['enabled'], false);
    assert.equal(create.data?.['container'], 'OU=Berlin,DC=ex,DC=com');
    assert.equal(create.data?.['password'], true);
    assert.equal(create.data?.['id.username'], 'emuster');
    const attrs = Object.fromEntries(create.changes.map((c) => [c.attribute, c.to]));
    assert.equal(attrs['sAMAccountName'], 'emuster');
    assert.equal(attrs['employeeID'], '1');
    assert.equal(attrs['mail'], 'erika.muster@example.com');
    assert.equal(attrs['displayName'], 'Erika Muster');
    assert.equal('manager' in attrs, false, 'null attributes are left out of creates');
    for (const g of ops(plan).filter((o) => o.action === 'grant')) {
      assert.deepEqual(g.dependsOn, [ops(plan).find((o) => o.action === 'create' && o.target === g.target)?.id]);
    }
    assert.equal(plan.summary['create'], 2);

    // Accounts exist (disabled): on 10 June 00:00 Berlin they get enabled, nothing is created.
    const accounts = [accountAfter(plan, '1', 'ad', 'g1'), accountAfter(plan, '1', 'sql', 'r1')];
    const before = computePlan(input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T21:59:00Z' }));
    assert.deepEqual(brief(before), []);
    const day1 = computePlan(input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T22:00:00Z' }));
    assert.deepEqual(brief(day1), ['ad:enable', 'sql:enable']);
    assert.equal(day1.operations[0]?.anchor, 'g1');
  });

  test('far-future hire: nothing at all', () => {
    const p = { ...erika, hireDate: '2024-09-01' };
    assert.deepEqual(brief(computePlan(input({ persons: [p], reservations: erikaIds }))), []);
  });

  test('unicode display names are preserved while identifiers are ASCII', () => {
    const p = person('9', { firstName: 'Zoë', lastName: 'Groß-Ångström' });
    const plan = computePlan(input({ persons: [p], reservations: ids('9', 'zgross-angstrom', 'zoe.gross-angstrom@example.com') }));
    const create = ops(plan).find((o) => o.target === 'ad' && o.action === 'create') as Operation;
    const attrs = Object.fromEntries(create.changes.map((c) => [c.attribute, c.to]));
    assert.equal(attrs['displayName'], 'Zoë Groß-Ångström');
    assert.equal(attrs['sAMAccountName'], 'zgross-angstrom');
  });

  test('no identifiers reserved → IDENTIFIER_MISSING error, no create', () => {
    const plan = computePlan(input({ persons: [erika] }));
    assert.deepEqual(brief(plan), []);
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'IDENTIFIER_MISSING'], ['sql', 'IDENTIFIER_MISSING']]);
  });
});

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
    const notify = plan.operations.at(-1) as Operation;
    assert.equal(notify.data?.['event'], 'leaver');
    assert.deepEqual(notify.data?.['to'], ['it@example.com', 'manager']);
    assert.deepEqual([...notify.dependsOn].sort(), plan.operations.filter((o) => o.action === 'disable').map((o) => o.id).sort());
    assert.equal(plan.operations[1]?.data?.['endDate'], '2024-06-30');
  });

  test('deleted after retention (accounts only)', () => {
    const { base, accounts } = synced(leaver, erikaIds);
    const plan = computePlan({ ...base, accounts: accounts.map((a) => ({ ...a, enabled: false })), at: '2024-07-31T10:00:00Z' });
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
    const plan = computePlan({ ...base, accounts: old });
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

describe('correlation', () => {
  const active = { ...erika, status: 'active' as const, hireDate: '2020-01-01' };
  test('an unlinked account with the person id is adopted, not duplicated', () => {
    const { base, accounts } = synced(active, erikaIds);
    const unlinked = accounts.map((a): AccountState => {
      const { personId: _drop, ...rest } = a;
      return a.target === 'ad' ? { ...rest, attributes: { ...rest.attributes, displayName: 'E. Muster' } } : rest;
    });
    const plan = computePlan({ ...base, accounts: unlinked });
    assert.deepEqual(brief(plan), ['ad:update']);
    assert.equal(plan.operations[0]?.data?.['adopt'], true);
    assert.equal(plan.operations[0]?.reason.kind, 'correlation');
    assert.equal(plan.summary['adopted'], 2);
  });

  test('two accounts for one person → CORRELATION_AMBIGUOUS, nothing planned there', () => {
    const a1: AccountState = { target: 'ad', anchor: 'a1', correlation: '1', enabled: true, attributes: {}, entitlements: [] };
    const a2: AccountState = { target: 'ad', anchor: 'a2', correlation: '1', enabled: false, attributes: {}, entitlements: [] };
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [a1, a2] }));
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'CORRELATION_AMBIGUOUS']]);
    assert.deepEqual(brief(plan), ['sql:create', 'sql:grant:crm']);
    assert.match(plan.errors[0]?.message ?? '', /a1, a2/);
  });

  test('accounts of nobody are counted as unmatched and left alone', () => {
    const stray: AccountState = { target: 'ad', anchor: 'x', correlation: '999', enabled: true, attributes: {}, entitlements: ['GG-All'] };
    const plan = computePlan(input({ persons: [], accounts: [stray] }));
    assert.deepEqual(brief(plan), []);
    assert.equal(plan.summary['unmatched'], 1);
  });
});

describe('ordering, references and ids', () => {
  const boss = person('10', { firstName: 'Bea', lastName: 'Boss', office: 'Berlin' });
  const report = person('11', { firstName: 'Rob', lastName: 'Report', office: 'Berlin', supervisorId: '10' });
  const res = [...ids('10', 'bboss', 'bea.boss@example.com'), ...ids('11', 'rreport', 'rob.report@example.com')];

  test('manager created in the same plan: the reference waits for the manager create', () => {
    const plan = computePlan(input({ persons: [report, boss], reservations: res }));
    const createBoss = plan.operations.find((o) => o.action === 'create' && o.personId === '10' && o.target === 'ad') as Operation;
    const createReport = plan.operations.find((o) => o.action === 'create' && o.personId === '11' && o.target === 'ad') as Operation;
    assert.equal(createReport.changes.some((c) => c.attribute === 'manager'), false);
    const ref = plan.operations.find((o) => o.action === 'update' && o.personId === '11') as Operation;
    assert.deepEqual(ref.changes, [{ attribute: 'manager', from: undefined, to: 'ref:10' }]);
    assert.deepEqual([...ref.dependsOn].sort(), [createBoss.id, createReport.id].sort());
    const pos = (id: string): number => plan.operations.findIndex((o) => o.id === id);
    for (const o of plan.operations) for (const d of o.dependsOn) assert.ok(pos(d) < pos(o.id), `${d} before ${o.id}`);
    assert.deepEqual(plan.operations.map((o) => o.action), ['create', 'create', 'create', 'create', 'update', 'grant', 'grant']);
  });

  test('manager with a known account: the anchor goes straight into the create', () => {
    const bossAcct = adAccount('10', 'guid-boss');
    const plan = computePlan(input({ persons: [report, boss], reservations: res, accounts: [bossAcct] }));
    const createReport = plan.operations.find((o) => o.action === 'create' && o.personId === '11' && o.target === 'ad') as Operation;
    assert.deepEqual(createReport.changes.find((c) => c.attribute === 'manager'), { attribute: 'manager', from: undefined, to: 'guid-boss' });
  });

  test('op ids and basis are stable across runs; basis changes with the inputs', () => {
    const a = computePlan(input({ persons: [report, boss], reservations: res }));
    const b = computePlan(input({ persons: [boss, report], reservations: [...res].reverse(), createdAt: '2030-01-01T00:00:00Z' }));
    assert.deepEqual(a.operations.map((o) => o.id), b.operations.map((o) => o.id));
    assert.equal(a.basis, b.basis);
    assert.equal(new Set(a.operations.map((o) => o.id)).size, a.operations.length);
    assert.match(a.operations[0]?.id ?? '', /^[0-9a-f]{16}$/);
    const c = computePlan(input({ persons: [report, { ...boss, office: 'Hamburg' }], reservations: res }));
    assert.notEqual(c.basis, a.basis);
  });

  test('joiner notification and write-back wait for the creates', () => {
    const cfg = config({
      notifications: { events: { joiner: ['it@example.com'] } },
      writeBack: { enabled: true, attributes: { email: '{{ id.mail }}' } },
    });
    const plan = computePlan(input({ config: cfg, persons: [boss], reservations: res }));
    const creates = plan.operations.filter((o) => o.action === 'create').map((o) => o.id).sort();
    const wb = plan.operations.find((o) => o.action === 'writeBack') as Operation;
    assert.equal(wb.target, 'personio');
    assert.deepEqual(wb.changes, [{ attribute: 'email', from: null, to: 'bea.boss@example.com' }]);
    assert.deepEqual([...wb.dependsOn].sort(), creates);
    const n = plan.operations.at(-1) as Operation;
    assert.equal(n.action, 'notify');
    assert.equal(n.data?.['event'], 'joiner');
    assert.deepEqual([...n.dependsOn].sort(), creates);
    // Already written back: no op.
    const again = computePlan(input({ config: cfg, persons: [{ ...boss, email: 'bea.boss@example.com' }], reservations: res }));
    assert.equal(again.operations.some((o) => o.action === 'writeBack'), false);
  });

  test('onlyPersons scopes the plan', () => {
    const plan = computePlan(input({ persons: [report, boss], reservations: res, onlyPersons: ['11'] }));
    assert.ok(plan.operations.every((o) => o.personId === '11'));
    assert.deepEqual(plan.reservations.map((r) => r.personId), ['11', '11']);
  });
});

describe('scale', () => {
  test('20,000 persons × 2 targets plan in well under the budget, linear-ish', () => {
    const n = 20_000;
    const people: Person[] = [];
    const res: Reservation[] = [];
    const accounts: AccountState[] = [];
    for (let i = 0; i < n; i++) {
      const id = String(1000 + i);
      people.push(person(id, { firstName: `F${i}`, lastName: 'L', department: i % 3 === 0 ? 'Sales' : 'IT', office: i % 2 ? 'Berlin' : 'Hamburg', supervisorId: i > 0 ? '1000' : undefined }));
      res.push(...ids(id, `u${id}`, `m${id}@example.com`));
      if (i % 2 === 0) accounts.push(adAccount(id, `g${id}`, { attributes: { displayName: 'old' }, entitlements: ['GG-All'] }));
    }
    const t0 = performance.now();
    const plan = computePlan(input({ persons: people, reservations: res, accounts }));
    const ms = performance.now() - t0;
    assert.ok(plan.operations.length > n);
    assert.ok(ms < 15_000, `took ${ms.toFixed(0)} ms`);
  });
});
