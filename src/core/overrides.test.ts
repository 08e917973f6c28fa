import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPerson, formatExplanation } from './explain.js';
import type { AccountState } from './model.js';
import { describeOverride, overrideActive, overrideTransitions, type Override } from './overrides.js';
import { computeBasis, computePlan } from './planner.js';
import { adAccount, config, ids, input, person } from './test-support.js';

const p = person('1', { firstName: 'Zoë', lastName: 'Groß', department: 'Sales', office: 'Berlin' });
const res = ids('1', 'zgross', 'zoe.gross@example.com');
/** The account as the rules want it (nothing to do), holding the rule grants. */
const inSync = (over: Partial<AccountState> = {}): AccountState => adAccount('1', 'g1', {
  attributes: { cn: 'Zoë Groß', displayName: 'Zoë Groß', givenName: 'Zoë', sn: 'Groß', mail: 'zoe.gross@example.com', department: 'Sales', sAMAccountName: 'zgross', employeeID: '1', proxyAddresses: ['SMTP:zoe.gross@example.com'] },
  entitlements: ['GG-All', 'GG-Sales'],
  ...over,
});
const base = { persons: [p], reservations: res };
const ov = (over: Partial<Override>): Override => ({
  personId: '1', target: 'ad', attribute: 'department', value: 'Key Accounts', actor: 'web:alice',
  createdAt: '2024-05-31T23:30:00Z', reason: 'form edit-department', ...over,
});
const adOps = (plan: ReturnType<typeof computePlan>): string[] => plan.operations.filter((o) => o.target === 'ad').map((o) => `${o.action}:${o.entitlement ?? o.changes.map((c) => `${c.attribute}=${JSON.stringify(c.to)}`).join(',')}`);

test('an override of a mapped attribute keeps its value: no update back to the rule, and a manual reason', () => {
  const held = inSync({ attributes: { ...inSync().attributes, department: 'Key Accounts' } });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [held] }))), ['update:department="Sales"'], 'without the override the rule reverts the edit');
  const plan = computePlan(input({ ...base, accounts: [held], overrides: [ov({})] }));
  assert.deepEqual(adOps(plan), []);
  // Against an account that does not have it yet, the override is what is written, and why.
  const write = computePlan(input({ ...base, accounts: [inSync()], overrides: [ov({ expiresAt: '2024-08-29' })] }));
  const upd = write.operations.find((o) => o.action === 'update');
  assert.deepEqual(upd?.changes, [{ attribute: 'department', from: 'Sales', to: 'Key Accounts' }]);
  // Created 23:30 UTC on 31 May is 1 June in Berlin.
  assert.deepEqual(upd?.reason, { kind: 'manual', source: 'override', detail: 'set by web:alice on 2024-06-01, until 2024-08-29 (form edit-department)' });
});

test('an expired override no longer applies: the rule value returns as a normal update (expiry in the lifecycle time zone)', () => {
  const held = inSync({ attributes: { ...inSync().attributes, department: 'Key Accounts' } });
  const o = ov({ expiresAt: '2024-06-30' });
  // 30 June 23:30 in Berlin is 21:30 UTC: still the last day.
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [held], overrides: [o], at: '2024-06-30T21:30:00Z' }))), []);
  // 22:30 UTC is already 1 July in Berlin (UTC+2): expired, the rule's value comes back with the mapping's reason.
  const after = computePlan(input({ ...base, accounts: [held], overrides: [o], at: '2024-06-30T22:30:00Z' }));
  const upd = after.operations.find((x) => x.action === 'update');
  assert.deepEqual(upd?.changes, [{ attribute: 'department', from: 'Key Accounts', to: 'Sales' }]);
  assert.equal(upd?.reason.kind, 'mapping');
  assert.equal(overrideActive(o, '2024-06-30T21:59:59Z', 'Europe/Berlin'), true);
  assert.equal(overrideActive(o, '2024-06-30T22:00:00Z', 'Europe/Berlin'), false);
  assert.equal(overrideActive(o, '2024-06-30T22:00:00Z', 'UTC'), true);
  assert.equal(overrideActive(ov({ expiresAt: '2024-06-30T12:00:00.000Z' }), '2024-06-30T12:00:00Z', 'UTC'), false, 'an instant ends exactly there');
  assert.deepEqual(overrideTransitions([o, ov({ personId: '2' })], '2024-06-30T21:00:00Z', '2024-06-30T23:00:00Z', 'Europe/Berlin'), ['1']);
});

test('an override of an attribute no rule maps makes it managed while it lasts; of the correlation attribute it is ignored', () => {
  const plan = computePlan(input({ ...base, accounts: [inSync()], overrides: [ov({ attribute: 'telephoneNumber', value: '+49 30 1234' }), ov({ attribute: 'employeeID', value: '999' })] }));
  assert.deepEqual(adOps(plan), ['update:telephoneNumber="+49 30 1234"']);
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [inSync({ attributes: { ...inSync().attributes, telephoneNumber: '+49 30 1234' } })] }))), [], 'unmapped attributes are left alone without an override');
});

