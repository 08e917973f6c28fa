/**
 * The Entra helpdesk capabilities against the Graph simulator: the reset is the documented PATCH of
 * `passwordProfile`, the simulator keeps only a hash and reads the password back as null, refuses what Entra's
 * policy refuses with Graph's documented 400, and reports the flags; Entra has no unlock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/core/password-policy.js';
import type { TargetConnector } from '../../src/targets/contract.js';
import { DIRECTORY_ROLES } from '../../src/targets/entra/simulator/common.js';
import { startEntraTestbed } from '../../src/targets/entra/simulator/testbed.js';
import type { Testbed } from '../../src/targets/entra/simulator/testbed.js';

let tb: Testbed;
let c: TargetConnector & Required<Pick<TargetConnector, 'resetPassword' | 'accountStatus' | 'passwordPolicy'>>;
let n = 0;

const CLIENT = { clientId: '3f1c9a52-0000-4000-8000-00000000c1d1', clientSecret: 'test-only-secret~not-real' };

const newUser = (enabled = true, bed: Testbed = tb): string => {
  n += 1;
  return bed.sim.state.createUser({
    accountEnabled: enabled, displayName: `Hedda Helpdesk${n}`, mailNickname: `hhelp${n}`, userPrincipalName: `hedda.help${n}@example.com`,
    employeeId: `hd${n}`, passwordProfile: { password: 'Initial!Passw0rd', forceChangePasswordNextSignIn: true },
  }).id;
};

/** GET through Graph as any client would (not through the connector). */
async function graphGet(path: string): Promise<{ status: number; text: string }> {
  const tok = await fetch(`${tb.sim.url}/${tb.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  const { access_token: token } = await tok.json() as { access_token: string };
  const r = await fetch(`${tb.sim.url}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, text: await r.text() };
}

before(async () => {
  tb = await startEntraTestbed();
  c = tb.connector as typeof c;
});
after(async () => { await tb.close(); });

describe('Entra helpdesk capabilities (Graph simulator)', () => {
  test('there is no unlock: Entra exposes no lockout to clear', () => {
    assert.equal(tb.connector.unlock, undefined);
  });

  test('reset: the new password signs in, the flag follows mustChange, Graph reads the password back as null only', async () => {
    const id = newUser();
    const before = String(tb.sim.state.users.get(id)?.props.lastPasswordChangeDateTime);
    const pw = 'Helpdesk!Reset-2026';
    const r = await c.resetPassword(id, pw, { mustChange: false });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(!JSON.stringify(r).includes(pw));
    assert.equal(tb.sim.state.checkPassword(id, pw), true);
    assert.equal(tb.sim.state.checkPassword(id, 'Initial!Passw0rd'), false);
    const got = await graphGet(`/users/${id}?$select=id,passwordProfile,lastPasswordChangeDateTime`);
    assert.equal(got.status, 200);
    assert.ok(!got.text.includes(pw), 'the password is never served');
    const body = JSON.parse(got.text) as { passwordProfile: unknown; lastPasswordChangeDateTime: string };
    assert.deepEqual(body.passwordProfile, { password: null, forceChangePasswordNextSignIn: false, forceChangePasswordNextSignInWithMfa: false });
    assert.ok(Date.parse(body.lastPasswordChangeDateTime) >= Date.parse(before));
    const st = await c.accountStatus(id);
    assert.deepEqual(st, { locked: false, enabled: true, passwordLastSet: new Date(body.lastPasswordChangeDateTime).toISOString(), mustChangePassword: false });

    assert.ok((await c.resetPassword(id, 'Helpdesk!Reset-2027', { mustChange: true })).ok);
    assert.equal((await c.accountStatus(id)).mustChangePassword, true);
    assert.equal((tb.sim.state.users.get(id)?.props.passwordProfile as { forceChangePasswordNextSignIn: boolean }).forceChangePasswordNextSignIn, true);
  });

  test('passwords Entra refuses: Graph answers 400 Request_BadRequest; the connector says PASSWORD_POLICY, never echoing them', async () => {
    const id = newUser();
    const policy = await c.passwordPolicy();
    assert.deepEqual(policy, { minLength: 8, maxLength: 256, complexity: true, rules: 'entra' });
    for (const weak of ['Ab1!', 'alllowercase1', 'Müller-Pass1', `Ab1!${'x'.repeat(253)}`]) {
      assert.equal(checkPassword(policy, weak).ok, false, `checkPassword refuses ${weak.slice(0, 20)}`);
      const r = await c.resetPassword(id, weak, { mustChange: false });
      assert.equal(r.ok ? 'ok' : r.error.code, 'PASSWORD_POLICY', weak.slice(0, 20));
      if (!r.ok) {
        assert.equal(r.error.transient, false);
        assert.ok(!r.error.message.includes(weak));
        assert.match(r.error.message, /does not comply with password complexity requirements/);
      }
    }
    assert.equal(tb.sim.state.checkPassword(id, 'Initial!Passw0rd'), true, 'nothing changed');
    // The blank is one of Entra's symbols.
    assert.ok((await c.resetPassword(id, 'with blank 9', { mustChange: false })).ok);
  });

  test('app-only resets need a directory role: without one Graph answers 403, ACCESS_DENIED, nothing changes', async () => {
    type Client = { clientId: string; clientSecret: string; roles?: string[]; directoryRoles?: string[] };
    const cases: [string, Client, string][] = [
      ['User.ReadWrite.All without a role', { ...CLIENT, directoryRoles: [] }, 'ACCESS_DENIED'],
      ['only User-PasswordProfile.ReadWrite.All with User Administrator', { ...CLIENT, roles: ['User.Read.All', 'User-PasswordProfile.ReadWrite.All'], directoryRoles: [DIRECTORY_ROLES.userAdministrator] }, 'ok'],
      ['User Administrator without a permission for it', { ...CLIENT, roles: ['User.Read.All'] }, 'ACCESS_DENIED'],
    ];
    for (const [label, client, expected] of cases) {
      const bed = await startEntraTestbed({ sim: { clients: [client] } });
      try {
        const id = newUser(true, bed);
        const r = await (bed.connector as typeof c).resetPassword(id, 'Helpdesk!Reset-2026', { mustChange: true });
        assert.equal(r.ok ? 'ok' : r.error.code, expected, label);
        assert.equal(bed.sim.state.checkPassword(id, 'Initial!Passw0rd'), expected !== 'ok', `${label}: the old password ${expected === 'ok' ? 'is replaced' : 'still works'}`);
      } finally {
        await bed.close();
      }
    }
  });

  test('status: disabled accounts are not enabled, never locked; unknown and malformed anchors are coded', async () => {
    const id = newUser(false);
    assert.deepEqual({ ...(await c.accountStatus(id)), passwordLastSet: 'x' }, { locked: false, enabled: false, passwordLastSet: 'x', mustChangePassword: true });
    const missing = '00000000-0000-4000-8000-000000000000';
    await assert.rejects(c.accountStatus(missing), { code: 'NOT_FOUND' });
    const r = await c.resetPassword(missing, 'Helpdesk!Reset-2026', { mustChange: false });
    assert.equal(r.ok ? 'ok' : r.error.code, 'NOT_FOUND');
    // An anchor goes into the URL path: anything but an object id is refused before a request is sent.
    const sent = tb.sim.stats.requests;
    const bad = await c.resetPassword('../groups', 'Helpdesk!Reset-2026', { mustChange: false });
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'INVALID_VALUE');
    await assert.rejects(c.accountStatus('x?$select=id'), { code: 'INVALID_VALUE' });
    assert.equal(tb.sim.stats.requests, sent);
  });
});
