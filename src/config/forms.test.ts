import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText } from './load.js';

const head = `source: { type: personio, clientId: x, clientSecret: y }
identifiers:
  username: { patterns: ["{f}{last}"] }
targets:
  ad:
    type: sql
    options: { driver: sqlite, path: ":memory:", table: users, key: id, correlationColumn: person_id }
    identifiers: { username: [username] }
    createOnly: [username]
    privilegedEntitlements: [GG-Admin*]
protection:
  groups: [Domain Admins]
`;

const problems = (forms: string): { path: string; message: string; line?: number }[] => validateConfigText(`${head}forms:\n${forms}`).problems;

test('a valid set of forms has no problems and gets its defaults', () => {
  const r = validateConfigText(`${head}forms:
  - { id: reset, type: resetPassword, roles: [helpdesk], targets: [ad] }
  - { id: phone, type: edit, oidcGroups: [Helpdesk], attributes: [phone], overrideDays: 30, scope: { when: { department: [Sales] }, containers: ["OU=Staff,DC=x"] } }
`);
  assert.deepEqual(r.problems, []);
  const reset = r.config?.forms[0];
  assert.equal(reset?.type === 'resetPassword' && reset.password.mustChange, true);
  assert.equal(reset?.type === 'resetPassword' && reset.password.length, 16);
  assert.deepEqual(r.config?.protection.accounts, []);
});

test('an unknown form type, an unknown role and an unknown target are reported with their lines', () => {
  const p = problems(`  - id: one
    type: resetPasswrd
    roles: [helpdesk]
  - id: two
    type: unlock
    roles: [superuser]
  - id: three
    type: unlock
    roles: [admin]
    targets: [ad, entra]
`);
  const by = (path: string) => p.find((x) => x.path === path);
  assert.match(by('forms[0].type')?.message ?? JSON.stringify(p), /resetPassword/);
  assert.equal(by('forms[0].type')?.line, 15);
  assert.match(by('forms[1].roles[0]')?.message ?? JSON.stringify(p), /admin|helpdesk/);
  assert.equal(by('forms[1].roles[0]')?.line, 19);
});

test('cross-checks: unknown target, duplicate id, nobody may use it, reserved attributes, protected groups, scope conditions', () => {
  const p = problems(`  - { id: one, type: unlock, roles: [admin], targets: [ad, entra] }
  - { id: one, type: unlock, roles: [] }
  - { id: edit, type: edit, roles: [helpdesk], attributes: [phone, userAccountControl, username, Phone] }
  - { id: groups, type: groups, roles: [admin], groups: [GG-VPN, domain admins, GG-Admins-Tier1] }
  - { id: scoped, type: unlock, roles: [admin], scope: { when: { nosuchfield: 1, department: { matches: "([" } } } }
`);
  const msg = (path: string): string => p.filter((x) => x.path === path).map((x) => x.message).join(' | ');
  assert.match(msg('forms[0].targets[1]'), /unknown target "entra" \(targets: ad\)/);
  assert.equal(p.find((x) => x.path === 'forms[0].targets[1]')?.line, 14);
  assert.match(msg('forms[1].id'), /duplicate form id "one"/);
  assert.match(msg('forms[1].roles'), /nobody could use it/);
  assert.match(msg('forms[2].attributes[1]'), /"userAccountControl" cannot be edited/);
  assert.match(msg('forms[2].attributes[2]'), /"username" cannot be edited/, 'an identifier attribute of the target');
  assert.match(msg('forms[2].attributes[3]'), /listed twice/);
  assert.equal(msg('forms[2].attributes[0]'), '');
  assert.match(msg('forms[3].groups[1]'), /protection\.groups/);
  assert.match(msg('forms[3].groups[2]'), /privileged entitlement in ad/);
  assert.equal(msg('forms[3].groups[0]'), '');
  assert.ok(p.some((x) => x.path.startsWith('forms[4].scope.when')), JSON.stringify(p));
});

test('protection: an account matcher names exactly one of dn, upn or memberOf', () => {
  const r = validateConfigText(`${head.replace('protection:\n  groups: [Domain Admins]\n', '')}protection:\n  accounts: [{ dn: "*,OU=Admins,DC=x", upn: "a@x" }]\n`);
  assert.match(r.problems.map((x) => x.message).join(' '), /exactly one of dn, upn or memberOf/);
});

test('a reset form that can neither generate nor take a typed password is refused', () => {
  const p = problems('  - { id: r, type: resetPassword, roles: [admin], password: { generate: false } }\n');
  assert.match(p.map((x) => x.message).join(' '), /generate: true or allowTyped: true/);
});
