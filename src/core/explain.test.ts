import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPerson, formatExplanation } from './explain.js';
import { formatPlan, summaryLine } from './plan-format.js';
import { computePlan } from './planner.js';
import { adAccount, ids, input, person } from './test-support.js';

const p = person('1', { firstName: 'Zoë', lastName: 'Groß', department: 'Sales', office: 'Berlin' });
const res = [...ids('1', 'zgross', 'zoe.gross@example.com'), { kind: 'mail', value: 'zoe.old@example.com', personId: '1', status: 'alias' as const }];

test('explain shows lifecycle, identifiers, placement, attribute sources, rules and pending ops', () => {
  const acct = adAccount('1', 'g1', { entitlements: ['GG-All', 'GG-Old'], unmanaged: ['Printers'] });
  const e = explainPerson('1', input({ persons: [p], reservations: res, accounts: [acct] }));
  assert.equal(e.found, true);
  assert.equal(e.lifecycle?.state, 'active');
  const ad = e.targets.find((t) => t.target === 'ad');
  assert.equal(ad?.account, 'linked');
  assert.equal(ad?.container, 'OU=Berlin,DC=ex,DC=com');
  assert.equal(ad?.placement.source, 'map');
  assert.equal(ad?.attributes.find((a) => a.name === 'displayName')?.source, '{{ preferredName ?? firstName }} {{ lastName }}');
  assert.equal(ad?.attributes.find((a) => a.name === 'sAMAccountName')?.reason.kind, 'identifier');
  assert.deepEqual(ad?.entitlements.map((g) => [g.name, g.rule, g.held]), [['GG-All', 'all-staff', true], ['GG-Sales', 'sales', false]]);
  assert.deepEqual(ad?.extraEntitlements, ['GG-Old', 'Printers']);
  assert.ok(e.operations.some((o) => o.action === 'grant' && o.entitlement === 'GG-Sales'));
  const text = formatExplanation(e);
  assert.match(text, /Zoë Groß \(1\)/);
  assert.match(text, /mail: zoe\.old@example\.com \(alias, former value\)/);
  assert.match(text, /GG-Sales \(to grant\)\s+← rule "sales": department = "Sales"/);
  assert.match(text, /container: OU=Berlin,DC=ex,DC=com — office = "Berlin"/);
  assert.equal(explainPerson('nope', input({ persons: [p] })).found, false);
});

test('formatPlan: terraform-like lines, colour optional, summary', () => {
  const plan = computePlan(input({ persons: [p], reservations: res }));
  const plain = formatPlan(plan, { color: false });
  assert.doesNotMatch(plain, /\u001b\[/);
  assert.match(plain, /\+ create \(enabled\)|\+ create in OU=Berlin/);
  assert.match(plain, /displayName: "Zoë Groß"/);
  assert.match(plain, /\+ grant GG-Sales/);
  assert.match(plain, /Plan: 2 to create, 3 to grant\./);
  const colored = formatPlan(plan, { color: true });
  assert.match(colored, /\u001b\[32m/);
  const moved = computePlan(input({ persons: [{ ...p, office: 'Hamburg', lastName: 'Neu' }], reservations: res, accounts: [adAccount('1', 'g1', { attributes: { displayName: 'Zoë Groß' }, entitlements: ['GG-All', 'GG-Sales', 'GG-IT'] })] }));
  const text = formatPlan(moved, { color: false });
  assert.match(text, /~ update[\s\S]*displayName: "Zoë Groß" → "Zoë Neu"/);
  assert.match(text, /> move "OU=Berlin,DC=ex,DC=com" → "OU=Hamburg,DC=ex,DC=com"/);
  assert.match(text, /- revoke GG-IT/);
  assert.equal(summaryLine({ ...moved, operations: [], summary: {}, breaches: [] }), 'No changes. Accounts match the rules.');
});

test('formatPlan lists re-allocated identifiers with the reason, and the summary counts them', () => {
  const plan = { ...computePlan(input({ persons: [p], reservations: res })), reallocations: [
    { personId: '1', kind: 'username', from: 'zgross', to: 'zogross', reason: 'taken' as const },
    { personId: '1', kind: 'upn', from: 'zgross@corp.example.com', reason: 'joint' as const },
  ] };
  const text = formatPlan(plan, { color: false });
  assert.match(text, /Identifiers re-allocated \(2\)/);
  assert.match(text, /~ person 1 username: zgross → zogross {2}\(taken in a target since it was reserved\)/);
  assert.match(text, /~ person 1 upn: zgross@corp\.example\.com → \(none free\)/);
  assert.match(summaryLine(plan), /2 identifier\(s\) re-allocated/);
});
