import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessGrantActive, accessGrantTransitions, type AccessException, type AccessGrant } from './access-grants.js';
import { explainPerson, formatExplanation } from './explain.js';
import type { AccountState } from './model.js';
import { computePlan } from './planner.js';
import { adAccount, ids, input, person } from './test-support.js';

const p = person('1', { firstName: 'Zoë', lastName: 'Groß', department: 'Sales', office: 'Berlin' });
const res = ids('1', 'zgross', 'zoe.gross@example.com');
const inSync = (over: Partial<AccountState> = {}): AccountState => adAccount('1', 'g1', {
  attributes: { cn: 'Zoë Groß', displayName: 'Zoë Groß', givenName: 'Zoë', sn: 'Groß', mail: 'zoe.gross@example.com', department: 'Sales', sAMAccountName: 'zgross', employeeID: '1', proxyAddresses: ['SMTP:zoe.gross@example.com'] },
  entitlements: ['GG-All', 'GG-Sales'],
  ...over,
});
const base = { persons: [p], reservations: res };
const grant = (over: Partial<AccessGrant> = {}): AccessGrant => ({
  personId: '1', target: 'ad', entitlement: 'GG-IT', source: 'request', ref: '#42',
  detail: 'request #42, approved by web:olga on 2024-05-30, expires 2024-06-30', until: '2024-06-30', ...over,
});
const adOps = (plan: ReturnType<typeof computePlan>): string[] => plan.operations.filter((o) => o.target === 'ad').map((o) => `${o.action}:${o.entitlement ?? ''}`);
const eop = (plan: ReturnType<typeof computePlan>) => plan.operations.find((o) => o.target === 'ad' && o.entitlement !== undefined);

test('an active request grant is planned as a grant with a request reason, and explained', () => {
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [inSync()] }))), [], 'without it nothing to do');
  const plan = computePlan(input({ ...base, accounts: [inSync()], accessGrants: [grant()] }));
  assert.deepEqual(adOps(plan), ['grant:GG-IT']);
  assert.deepEqual(eop(plan)?.reason, { kind: 'request', source: '#42', detail: 'request #42, approved by web:olga on 2024-05-30, expires 2024-06-30' });
  const e = explainPerson('1', input({ ...base, accounts: [inSync()], accessGrants: [grant()] }));
  const text = formatExplanation(e);
  assert.match(text, /GG-IT \(to grant\) {2}← request #42, approved by web:olga on 2024-05-30, expires 2024-06-30/);
});