test('entitlement overrides: a form grant of a managed group is not revoked, a removal of a rule grant is not re-granted', () => {
  const cfg = config({ targets: { ...config().targets, ad: { ...config().targets['ad'], managedEntitlements: ['GG-*'] } } });
  const vpn = inSync({ entitlements: ['GG-All', 'GG-Sales', 'GG-VPN'] });
  assert.deepEqual(adOps(computePlan(input({ ...base, config: cfg, accounts: [vpn] }))), ['revoke:GG-VPN'], 'managed and granted by no rule: revoked');
  const keep = ov({ attribute: 'entitlement:GG-VPN', value: true });
  assert.deepEqual(adOps(computePlan(input({ ...base, config: cfg, accounts: [vpn], overrides: [keep] }))), []);
  const grant = computePlan(input({ ...base, config: cfg, accounts: [inSync()], overrides: [keep] })).operations.find((o) => o.action === 'grant');
  assert.equal(grant?.entitlement, 'GG-VPN');
  assert.equal(grant?.reason.source, 'override');
  const off = ov({ attribute: 'entitlement:GG-Sales', value: false });
  const noSales = inSync({ entitlements: ['GG-All'] });
  assert.deepEqual(adOps(computePlan(input({ ...base, config: cfg, accounts: [noSales] }))), ['grant:GG-Sales'], 'the rule grants it back without the override');
  assert.deepEqual(adOps(computePlan(input({ ...base, config: cfg, accounts: [noSales], overrides: [off] }))), []);
  // Still held (the form's revoke failed, or someone re-added it): revoked, with the override's reason.
  const revoke = computePlan(input({ ...base, config: cfg, accounts: [inSync()], overrides: [off] })).operations.find((o) => o.action === 'revoke');
  assert.equal(revoke?.entitlement, 'GG-Sales');
  assert.equal(revoke?.reason.source, 'override');
});

test('a group Cadre does not manage is left alone by sync, with or without an expired form grant', () => {
  // No managedEntitlements: only the rules' groups are managed; GG-Printers is someone else's.
  const acct = inSync({ entitlements: ['GG-All', 'GG-Sales', 'GG-Printers'] });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [acct] }))), []);
  const expired = ov({ attribute: 'entitlement:GG-Printers', value: true, expiresAt: '2024-05-01' });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [acct], overrides: [expired] }))), []);
  const unmanaged = inSync({ unmanaged: ['CN=Printers,OU=Groups,DC=ex,DC=com'] });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [unmanaged] }))), []);
});

test('overrides do not apply to an account that should not exist, and a leaver loses form groups with the rule grants', () => {
  const gone = { ...p, status: 'inactive' as const, terminationDate: '2023-01-01' };
  const plan = computePlan(input({ persons: [gone], reservations: res, accounts: [inSync()], overrides: [ov({}), ov({ attribute: 'entitlement:GG-VPN', value: true })] }));
  assert.ok(!plan.operations.some((o) => o.action === 'update' || o.action === 'grant'));
});

test('explain shows overrides: the attribute reason, form groups, removals, and the list with expired ones marked', () => {
  const overrides = [
    ov({ expiresAt: '2024-08-29' }),
    ov({ attribute: 'entitlement:GG-VPN', value: true }),
    ov({ attribute: 'entitlement:GG-Sales', value: false }),
    ov({ attribute: 'title', value: 'Old', expiresAt: '2024-01-01' }),
  ];
  const e = explainPerson('1', input({ ...base, accounts: [inSync()], overrides }));
  const ad = e.targets.find((t) => t.target === 'ad');
  assert.equal(ad?.attributes.find((a) => a.name === 'department')?.reason.source, 'override');
  assert.deepEqual(ad?.entitlements.map((g) => [g.name, g.rule]), [['GG-All', 'all-staff'], ['GG-VPN', 'override']]);
  assert.deepEqual(ad?.removedEntitlements?.map((g) => g.name), ['GG-Sales']);
  assert.ok(!ad?.extraEntitlements.includes('GG-Sales'));
  assert.deepEqual(e.overrides?.map((o) => [o.attribute, o.active]), [['department', true], ['entitlement:GG-VPN', true], ['entitlement:GG-Sales', true], ['title', false]]);
  const text = formatExplanation(e);
  assert.match(text, /department = "Key Accounts" \(now "Sales"\) {2}← override: set by web:alice on 2024-06-01, until 2024-08-29/);
  assert.match(text, /GG-VPN \(to grant\) {2}← override: set by web:alice/);
  assert.match(text, /GG-Sales {2}\(removed, kept removed\) ← override/);
  assert.match(text, /overrides:\n.*ad department = "Key Accounts"[\s\S]*ad title = "Old" .*— expired/);
});

test('overrides are part of the plan basis: a saved plan is stale once one changes', () => {
  const a = input({ ...base, accounts: [inSync()] });
  assert.notEqual(computeBasis(a), computeBasis({ ...a, overrides: [ov({})] }));
  assert.notEqual(computeBasis({ ...a, overrides: [ov({})] }), computeBasis({ ...a, overrides: [ov({ value: 'Other' })] }));
  assert.equal(describeOverride(ov({ reason: '' }), 'UTC'), 'set by web:alice on 2024-05-31');
});
