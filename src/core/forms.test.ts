import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formGuard, type FormConfig } from '../config/schema-forms.js';
import { attributeDecision, formTargets, groupDecision, isWithin, mayUseForm, protectionDecision, reportsTo, scopeDecision } from './forms.js';
import type { AccountState } from './model.js';
import { adAccount, config, person } from './test-support.js';

const form = (f: Record<string, unknown>): FormConfig => formGuard.parse(f);
const cfg = config({
  protection: { accounts: [{ upn: 'admin*@example.com' }, { dn: '*,OU=Admins,DC=ex,DC=com' }], memberOf: ['Domain Admins', 'CN=Tier0*'], groups: ['GG-Tier0'] },
});
const acct = (over: Partial<AccountState> = {}): AccountState => adAccount('1', 'g1', { dn: 'CN=Erika,OU=Staff,DC=ex,DC=com', container: 'OU=Staff,DC=ex,DC=com', attributes: { userPrincipalName: 'erika@example.com' }, ...over });

test('mayUseForm: a listed role, or a listed OIDC group (case-insensitive); nothing else; never an auditor', () => {
  const f = form({ id: 'f', type: 'unlock', roles: ['helpdesk'], oidcGroups: ['Tier1-Support'] });
  assert.equal(mayUseForm(f, { id: 'a', role: 'helpdesk' }), true);
  assert.equal(mayUseForm(f, { id: 'a', role: 'admin' }), false);
  assert.equal(mayUseForm(f, { id: 'a', role: 'manager', groups: ['tier1-support'] }), true);
  assert.equal(mayUseForm(f, { id: 'a', role: 'manager', groups: ['Tier2'] }), false);
  // Auditors are read-only: an OIDC group that lists them does not make them writers.
  assert.equal(mayUseForm(f, { id: 'a', role: 'auditor', groups: ['tier1-support'] }), false);
});

test('scope: conditions on the HR record and containers on the account (at or below, blanks and case ignored)', () => {
  const f = form({ id: 'f', type: 'unlock', roles: ['helpdesk'], scope: { when: { department: ['Sales', 'Support'] }, containers: ['OU=Staff, DC=ex,DC=com'] } });
  assert.equal(scopeDecision(f, person('1', { department: 'Sales' }), acct()).ok, true);
  const out = scopeDecision(f, person('1', { department: 'IT' }), acct());
  assert.equal(out.ok, false);
  assert.equal(!out.ok && out.code, 'HELPDESK_OUT_OF_SCOPE');
  assert.equal(scopeDecision(f, person('1', { department: 'Sales' }), acct({ container: 'OU=Team,OU=Staff,DC=ex,DC=com' })).ok, true);
  assert.equal(scopeDecision(f, person('1', { department: 'Sales' }), acct({ container: 'OU=Admins,DC=ex,DC=com' })).ok, false);
  assert.equal(scopeDecision(f, person('1', { department: 'Sales' }), acct({ container: 'OU=NotStaff,DC=ex,DC=com' })).ok, false, 'a suffix of an RDN is not below');
  // Without a container the DN's parent counts.
  const { container: _c, ...noContainer } = acct();
  assert.equal(scopeDecision(f, person('1', { department: 'Sales' }), noContainer).ok, true);
  assert.equal(isWithin('ou=staff,dc=ex,dc=com', 'OU=Staff,DC=ex,DC=com'), true);
});

