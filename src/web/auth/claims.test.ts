import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimGroups, displayName, mapRole, personClaimValue, principalId } from './claims.js';

const roleMap = { admin: ['Cadre-Admins'], helpdesk: ['Helpdesk'], manager: ['Managers'], auditor: ['Audit'] };

test('groups come from a string array, a single string or a space/comma separated string', () => {
  assert.deepEqual(claimGroups({ groups: ['a', 'b', 3] }, 'groups'), ['a', 'b']);
  assert.deepEqual(claimGroups({ groups: 'Helpdesk' }, 'groups'), ['Helpdesk']);
  assert.deepEqual(claimGroups({ roles: 'a b,c' }, 'roles'), ['a', 'b', 'c']);
  assert.deepEqual(claimGroups({}, 'groups'), []);
  assert.deepEqual(claimGroups({ groups: { a: 1 } }, 'groups'), []);
});

test('a dotted claim name reaches into objects (Keycloak realm_access.roles); a literal dotted name wins', () => {
  assert.deepEqual(claimGroups({ realm_access: { roles: ['Audit'] } }, 'realm_access.roles'), ['Audit']);
  assert.deepEqual(claimGroups({ 'realm_access.roles': ['x'], realm_access: { roles: ['y'] } }, 'realm_access.roles'), ['x']);
  assert.deepEqual(claimGroups({ realm_access: ['Audit'] }, 'realm_access.roles'), []);
});

test('the most privileged mapped role wins; no mapped group is no role; names compare case-insensitively', () => {
  assert.equal(mapRole({ groups: ['Audit', 'Cadre-Admins'] }, { rolesClaim: 'groups', roleMap }), 'admin');
  assert.equal(mapRole({ groups: ['Audit', 'Managers'] }, { rolesClaim: 'groups', roleMap }), 'manager');
  assert.equal(mapRole({ groups: ['Helpdesk', 'Managers'] }, { rolesClaim: 'groups', roleMap }), 'helpdesk');
  assert.equal(mapRole({ groups: ['Audit'] }, { rolesClaim: 'groups', roleMap }), 'auditor');
  assert.equal(mapRole({ groups: ['audit', 'Everyone'] }, { rolesClaim: 'groups', roleMap }), 'auditor');
  assert.equal(mapRole({ groups: ['Auditors', 'Everyone'] }, { rolesClaim: 'groups', roleMap }), undefined, 'whole names only');
  assert.equal(mapRole({ roles: ['Audit'] }, { rolesClaim: 'groups', roleMap }), undefined, 'another claim does not count');
  assert.equal(mapRole({ groups: ['Audit'] }, { rolesClaim: 'groups', roleMap: { admin: ['Audit'] } }), 'admin');
});

test('principal id is the lower-cased e-mail, else sub; display name falls back in order', () => {
  assert.equal(principalId({ sub: 'abc', email: ' Olivia.Admin@Example.com ' }), 'olivia.admin@example.com');
  assert.equal(principalId({ sub: 'abc', email: 'not-an-address' }), 'abc');
  assert.equal(displayName({ sub: 'abc', name: ' Olivia ' }), 'Olivia');
  assert.equal(displayName({ sub: 'abc', preferred_username: 'oa', email: 'o@x' }), 'oa');
  assert.equal(displayName({ sub: 'abc', name: '' }), 'abc');
  assert.equal(personClaimValue({ email: ' a@b ' }, 'email'), 'a@b');
  assert.equal(personClaimValue({ email: ['a@b'] }, 'email'), undefined);
  assert.equal(personClaimValue({ email: 'a@b' }, undefined), undefined);
});
