import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computePlan } from './planner.js';
import { brief } from './planner-test-support.js';
import type { TargetInfo } from './plan-input.js';
import { adAccount, config, ids, input, person, TARGETS } from './test-support.js';

const AD_OUS = ['DC=ex,DC=com', 'OU=Berlin,DC=ex,DC=com', 'OU=Hamburg,DC=ex,DC=com', 'OU=Staff,DC=ex,DC=com', 'OU=Disabled,DC=ex,DC=com', 'OU=External,DC=ex,DC=com'];
const AD_GROUPS = ['GG-All', 'GG-Sales', 'GG-IT', 'GG-Marketing'];
const withCatalog = (entitlements = AD_GROUPS, containers = AD_OUS): Record<string, TargetInfo> => ({
  ...TARGETS, ad: { ...(TARGETS.ad as TargetInfo), catalog: { entitlements, containers } },
});

// One letter off: the rule grants a group AD does not have.
const typo = config({
  entitlements: [
    { name: 'all-staff', when: {}, grant: { ad: ['GG-All'] } },
    { name: 'marketing', when: { department: 'Marketing' }, grant: { ad: ['GG-Marketng'] } },
  ],
  targets: {
    ad: { type: 'ad', identifiers: { username: ['sAMAccountName'] }, managedEntitlements: ['GG-*'], placement: { by: 'office', map: { Berlin: 'OU=Berlin,DC=ex,DC=com' }, default: 'OU=Staff,DC=ex,DC=com' } },
  },
});
const mia = person('7', { firstName: 'Mia', lastName: 'Markt', department: 'Marketing', office: 'Berlin' });
const holding = adAccount('7', 'guid-7', { entitlements: ['GG-All', 'GG-Marketing'], attributes: { sAMAccountName: 'mmarkt' } });

test('without a catalog (as before) a mistyped group revokes the real one: the failure mode the check prevents', () => {
  const plan = computePlan(input({ config: typo, persons: [mia], accounts: [holding], reservations: ids('7', 'mmarkt', 'mia.markt@example.com') }));
  assert.ok(brief(plan, '7').includes('ad:revoke:GG-Marketing'));
  assert.deepEqual(plan.blockers, []);
});

test('a granted entitlement the target does not have is a plan-level error that names the rule and suggests the closest name', () => {
  const plan = computePlan(input({ config: typo, persons: [mia], accounts: [holding], reservations: ids('7', 'mmarkt', 'mia.markt@example.com'), targets: withCatalog() }));
  assert.equal(plan.blockers.length, 1);
  const [b] = plan.blockers;
  assert.equal(b?.code, 'ENTITLEMENT_UNKNOWN');
  assert.equal(b?.message, 'rule marketing grants GG-Marketng in ad, which does not exist: did you mean GG-Marketing?');
  assert.equal(b?.suggestion, 'GG-Marketing');
  assert.equal(b?.source, 'marketing');
  assert.equal(b?.persons, 1);
});

test('a rule that matches nobody yet is checked too; names compare case-insensitively', () => {
  const plan = computePlan(input({ config: typo, persons: [], targets: withCatalog() }));
  assert.deepEqual(plan.blockers.map((b) => b.name), ['GG-Marketng']);
  assert.equal(plan.blockers[0]?.persons, 0);
  const ok = computePlan(input({ config: typo, persons: [mia], targets: withCatalog(['gg-all', 'gg-marketng']) }));
  assert.deepEqual(ok.blockers, []);
});

test('template grants are checked per rendered name', () => {
  const cfg = config({ entitlements: [{ name: 'location', when: {}, grant: { ad: ['GG-Loc-{{ office }}'] } }] });
  const plan = computePlan(input({ config: cfg, persons: [person('1', { office: 'Berlin' }), person('2', { office: 'Hamburg' }), person('3', { office: 'Hamburg' })], targets: withCatalog(['GG-Loc-Berlin', 'GG-Loc-Hamburgh']) }));
  assert.deepEqual(plan.blockers.map((b) => [b.name, b.persons, b.suggestion]), [['GG-Loc-Hamburg', 2, 'GG-Loc-Hamburgh']]);
});

test('a placement container that does not exist is a plan-level error naming the config path', () => {
  const cfg = config({
    targets: { ad: { type: 'ad', identifiers: { username: ['sAMAccountName'] }, placement: { by: 'office', map: { Berlin: 'OU=Berln,DC=ex,DC=com' }, default: 'OU=Staff, DC=ex, DC=com' } } },
  });
  const plan = computePlan(input({ config: cfg, persons: [], targets: withCatalog() }));
  assert.deepEqual(plan.blockers.map((b) => b.message), [
    'targets.ad.placement.map["Berlin"] places accounts in OU=Berln,DC=ex,DC=com, which does not exist in ad: did you mean OU=Berlin,DC=ex,DC=com?',
  ]);
});

test('targets without a catalog (SQL, where every entitlement name is a row) are not checked', () => {
  const plan = computePlan(input({ persons: [person('1', { department: 'Sales', office: 'Berlin' })], reservations: ids('1', 'ebeispiel', 'erika.beispiel@example.com'), targets: withCatalog() }));
  assert.deepEqual(plan.blockers, []);
  assert.ok(plan.operations.some((o) => o.target === 'sql' && o.entitlement === 'crm'));
});

test('a configured name that maps to nothing says why instead of suggesting a sibling', () => {
  const cfg = config({ entitlements: [{ name: 'e3', when: {}, grant: { ad: ['licence:e3'] } }] });
  const plan = computePlan(input({ config: cfg, persons: [], targets: { ...TARGETS, ad: { ...(TARGETS.ad as TargetInfo), catalog: { entitlements: ['licence:f1'], unresolved: { 'licence:e3': 'options.licences maps it to SPE_E5, which this tenant does not subscribe' } } } } }));
  assert.deepEqual(plan.blockers.map((b) => b.message), ['rule e3 grants licence:e3 in ad, which does not exist: options.licences maps it to SPE_E5, which this tenant does not subscribe']);
});