test('an ended request grant is revoked, and the revoke names the request; before its end it is kept', () => {
  const held = inSync({ entitlements: ['GG-All', 'GG-Sales', 'GG-IT'] });
  const at = '2024-07-01T10:00:00Z';
  assert.deepEqual(adOps(computePlan(input({ ...base, at, accounts: [held], accessGrants: [grant({ until: '2024-07-01' })] }))), [], 'last day inclusive');
  const plan = computePlan(input({ ...base, at, accounts: [held], accessGrants: [grant()] }));
  assert.deepEqual(adOps(plan), ['revoke:GG-IT']);
  assert.equal(eop(plan)?.reason.kind, 'request');
  assert.match(eop(plan)?.reason.detail ?? '', /request #42.*ended: expired \(2024-06-30\)/);
  const revoked = computePlan(input({ ...base, at: '2024-06-10T10:00:00Z', accounts: [held], accessGrants: [grant({ until: '2024-06-09T12:00:00Z', ended: 'revoked: department changed' })] }));
  assert.match(eop(revoked)?.reason.detail ?? '', /ended: revoked: department changed/);
});

test('a request for what a rule grants is not granted twice, and stays while the rule holds; the reason shows both', () => {
  const plan = computePlan(input({ ...base, accounts: [inSync({ entitlements: ['GG-All'] })], accessGrants: [grant({ entitlement: 'gg-sales' })] }));
  assert.deepEqual(adOps(plan), ['grant:GG-Sales']);
  assert.equal(eop(plan)?.reason.kind, 'rule');
  assert.match(eop(plan)?.reason.detail ?? '', /; also request #42/);
  // Request ended, rule still grants it: no revoke.
  assert.deepEqual(adOps(computePlan(input({ ...base, at: '2024-08-01T10:00:00Z', accounts: [inSync()], accessGrants: [grant({ entitlement: 'GG-Sales' })] }))), []);
});

test('a leaver gets no request grant (lifecycle removes entitlements) and a review exception revokes a rule grant', () => {
  const gone = person('1', { firstName: 'Zoë', lastName: 'Groß', department: 'Sales', office: 'Berlin', terminationDate: '2024-05-01', status: 'inactive' });
  const plan = computePlan(input({ persons: [gone], reservations: res, accounts: [inSync()], accessGrants: [grant()] }));
  assert.ok(!adOps(plan).includes('grant:GG-IT'));
  const x: AccessException = { personId: '1', target: 'ad', entitlement: 'GG-Sales', source: 'review', ref: 'review #3', detail: 'review #3: removed by web:olga on 2024-05-30' };
  const rev = computePlan(input({ ...base, accounts: [inSync()], accessExceptions: [x] }));
  assert.deepEqual(adOps(rev), ['revoke:GG-Sales']);
  assert.deepEqual(eop(rev)?.reason, { kind: 'review', source: 'review #3', detail: x.detail });
  assert.match(formatExplanation(explainPerson('1', input({ ...base, accounts: [inSync()], accessExceptions: [x] }))), /GG-Sales {2}\(removed, kept removed\) ← review review #3/);
});

test('grant transitions: the incremental tick plans persons whose request grant ended between two instants', () => {
  assert.equal(accessGrantActive(grant(), '2024-06-30T21:30:00Z', 'Europe/Berlin'), true);
  assert.equal(accessGrantActive(grant(), '2024-06-30T22:30:00Z', 'Europe/Berlin'), false);
  assert.deepEqual(accessGrantTransitions([grant(), grant({ personId: '2', until: undefined })], '2024-06-30T21:00:00Z', '2024-06-30T23:00:00Z', 'Europe/Berlin'), ['1']);
});

test('revokeOnChange: a department change ends the grant in the same plan that sees the change, and the revoke says why', () => {
  // Before, only the request tick noticed (from the stored person), so the revoke came one sync late.
  const held = inSync({ entitlements: ['GG-All', 'GG-Sales', 'GG-IT'] });
  const same = computePlan(input({ ...base, accounts: [held], accessGrants: [grant({ watch: { department: 'Sales' } })] }));
  assert.deepEqual(adOps(same), [], 'unchanged department: the grant stays');
  const moved = computePlan(input({ ...base, accounts: [held], accessGrants: [grant({ watch: { department: 'Finance' } })] }));
  assert.deepEqual(adOps(moved), ['revoke:GG-IT']);
  assert.match(eop(moved)?.reason.detail ?? '', /ended: revoked: department changed \(Finance → Sales\)/);
  const position = computePlan(input({ ...base, accounts: [held], accessGrants: [grant({ watch: { position: 'Analyst' } })] }));
  assert.deepEqual(adOps(position), ['revoke:GG-IT'], 'a watched position that was set and is now empty is a change');
});

test('a review exception on an unmanaged membership revokes it; an unmanaged membership nobody reviewed stays untouched', () => {
  const vpn = 'CN=VPN Users,OU=Other,DC=example,DC=com';
  const held = inSync({ unmanaged: [vpn, 'CN=Printers,OU=Other,DC=example,DC=com'] });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [held] }))), [], 'unmanaged memberships are never touched by the rules');
  const x: AccessException = { personId: '1', target: 'ad', entitlement: vpn, source: 'review', ref: 'q4#2', detail: 'removed in review "Q4" (q4 #2) by web:olga on 2024-05-30: left' };
  const plan = computePlan(input({ ...base, accounts: [held], accessExceptions: [x] }));
  assert.deepEqual(adOps(plan), [`revoke:${vpn}`], 'only the reviewed membership');
  assert.deepEqual(eop(plan)?.reason, { kind: 'review', source: 'q4#2', detail: x.detail });
  assert.deepEqual(adOps(computePlan(input({ ...base, accounts: [inSync()], accessExceptions: [x] }))), [], 'gone already: nothing to revoke');
});
