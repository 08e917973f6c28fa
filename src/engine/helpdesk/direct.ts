/**
 * Helpdesk actions that are one connector call: reset a password and unlock an account. They change nothing the
 * planner decides, so they need no plan and no run lease; they are audited by the caller's {@link audited} wrapper.
 */
import { checkPassword, type PasswordProblem } from '../../core/password-policy.js';
import type { AccountState } from '../../core/model.js';
import type { OperationResult, TargetConnector } from '../../targets/contract.js';
import { generatePassword, scrubSecret } from '../../util/password.js';
import type { Engine } from '../engine.js';
import type { AuditFacts } from './audit.js';
import { checkCall, refuse } from './check.js';
import { HelpdeskError, type FormCall, type ResetPasswordCall, type ResetPasswordResult } from './types.js';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A failed connector result as a helpdesk error (a policy refusal is the helpdesk's to fix: refused). */
export function resultError(target: string, r: OperationResult, sent?: string): HelpdeskError | undefined {
  if (r.ok) return undefined;
  const policy = r.error.code === 'PASSWORD_POLICY';
  // A service may quote the rejected request (password included): the message goes to the audit and the screen.
  return new HelpdeskError(policy ? 'HELPDESK_PASSWORD_POLICY' : `HELPDESK_TARGET_${r.error.code}`, `${target}: ${scrubSecret(r.error.message, sent)}`, policy, { targetCode: r.error.code });
}

function connectorOf(engine: Engine, target: string): TargetConnector {
  const c = engine.targets.get(target);
  if (!c) throw refuse('HELPDESK_TARGET_NOT_IN_FORM', `target ${target} is not open`);
  return c;
}

const describeProblem = (p: PasswordProblem): string => {
  switch (p.code) {
    case 'TOO_SHORT': return `at least ${p.minLength} characters`;
    case 'TOO_LONG': return `at most ${p.maxLength} characters`;
    case 'NOT_COMPLEX': return `characters of ${p.required} kinds (upper case, lower case, digits, symbols), not ${p.categories}`;
    case 'INVALID_CHARACTER': return 'only letters, digits and the allowed symbols';
    case 'CONTAINS_ACCOUNT_NAME': return 'not the account name';
    case 'CONTAINS_NAME_PART': return 'no part of the display name';
  }
};

/** Reset a password: generated or typed (checked against the account's policy first); returned once, never kept. */
export async function resetPasswordAction(engine: Engine, call: ResetPasswordCall): Promise<{ result: ResetPasswordResult; facts: AuditFacts }> {
  const checked = await checkCall(engine, call, 'resetPassword');
  const account = checked.accounts[0] as AccountState;
  const target = account.target;
  const c = connectorOf(engine, target);
  const pw = checked.form.password;
  const typed = call.password;
  if (typed !== undefined && !pw.allowTyped) throw refuse('HELPDESK_TYPED_NOT_ALLOWED', `form ${checked.form.id} only sets generated passwords`);
  if (typed === undefined && !pw.generate) throw refuse('HELPDESK_PASSWORD_REQUIRED', `form ${checked.form.id} needs a typed password`);
  if (typed !== undefined && typeof typed !== 'string') throw refuse('HELPDESK_PASSWORD_REQUIRED', 'the password must be text');
  if (pw.mustChange !== 'ask' && call.mustChange !== undefined && call.mustChange !== pw.mustChange) {
    throw refuse('HELPDESK_MUST_CHANGE_FIXED', `form ${checked.form.id} always sets must-change to ${String(pw.mustChange)}`);
  }
  const mustChange = pw.mustChange === 'ask' ? call.mustChange ?? true : pw.mustChange;
  if (typed !== undefined) {
    const policy = c.passwordPolicy ? await c.passwordPolicy(account.anchor) : undefined;
    if (policy) {
      const check = checkPassword(policy, typed, {
        ...(text(account.attributes['sAMAccountName']) !== undefined ? { sAMAccountName: text(account.attributes['sAMAccountName']) as string } : {}),
        ...(text(account.attributes['displayName']) !== undefined ? { displayName: text(account.attributes['displayName']) as string } : {}),
      });
      if (!check.ok) {
        throw new HelpdeskError('HELPDESK_PASSWORD_POLICY', `the password does not meet ${target}'s policy: it needs ${check.problems.map(describeProblem).join('; ')}`, true, { problems: check.problems.map((p) => p.code) });
      }
    }
  }
  const password = typed ?? generatePassword(pw.length);
  let r: OperationResult;
  try {
    r = await (c.resetPassword as NonNullable<TargetConnector['resetPassword']>)(account.anchor, password, { mustChange });
  } catch (e) {
    // Same error (its code decides the audit row), minus the password should the message quote the request.
    if (e instanceof Error) {
      e.message = scrubSecret(e.message, password);
      if (e.stack !== undefined) e.stack = scrubSecret(e.stack, password);
      throw e;
    }
    throw new HelpdeskError('HELPDESK_FAILED', `${target}: ${scrubSecret(String(e), password)}`, false);
  }
  const err = resultError(target, r, password);
  if (err) throw err;
  return {
    result: { target, anchor: account.anchor, password, generated: typed === undefined, mustChange },
    facts: { target, anchor: account.anchor, details: { generated: typed === undefined, mustChange } },
  };
}

/** Unlock a locked-out account. */
export async function unlockAction(engine: Engine, call: FormCall): Promise<{ result: { target: string; anchor: string; wasLocked?: boolean }; facts: AuditFacts }> {
  const checked = await checkCall(engine, call, 'unlock');
  const account = checked.accounts[0] as AccountState;
  const target = account.target;
  const c = connectorOf(engine, target);
  let wasLocked: boolean | undefined;
  if (c.accountStatus) {
    try {
      wasLocked = (await c.accountStatus(account.anchor)).locked;
    } catch {
      wasLocked = undefined; // the unlock itself reports a real problem
    }
  }
  const r = await (c.unlock as NonNullable<TargetConnector['unlock']>)(account.anchor);
  const err = resultError(target, r);
  if (err) throw err;
  return {
    result: { target, anchor: account.anchor, ...(wasLocked !== undefined ? { wasLocked } : {}) },
    facts: { target, anchor: account.anchor, ...(wasLocked !== undefined ? { before: { locked: wasLocked }, after: { locked: false } } : {}) },
  };
}
