/**
 * The conformance suite's helpdesk tests (resetPassword, unlock, accountStatus, passwordPolicy), registered by
 * {@link runConformanceSuite} for the capabilities the harness declares in `opts.helpdesk`; one test checks that
 * the connector has exactly the declared ones, so a capability can neither go untested nor vanish unnoticed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { checkPassword } from '../../core/password-policy.js';
import { generatePassword } from '../../util/password.js';
import type { AccountStatus, OperationResult, TargetConnector } from '../contract.js';
import { assertCodedFailure, assertOk } from './assertions.js';
import { applySafely, makeCtx, makeOp } from './helpers.js';
import type { SuiteScope } from './suite-reads.js';
import { HELPDESK_CAPABILITIES } from './types.js';
import type { ConformanceHarness, HelpdeskCapability } from './types.js';

type Connector = TargetConnector & Required<Pick<TargetConnector, HelpdeskCapability>>;

const has = (c: TargetConnector, cap: HelpdeskCapability): boolean => typeof c[cap] === 'function';

/** The result never carries the password: not in the note, the state or the error. */
function assertNoSecret(r: OperationResult | AccountStatus, password: string, what: string): void {
  assert.ok(!JSON.stringify(r).includes(password), `${what}: the password must not appear in the result`);
}

/** Register the helpdesk conformance tests. */
export function registerHelpdeskTests(scope: SuiteScope): void {
  const declared = new Set(scope.opts.helpdesk ?? []);
  const { create, mustInspect } = scope;
  const connector = (): Connector => scope.harness().connector as Connector;
  const strong = (h: ConformanceHarness, i: number): string => h.strongPassword?.(i) ?? generatePassword(16);
  const missing = (h: ConformanceHarness): string => h.missingAnchor ?? randomUUID();
  const mustVerify = (h: ConformanceHarness): NonNullable<ConformanceHarness['verifyPassword']> => {
    assert.ok(h.verifyPassword, 'harness: give verifyPassword (a sign-in outside the connector) to test password resets');
    return h.verifyPassword.bind(h);
  };

  test(`helpdesk capabilities: the connector has exactly the declared ones (${[...declared].join(', ') || 'none'})`, () => {
    const c = scope.harness().connector;
    for (const cap of HELPDESK_CAPABILITIES) assert.equal(has(c, cap), declared.has(cap), `${cap} ${declared.has(cap) ? 'is declared but missing' : 'exists but is not declared (so untested)'}`);
  });

  if (declared.has('resetPassword')) {
    test('resetPassword: the backend accepts the new password; mustChange is set and cleared; nothing echoes it', async () => {
      const h = scope.harness();
      const c = connector();
      const verify = mustVerify(h);
      const s = h.sample(30);
      const anchor = await create(s);
      const pw1 = strong(h, 30);
      const r1 = await c.resetPassword(anchor, pw1, { mustChange: false });
      assertOk(r1, 'reset without mustChange');
      assertNoSecret(r1, pw1, 'reset');
      assert.equal(await verify(anchor, pw1), true, 'sign-in with the new password works');
      if ((await h.inspect(anchor))?.mustChangePassword !== undefined) assert.equal((await mustInspect(anchor)).mustChangePassword, false);
      if (has(c, 'accountStatus')) {
        const st = await c.accountStatus(anchor);
        assert.equal(st.mustChangePassword, false, 'status: no change forced');
        assert.ok(st.passwordLastSet !== undefined && !Number.isNaN(Date.parse(st.passwordLastSet)), `status: passwordLastSet ${st.passwordLastSet}`);
        assertNoSecret(st, pw1, 'status');
      }

      const pw2 = strong(h, 31);
      assertOk(await c.resetPassword(anchor, pw2, { mustChange: true }), 'reset with mustChange');
      assert.equal(await verify(anchor, pw1), false, 'the old password no longer works');
      if ((await h.inspect(anchor))?.mustChangePassword !== undefined) assert.equal((await mustInspect(anchor)).mustChangePassword, true);
      if (has(c, 'accountStatus')) assert.equal((await c.accountStatus(anchor)).mustChangePassword, true, 'status: change forced');

      // A reset without mustChange clears a change forced before.
      const pw3 = strong(h, 32);
      assertOk(await c.resetPassword(anchor, pw3, { mustChange: false }), 'reset clearing mustChange');
      if ((await h.inspect(anchor))?.mustChangePassword !== undefined) assert.equal((await mustInspect(anchor)).mustChangePassword, false);
      if (has(c, 'accountStatus')) assert.equal((await c.accountStatus(anchor)).mustChangePassword, false, 'status: cleared');
      assert.equal(await verify(anchor, pw3), true, 'sign-in with the latest password works');
    });

    test('resetPassword: a weak password is PASSWORD_POLICY (not transient, not echoed, nothing changed); a missing account NOT_FOUND', async () => {
      const h = scope.harness();
      const c = connector();
      const verify = mustVerify(h);
      const s = h.sample(31);
      const anchor = await create(s);
      const pw = strong(h, 33);
      assertOk(await c.resetPassword(anchor, pw, { mustChange: false }), 'reset');
      const weak = h.weakPassword ?? 'short1';
      const r = await c.resetPassword(anchor, weak, { mustChange: true });
      assertCodedFailure(r, 'reset to a weak password');
      if (!r.ok) assert.equal(r.error.code, 'PASSWORD_POLICY', `weak password: ${r.error.code}: ${r.error.message}`);
      assertNoSecret(r, weak, 'weak reset');
      assert.equal(await verify(anchor, pw), true, 'the refused reset changed nothing');

      const gone = await c.resetPassword(missing(h), pw, { mustChange: false });
      assertCodedFailure(gone, 'reset of a missing account');
      if (!gone.ok) assert.equal(gone.error.code, 'NOT_FOUND', `missing account: ${gone.error.code}: ${gone.error.message}`);
      assertNoSecret(gone, pw, 'missing reset');
    });
  }

  if (declared.has('unlock')) {
    test('unlock: a locked-out account can sign in again; status follows; unlocking twice is fine; a missing account NOT_FOUND', async () => {
      const h = scope.harness();
      const c = connector();
      const verify = mustVerify(h);
      assert.ok(h.lockOut, 'harness: give lockOut to test unlock');
      assert.ok(has(c, 'resetPassword'), 'unlock is tested with a known password: the connector needs resetPassword too');
      const s = h.sample(33);
      const anchor = await create(s);
      const pw = strong(h, 34);
      assertOk(await c.resetPassword(anchor, pw, { mustChange: false }), 'reset');
      await h.lockOut(anchor);
      assert.equal(await verify(anchor, pw), false, 'locked out: even the right password is refused');
      if (has(c, 'accountStatus')) assert.equal((await c.accountStatus(anchor)).locked, true, 'status: locked');
      const r = await c.unlock(anchor);
      assertOk(r, 'unlock');
      if (has(c, 'accountStatus')) assert.equal((await c.accountStatus(anchor)).locked, false, 'status: unlocked');
      assert.equal(await verify(anchor, pw), true, 'sign-in works again');
      assertOk(await c.unlock(anchor), 'unlock of an account that is not locked');
      const gone = await c.unlock(missing(h));
      assertCodedFailure(gone, 'unlock of a missing account');
      if (!gone.ok) assert.equal(gone.error.code, 'NOT_FOUND', `missing account: ${gone.error.code}: ${gone.error.message}`);
    });
  }

  if (declared.has('accountStatus')) {
    test('accountStatus: enabled and not locked after create, disabled after disable; a missing account is a coded error', async () => {
      const h = scope.harness();
      const c = connector();
      const s = h.sample(34);
      const anchor = await create(s);
      const st = await c.accountStatus(anchor);
      assert.equal(st.enabled, true);
      assert.equal(st.locked, false);
      if (c.capabilities.supportsEnable) {
        assertOk(await applySafely(c, makeOp(c.name, 'disable', s.personId, { anchor }), makeCtx()), 'disable');
        const after = await c.accountStatus(anchor);
        assert.equal(after.enabled, false, 'status after disable');
        assert.equal(after.locked, false, 'disabled is not locked');
      }
      await assert.rejects(c.accountStatus(missing(h)), (e: unknown) => {
        assert.equal((e as { code?: unknown }).code, 'NOT_FOUND', `missing account: ${String(e)}`);
        return true;
      });
    });
  }

  if (declared.has('passwordPolicy')) {
    test('passwordPolicy: a sane description that agrees with the harness passwords', async () => {
      const h = scope.harness();
      const c = connector();
      const policy = await c.passwordPolicy();
      assert.ok(Number.isInteger(policy.minLength) && policy.minLength >= 0, `minLength ${policy.minLength}`);
      assert.equal(typeof policy.complexity, 'boolean');
      if (policy.historyLength !== undefined) assert.ok(Number.isInteger(policy.historyLength) && policy.historyLength >= 0);
      const s = h.sample(35);
      const account = {
        ...(typeof s.attributes['sAMAccountName'] === 'string' ? { sAMAccountName: s.attributes['sAMAccountName'] } : {}),
        ...(typeof s.attributes['displayName'] === 'string' ? { displayName: s.attributes['displayName'] } : {}),
      };
      assert.deepEqual(checkPassword(policy, strong(h, 35), account).problems, [], 'the strong password meets the policy');
      assert.equal(checkPassword(policy, h.weakPassword ?? 'short1', account).ok, false, 'the weak password does not');
      const anchor = await create(s);
      const forAccount = await c.passwordPolicy(anchor);
      assert.ok(Number.isInteger(forAccount.minLength) && typeof forAccount.complexity === 'boolean', 'the policy for one account');
    });
  }
}
