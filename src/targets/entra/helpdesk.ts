/**
 * The Entra helpdesk capabilities: password reset (PATCH /users/{id} with `passwordProfile { password,
 * forceChangePasswordNextSignIn }`, the documented way to reset another user's password), the account status
 * (Entra has no lockout an app can read or clear: Smart Lockout is not exposed in Graph, so `locked` is always
 * false and there is no `unlock`), and Microsoft's documented default password policy.
 */
import { ENTRA_PASSWORD_POLICY } from '../../core/password-policy.js';
import type { PasswordPolicy } from '../../core/password-policy.js';
import type { AccountStatus, OperationResult, ResetPasswordOptions, TargetConnector } from '../contract.js';
import { EntraError, mapGraphError } from './errors.js';
import type { EntraSession } from './session.js';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Graph's 400 for a password the policy refuses ("… does not comply with password complexity requirements …"). */
const POLICY_MESSAGE = /password complexity|password.*(policy|requirements)|PasswordViolatesPolicy/i;

/** The Entra codes the helpdesk reports under the contract's target-neutral names. */
function neutral(e: EntraError, secret?: string): EntraError {
  const message = secret !== undefined && secret !== '' ? e.message.split(secret).join('***') : e.message;
  const code = e.code === 'ENTRA_NOT_FOUND' ? 'NOT_FOUND'
    : e.code === 'ENTRA_FORBIDDEN' ? 'ACCESS_DENIED'
      : e.code === 'ENTRA_INVALID' && POLICY_MESSAGE.test(message) ? 'PASSWORD_POLICY'
        : e.code;
  return new EntraError(code, message, e.transient, e.retryAfter);
}

function checkAnchor(anchor: string): void {
  // The anchor goes into a URL path: only an object id, never `..` or a query.
  if (!OBJECT_ID.test(anchor)) throw new EntraError('INVALID_VALUE', `anchor "${anchor}" is not an Entra object id`);
}

/** The helpdesk methods of one Entra target (no `unlock`: there is nothing to unlock through Graph). */
export function entraHelpdesk(s: EntraSession): Required<Pick<TargetConnector, 'resetPassword' | 'accountStatus' | 'passwordPolicy'>> {
  return {
    async resetPassword(anchor: string, password: string, opts: ResetPasswordOptions): Promise<OperationResult> {
      const what = `reset password of user ${anchor} in ${s.name}`;
      try {
        checkAnchor(anchor);
        if (password === '') throw new EntraError('INVALID_VALUE', `${what}: empty password`);
        const res = await s.call('PATCH', `/users/${anchor}`, { passwordProfile: { password, forceChangePasswordNextSignIn: opts.mustChange } });
        if (res.status !== 204) throw mapGraphError(res, what);
        return { ok: true, anchor, note: opts.mustChange ? 'password reset; must change at next sign-in' : 'password reset' };
      } catch (e) {
        if (e instanceof EntraError) return { ok: false, error: neutral(e, password).toTargetError() };
        const msg = (e instanceof Error ? e.message : String(e)).split(password).join('***');
        return { ok: false, error: { code: 'ENTRA_ERROR', message: `${what}: ${msg}`, transient: /fetch failed|ECONN|ETIMEDOUT|aborted|timeout/i.test(msg) } };
      }
    },

    async accountStatus(anchor: string): Promise<AccountStatus> {
      const what = `status of user ${anchor} in ${s.name}`;
      try {
        checkAnchor(anchor);
        const res = await s.call('GET', `/users/${anchor}?$select=id,accountEnabled,lastPasswordChangeDateTime,passwordProfile`);
        if (res.status !== 200) throw mapGraphError(res, what);
        const u = res.body as { accountEnabled?: unknown; lastPasswordChangeDateTime?: unknown; passwordProfile?: { forceChangePasswordNextSignIn?: unknown } | null };
        const force = u.passwordProfile?.forceChangePasswordNextSignIn;
        return {
          locked: false,
          enabled: u.accountEnabled === true,
          ...(typeof u.lastPasswordChangeDateTime === 'string' ? { passwordLastSet: new Date(u.lastPasswordChangeDateTime).toISOString() } : {}),
          ...(typeof force === 'boolean' ? { mustChangePassword: force } : {}),
        };
      } catch (e) {
        throw e instanceof EntraError ? neutral(e) : e;
      }
    },

    async passwordPolicy(): Promise<PasswordPolicy> {
      // Graph has no API for it; these are the documented cloud-only defaults (8–256, 3 of 4 classes).
      return ENTRA_PASSWORD_POLICY;
    },
  };
}
