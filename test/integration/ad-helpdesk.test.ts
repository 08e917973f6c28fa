/**
 * The AD helpdesk capabilities against the real Samba AD DC over LDAPS: a reset the user can bind with, what a
 * forced change does to a bind, policy refusals, a service account without rights, accounts outside the managed
 * scope, and a real lockout (failed binds under a PSO that applies to the test user alone) that unlock clears.
 * Every effect is checked outside the connector: raw reads as Administrator and binds as the user.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change } from 'ldapts';
import type { Client, Entry } from 'ldapts';
import { targetGuard } from '../../src/config/schema.js';
import { checkPassword } from '../../src/core/password-policy.js';
import { createAdTarget } from '../../src/targets/ad/index.js';
import { fromFiletime, guidToString } from '../../src/targets/ad/values.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import type { LockoutPolicy } from '../support/samba.js';
import { createLockoutPolicy, deleteTree, lockOutByBinds, quietLog, sambaAdmin, sambaEnv, userBind } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex');
const ROOT_NAME = `Cadre Helpdesk ${RUN}`;
const PW = (tag: string): string => `Hd-${tag}-${randomBytes(4).toString('hex')}!Q7`;

type Helpdesk = TargetConnector & Required<Pick<TargetConnector, 'resetPassword' | 'unlock' | 'accountStatus' | 'passwordPolicy'>>;

describe('AD helpdesk capabilities (Samba over LDAPS)', () => {
  let admin: Client;
  let root: string;
  let ad: Helpdesk;
  let pso: LockoutPolicy;
  const users = new Map<string, { dn: string; upn: string; guid: string }>();

  const raw = async (dn: string, attrs: string[]): Promise<Entry> => {
    const r = await admin.search(dn, { scope: 'base', attributes: attrs });
    return r.searchEntries[0] as Entry;
  };
  const one = (e: Entry, a: string): string | undefined => {
    const v = e[a];
    const x = Array.isArray(v) ? v[0] : v;
    return x === undefined ? undefined : String(x);
  };
  /** A user made by hand (as Administrator), enabled, with a known password. */
  const makeUser = async (key: string, password: string, displayName = `Helga ${key} Desk`): Promise<{ dn: string; upn: string; guid: string }> => {
    const sam = `hd${key}${RUN}`.slice(0, 20);
    const dn = `CN=${sam},${root}`;
    const upn = `${sam}@example.test`;
    await admin.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: sam, userPrincipalName: upn, displayName, employeeID: `hd-${key}-${RUN}` });
    await admin.modify(dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: ['512'] }) }),
    ]);
    const e = (await admin.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] })).searchEntries[0] as Entry;
    const u = { dn, upn, guid: guidToString(e['objectGUID'] as Buffer) };
    users.set(key, u);
    return u;
  };
  const connector = async (bindDN: string, bindPassword: string): Promise<Helpdesk> => {
    const env = await sambaEnv();
    return await createAdTarget('ad', { url: env.url, bindDN, bindPassword, insecure: true, baseDN: root, usersOU: root, upnSuffix: 'example.test' },
      { log: quietLog }, targetGuard.parse({ type: 'ad', attributes: {} })) as Helpdesk;
  };

  before(async () => {
    const env = await sambaEnv();
    admin = await sambaAdmin();
    root = `OU=${ROOT_NAME},${env.baseDN}`;
    await admin.add(root, { objectClass: ['top', 'organizationalUnit'] });
    pso = await createLockoutPolicy(admin, `Cadre Helpdesk ${RUN}`, { minLength: 12 });
    ad = await connector(env.bindDN, env.password);
  });
  after(async () => {
    await ad?.close();
    if (admin) {
      await deleteTree(admin, root);
      await pso?.remove();
      await admin.unbind();
    }
  });

  test('reset without mustChange: the user binds with the new password (by UPN and DN); older passwords fail', async () => {
    const oldest = PW('oldest');
    const u = await makeUser('a', oldest);
    const previous = PW('previous');
    assert.ok((await ad.resetPassword(u.guid, previous, { mustChange: false })).ok);
    const pw = PW('new');
    const r = await ad.resetPassword(u.guid, pw, { mustChange: false });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(!JSON.stringify(r).includes(pw));
    assert.equal(await userBind(u.upn, pw), 'ok');
    assert.equal(await userBind(u.dn, pw), 'ok');
    // What is true on Samba: the password just replaced still binds for "old password allowed period" (smb.conf,
    // default 60 minutes after pwdLastSet; Windows has the same for NTLM). The one before it does not.
    assert.equal(await userBind(u.upn, previous), 'ok');
    assert.equal(await userBind(u.upn, oldest), 'wrongPassword');
    const e = await raw(u.dn, ['pwdLastSet']);
    const set = fromFiletime(one(e, 'pwdLastSet'));
    assert.ok(set !== undefined, 'pwdLastSet is a time, not 0');
    const st = await ad.accountStatus(u.guid);
    assert.deepEqual({ ...st, passwordLastSet: undefined }, { locked: false, enabled: true, mustChangePassword: false, passwordLastSet: undefined });
    assert.equal(st.passwordLastSet, set.toISOString());
  });

  test('reset with mustChange: pwdLastSet 0; Samba refuses a simple bind with "must change" (773) for the new password only', async () => {
    const u = await makeUser('b', PW('old'));
    const pw = PW('new');
    const r = await ad.resetPassword(u.guid, pw, { mustChange: true });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(one(await raw(u.dn, ['pwdLastSet']), 'pwdLastSet'), '0');
    // What is true on Samba 4.17: the user cannot bind over LDAP until the password is changed (an interactive
    // logon would prompt for it); the answer tells the right password (773) from a wrong one (52e).
    assert.equal(await userBind(u.upn, pw), 'mustChange');
    assert.equal(await userBind(u.upn, `${pw}x`), 'wrongPassword');
    const st = await ad.accountStatus(u.guid);
    assert.equal(st.mustChangePassword, true);
    assert.equal(st.passwordLastSet, undefined, 'pwdLastSet 0 is "never"');
    // A later reset without mustChange clears the flag (pwdLastSet -1 → now) and the user binds.
    const pw2 = PW('again');
    assert.ok((await ad.resetPassword(u.guid, pw2, { mustChange: false })).ok);
    assert.equal(await userBind(u.upn, pw2), 'ok');
    assert.equal((await ad.accountStatus(u.guid)).mustChangePassword, false);
  });

  test('passwords the domain refuses are PASSWORD_POLICY, not transient, never echoed; the old password still works', async () => {
    const pw = PW('keep');
    const u = await makeUser('c', pw);
    for (const weak of ['Ab1!x', 'onlylowercaseletters', 'ONLYUPPER12345']) {
      const r = await ad.resetPassword(u.guid, weak, { mustChange: false });
      assert.equal(r.ok, false, weak);
      if (r.ok) continue;
      assert.equal(r.error.code, 'PASSWORD_POLICY', `${weak}: ${r.error.message}`);
      assert.equal(r.error.transient, false);
      assert.ok(!r.error.message.includes(weak), 'the message does not carry the password');
      // The policy description says the same before anything is sent.
      assert.equal(checkPassword(await ad.passwordPolicy(u.guid), weak).ok, false, `checkPassword refuses ${weak} too`);
    }
    assert.equal(await userBind(u.upn, pw), 'ok');
  });

  test('passwordPolicy: the domain object for the domain, the PSO for an account it applies to (and Samba enforces it)', async () => {
    const env = await sambaEnv();
    const d = await raw(env.baseDN, ['minPwdLength', 'pwdProperties', 'pwdHistoryLength']);
    const domain = await ad.passwordPolicy();
    assert.deepEqual(domain, {
      minLength: Number(one(d, 'minPwdLength')), complexity: (Number(one(d, 'pwdProperties')) & 1) === 1,
      historyLength: Number(one(d, 'pwdHistoryLength')), maxLength: 256,
    });
    const u = await makeUser('d', PW('pso'));
    assert.deepEqual(await ad.passwordPolicy(u.guid), domain, 'no PSO applies yet');
    await pso.applyTo(u.dn);
    const own = await ad.passwordPolicy(u.guid);
    assert.equal(own.minLength, 12);
    assert.equal(own.historyLength, 0);
    // Long enough for the domain, too short for the PSO: refused for this account.
    const tenChars = 'Aa1!Bb2@Cc';
    assert.equal(checkPassword(domain, tenChars).ok, true);
    assert.equal(checkPassword(own, tenChars).ok, false);
    const r = await ad.resetPassword(u.guid, tenChars, { mustChange: false });
    assert.equal(r.ok ? 'ok' : r.error.code, 'PASSWORD_POLICY');
  });

  test('a real lockout (failed binds under the PSO): status locked until lockoutTime + 30 min; unlock clears it; the user binds again', async () => {
    const pw = PW('lock');
    const u = await makeUser('e', pw);
    await pso.applyTo(u.dn);
    assert.equal((await ad.accountStatus(u.guid)).locked, false);
    assert.deepEqual((await ad.unlock(u.guid)), { ok: true, anchor: u.guid, note: 'not locked' });
    await lockOutByBinds(u.dn);
    assert.equal(await userBind(u.upn, pw), 'locked', 'the right password is refused while locked');
    const st = await ad.accountStatus(u.guid);
    assert.equal(st.locked, true);
    assert.equal(st.enabled, true, 'locked is not disabled');
    const lockoutTime = fromFiletime(one(await raw(u.dn, ['lockoutTime']), 'lockoutTime'));
    assert.ok(lockoutTime);
    assert.equal(st.lockedUntil, new Date(lockoutTime.getTime() + 30 * 60_000).toISOString());

    const r = await ad.unlock(u.guid);
    assert.ok(r.ok, JSON.stringify(r));
    const e = await raw(u.dn, ['lockoutTime', 'badPwdCount']);
    assert.equal(one(e, 'lockoutTime'), '0');
    assert.equal(one(e, 'badPwdCount'), '0', 'the failed-bind count starts over');
    assert.deepEqual(await ad.accountStatus(u.guid), { locked: false, enabled: true, mustChangePassword: false, passwordLastSet: st.passwordLastSet });
    assert.equal(await userBind(u.upn, pw), 'ok');
  });

  test('a service account without the rights gets ACCESS_DENIED for reset and unlock, and nothing changes', async () => {
    const svcPw = PW('svc');
    const svc = await makeUser('svc', svcPw);
    const pw = PW('victim');
    const victim = await makeUser('f', pw);
    await pso.applyTo(victim.dn);
    await lockOutByBinds(victim.dn);
    const weak = await connector(svc.dn, svcPw);
    try {
      const r = await weak.resetPassword(victim.guid, PW('evil'), { mustChange: false });
      assert.equal(r.ok ? 'ok' : r.error.code, 'ACCESS_DENIED', JSON.stringify(r));
      const u = await weak.unlock(victim.guid);
      assert.equal(u.ok ? 'ok' : u.error.code, 'ACCESS_DENIED', JSON.stringify(u));
      // Reading the status needs no more than what every authenticated user may read.
      assert.equal((await weak.accountStatus(victim.guid)).locked, true);
    } finally {
      await weak.close();
    }
    assert.ok((await ad.unlock(victim.guid)).ok);
    assert.equal(await userBind(victim.upn, pw), 'ok', 'the password is the old one');
  });

  test('accounts outside the managed base DN (the domain Administrator) are NOT_FOUND; unknown anchors too', async () => {
    const env = await sambaEnv();
    const e = (await admin.search(env.bindDN, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] })).searchEntries[0] as Entry;
    const adminGuid = guidToString(e['objectGUID'] as Buffer);
    const r = await ad.resetPassword(adminGuid, PW('takeover'), { mustChange: false });
    assert.equal(r.ok ? 'ok' : r.error.code, 'NOT_FOUND');
    const u = await ad.unlock(adminGuid);
    assert.equal(u.ok ? 'ok' : u.error.code, 'NOT_FOUND');
    await assert.rejects(ad.accountStatus(adminGuid), { code: 'NOT_FOUND' });
    assert.equal(await userBind(env.bindDN, env.password), 'ok', 'the Administrator password is unchanged');
    const bad = await ad.resetPassword('not-a-guid', PW('x'), { mustChange: false });
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'INVALID_VALUE');
    const gone = await ad.resetPassword('00000000-0000-4000-8000-000000000000', PW('x'), { mustChange: false });
    assert.equal(gone.ok ? 'ok' : gone.error.code, 'NOT_FOUND');
  });
});