test('protection: Cadre exclusions, protected account matchers and protected group membership all refuse', () => {
  assert.equal(protectionDecision(cfg, 'ad', [acct()]).ok, true);
  const upn = protectionDecision(cfg, 'ad', [acct({ attributes: { userPrincipalName: 'Admin.Erika@example.com' } })]);
  assert.equal(!upn.ok && upn.reason, 'the account is protected (protection.accounts[0] (upn: admin*@example.com))');
  assert.equal(protectionDecision(cfg, 'ad', [acct({ dn: 'CN=Erika,OU=Admins,DC=ex,DC=com' })]).ok, false);
  assert.equal(protectionDecision(cfg, 'ad', [acct({ unmanaged: ['CN=Domain Admins,CN=Users,DC=ex,DC=com'] })]).ok, false, 'a name matches a DN\'s common name');
  assert.equal(protectionDecision(cfg, 'ad', [acct({ unmanaged: ['CN=Tier0 Operators,OU=Groups,DC=ex,DC=com'] })]).ok, false, 'a DN glob');
  assert.equal(protectionDecision(cfg, 'ad', [acct({ entitlements: ['domain admins'] })]).ok, false);
  assert.equal(protectionDecision(cfg, 'ad', [acct({ unmanaged: ['CN=Domain Users,CN=Users,DC=ex,DC=com'] })]).ok, true);
  // One protected view among several (stored and live) is enough.
  assert.equal(protectionDecision(cfg, 'ad', [acct(), acct({ attributes: { userPrincipalName: 'admin@example.com' } })]).ok, false);
  const withExclude = config({ targets: { ...cfg.targets, ad: { ...cfg.targets['ad'], exclude: [{ upn: 'breakglass*@example.com', reason: 'emergency' }] } } });
  const ex = protectionDecision(withExclude, 'ad', [acct({ attributes: { userPrincipalName: 'breakglass1@example.com' } })]);
  assert.match(!ex.ok ? ex.reason : '', /excluded from Cadre \(targets\.ad\.exclude\[0\] \(upn: breakglass\*@example\.com\): emergency\)/);
});

test('groups: only the form\'s groups, never a protected one (even when the form lists it)', () => {
  const f = form({ id: 'g', type: 'groups', roles: ['admin'], groups: ['GG-VPN', 'GG-Tier0'] });
  assert.equal(groupDecision(cfg, f, 'gg-vpn').ok, true);
  const p = groupDecision(cfg, f, 'GG-Tier0');
  assert.equal(!p.ok && p.code, 'HELPDESK_GROUP_PROTECTED');
  const n = groupDecision(cfg, f, 'GG-Other');
  assert.equal(!n.ok && n.code, 'HELPDESK_GROUP_NOT_IN_FORM');
  assert.equal(groupDecision(cfg, form({ id: 'u', type: 'unlock', roles: ['admin'] }), 'GG-VPN').ok, false);
});

test('attributes: the whitelist, in the form\'s spelling; anything else refused by name', () => {
  const f = form({ id: 'e', type: 'edit', roles: ['helpdesk'], attributes: ['telephoneNumber', 'mobile'] });
  const ok = attributeDecision(f, ['TelephoneNumber']);
  assert.deepEqual(ok.ok && ok.attributes, ['telephoneNumber']);
  const bad = attributeDecision(f, ['mobile', 'userAccountControl']);
  assert.equal(!bad.ok && bad.code, 'HELPDESK_ATTRIBUTE_NOT_ALLOWED');
  assert.match(!bad.ok ? bad.reason : '', /may not change "userAccountControl"/);
  assert.equal(attributeDecision(f, []).ok, false);
});

test('reportsTo: direct and transitive reports; a cycle in the HR data ends the walk', () => {
  const persons = new Map([
    ['1', person('1', { supervisorId: '2' })], ['2', person('2', { supervisorId: '3' })], ['3', person('3')],
    ['8', person('8', { supervisorId: '9' })], ['9', person('9', { supervisorId: '8' })],
  ]);
  assert.equal(reportsTo(persons, '2', '1'), true);
  assert.equal(reportsTo(persons, '3', '1'), true);
  assert.equal(reportsTo(persons, '1', '3'), false);
  assert.equal(reportsTo(persons, '3', '8'), false);
});

test('formTargets: the form\'s own list or every enabled target, filtered by what the target supports', () => {
  assert.deepEqual(formTargets(form({ id: 'a', type: 'unlock', roles: ['admin'] }), cfg, (t) => t === 'ad'), ['ad']);
  assert.deepEqual(formTargets(form({ id: 'a', type: 'edit', roles: ['admin'], attributes: ['x'] }), cfg, () => true), ['ad', 'sql']);
  assert.deepEqual(formTargets(form({ id: 'a', type: 'edit', roles: ['admin'], attributes: ['x'], targets: ['sql'] }), cfg, () => true), ['sql']);
});
