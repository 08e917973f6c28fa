import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { adTargetGuard } from './guard.js';

const base = { url: 'ldaps://dc1.example.com', bindDN: 'CN=svc,DC=example,DC=com', bindPassword: 'x', baseDN: 'OU=Staff,DC=example,DC=com', usersOU: 'OU=Staff,DC=example,DC=com', upnSuffix: 'example.com' };
const problems = (o: Record<string, unknown>): string[] => {
  const r = adTargetGuard.safeParse({ ...base, ...o });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('an unquoted DN in a YAML flow list (split at its commas) is refused with the reason, a quoted one passes', () => {
  const unquoted = (parse('managedGroupsOUs: [OU=Groups,DC=example,DC=com]') as { managedGroupsOUs: string[] }).managedGroupsOUs;
  assert.deepEqual(unquoted, ['OU=Groups', 'DC=example', 'DC=com'], 'what YAML makes of it');
  const p = problems({ managedGroupsOUs: unquoted });
  assert.equal(p.length, 3);
  assert.match(p[0] ?? '', /^managedGroupsOUs\.0: "OU=Groups" is not in the domain of baseDN \(DC=example,DC=com\): a DN in a YAML \[list\] must be quoted/);
  const quoted = (parse('managedGroupsOUs: ["OU=Groups,DC=example,DC=com"]') as { managedGroupsOUs: string[] }).managedGroupsOUs;
  assert.deepEqual(problems({ managedGroupsOUs: quoted }), []);
});

test('usersOU, disabledOU and managed group OUs must be in baseDN\'s domain (case and blanks ignored)', () => {
  assert.deepEqual(problems({ usersOU: 'OU=Staff, dc=Example,DC=com', disabledOU: 'OU=Gone,DC=example,DC=com', managedGroupsOUs: ['OU=Groups,DC=example,DC=com'] }), []);
  assert.deepEqual(problems({ usersOU: 'OU=Staff,DC=other,DC=com' }), ['usersOU: "OU=Staff,DC=other,DC=com" is not in the domain of baseDN (DC=example,DC=com)']);
  assert.deepEqual(problems({ baseDN: 'OU=Staff' }).filter((x) => x.startsWith('baseDN')), ['baseDN: expected a DN ending in the domain, such as OU=Staff,DC=example,DC=com']);
});
