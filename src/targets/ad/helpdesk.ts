/**
 * The AD helpdesk capabilities: password reset (`unicodePwd` replace, `pwdLastSet` 0 / -1), unlock (`lockoutTime`
 * = 0), the account's lock and password status, and the password policy (the domain's, or the account's
 * fine-grained policy). Only accounts inside the managed base DN are touched: an anchor elsewhere (a domain admin)
 * is "not found" here, whatever the caller checked before.
 *
 * Samba 4.17, as tested: it computes `msDS-User-Account-Control-Computed` (UF_LOCKOUT 0x10 while a lockout lasts,
 * UF_PASSWORD_EXPIRED 0x800000 with `pwdLastSet` 0) and `msDS-ResultantPSO`; it enforces length, complexity and
 * history but not the "no account name or display-name token" rule that Windows DCs add; and it refuses an LDAP
 * simple bind of a user who must change the password (data 773), the right password included.
 */
import type { Entry } from 'ldapts';
import type { PasswordPolicy } from '../../core/password-policy.js';
import type { AccountStatus, OperationResult, ResetPasswordOptions, TargetConnector } from '../contract.js';
import { values } from './client.js';
import { AdTargetError, toAdError } from './errors.js';
import type { AdErrorCode } from './errors.js';
import { unicodePwd } from './password.js';
import type { AdRuntime } from './runtime.js';
import { first, inScope } from './runtime.js';
import { fromFiletime, guidDn, isGuid, UAC_ACCOUNTDISABLE } from './values.js';

/** msDS-User-Account-Control-Computed: locked out now. */
export const UF_LOCKOUT = 0x10;
/** msDS-User-Account-Control-Computed: the password has expired (or must be changed). */
export const UF_PASSWORD_EXPIRED = 0x800000;
/** userAccountControl DONT_EXPIRE_PASSWORD: `pwdLastSet` 0 forces no change then. */
const UF_DONT_EXPIRE_PASSWD = 0x10000;
/** pwdProperties DOMAIN_PASSWORD_COMPLEX. */
const DOMAIN_PASSWORD_COMPLEX = 0x1;

const STATUS_ATTRS = ['objectClass', 'userAccountControl', 'lockoutTime', 'pwdLastSet', 'msDS-User-Account-Control-Computed', 'msDS-ResultantPSO', 'sAMAccountName'];

/** The AD codes the helpdesk reports under the contract's target-neutral names. */
const NEUTRAL: Partial<Record<AdErrorCode, AdErrorCode>> = {
  AD_PASSWORD_POLICY: 'PASSWORD_POLICY', AD_NO_SUCH_OBJECT: 'NOT_FOUND', AD_NOT_FOUND: 'NOT_FOUND',
  AD_INSUFFICIENT_RIGHTS: 'ACCESS_DENIED', AD_INSECURE_TRANSPORT: 'INSECURE_TRANSPORT', AD_INVALID_DN: 'INVALID_VALUE',
};

/** Never let the secret through, even if a server were to echo a value. */
function scrub(s: string, secret: string | undefined): string {
  return secret !== undefined && secret.length > 0 ? s.split(secret).join('***') : s;
}

function neutral(e: unknown, what: string, secret?: string): AdTargetError {
  const err = toAdError(e, what);
  return new AdTargetError(NEUTRAL[err.code] ?? err.code, scrub(err.message, secret), err.transient);
}

const failed = (e: unknown, what: string, secret?: string): OperationResult => ({ ok: false, error: neutral(e, what, secret).toTargetError() });

/** Signed 64-bit interval (100 ns, negative in AD) → milliseconds; undefined for "forever" / unset. */
function intervalMs(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  const n = BigInt(v);
  if (n === 0n || n === -(2n ** 63n)) return undefined;
  return Number((n < 0n ? -n : n) / 10_000n);
}

/** The managed account with this anchor, or a NOT_FOUND error. */
async function account(rt: AdRuntime, anchor: string, attrs: readonly string[]): Promise<Entry> {
  if (!isGuid(anchor)) throw new AdTargetError('INVALID_VALUE', `anchor "${anchor}" is not an objectGUID`);
  const entry = await rt.ldap.read(guidDn(anchor), attrs);
  const classes = entry ? values(entry, 'objectClass').map((c) => c.toLowerCase()) : [];
  if (entry === undefined || !classes.includes('user') || classes.includes('computer')) {
    throw new AdTargetError('NOT_FOUND', `no user account ${anchor} in ${rt.name}`);
  }
  if (!inScope(rt, entry.dn)) throw new AdTargetError('NOT_FOUND', `account ${entry.dn} is outside the managed base DN ${rt.opts.baseDN}`);
  return entry;
}

interface Settings extends PasswordPolicy {
  readonly lockoutDurationMs?: number;
}

/** The domain's password and lockout settings (the domain object). */
async function domainSettings(rt: AdRuntime): Promise<Settings> {
  const d = await rt.ldap.read(rt.domainRoot, ['minPwdLength', 'pwdProperties', 'pwdHistoryLength', 'lockoutDuration']);
  if (d === undefined) throw new AdTargetError('AD_ERROR', `cannot read the domain object ${rt.domainRoot}`);
  const duration = intervalMs(first(d, 'lockoutDuration'));
  return {
    minLength: Number(first(d, 'minPwdLength') ?? '0'),
    complexity: (Number(first(d, 'pwdProperties') ?? '0') & DOMAIN_PASSWORD_COMPLEX) !== 0,
    historyLength: Number(first(d, 'pwdHistoryLength') ?? '0'),
    maxLength: 256,
    ...(duration !== undefined ? { lockoutDurationMs: duration } : {}),
  };
}

/**
 * The settings that apply to an account: its resultant fine-grained policy (PSO) when it has one and the service
 * account may read it (by default only Domain Admins may), else the domain's.
 */
async function settingsFor(rt: AdRuntime, entry: Entry | undefined): Promise<Settings> {
  const pso = entry ? first(entry, 'msDS-ResultantPSO') : undefined;
  if (pso !== undefined && pso !== '') {
    const p = await rt.ldap.read(pso, ['msDS-MinimumPasswordLength', 'msDS-PasswordComplexityEnabled', 'msDS-PasswordHistoryLength', 'msDS-LockoutDuration']).catch(() => undefined);
    const min = p ? first(p, 'msDS-MinimumPasswordLength') : undefined;
    if (p !== undefined && min !== undefined) {
      const duration = intervalMs(first(p, 'msDS-LockoutDuration'));
      return {
        minLength: Number(min),
        complexity: (first(p, 'msDS-PasswordComplexityEnabled') ?? 'TRUE').toUpperCase() === 'TRUE',
        historyLength: Number(first(p, 'msDS-PasswordHistoryLength') ?? '0'),
        maxLength: 256,
        ...(duration !== undefined ? { lockoutDurationMs: duration } : {}),
      };
    }
    rt.log.debug({ target: rt.name, pso }, 'the fine-grained password policy is not readable; using the domain policy');
  }
  return domainSettings(rt);
}

/** The helpdesk methods of one AD target. */
export function adHelpdesk(rt: AdRuntime): Required<Pick<TargetConnector, 'resetPassword' | 'unlock' | 'accountStatus' | 'passwordPolicy'>> {
  return {
    async resetPassword(anchor: string, password: string, opts: ResetPasswordOptions): Promise<OperationResult> {
      const what = `reset password of ${anchor} in ${rt.name}`;
      try {
        if (password === '') throw new AdTargetError('INVALID_VALUE', 'empty password');
        if (!rt.ldap.secure) throw new AdTargetError('INSECURE_TRANSPORT', 'refusing to send a password over an unencrypted connection (use ldaps:// or startTls)');
        const entry = await account(rt, anchor, ['objectClass']);
        // One modify: the new password and the must-change flag land together or not at all. pwdLastSet accepts
        // only 0 (must change) and -1 (now: clears a forced change).
        await rt.ldap.modify(guidDn(anchor), [
          { operation: 'replace', attribute: 'unicodePwd', values: [unicodePwd(password)] },
          { operation: 'replace', attribute: 'pwdLastSet', values: [opts.mustChange ? '0' : '-1'] },
        ]);
        return { ok: true, anchor, note: `password reset for ${entry.dn}${opts.mustChange ? '; must change at next logon' : ''}` };
      } catch (e) {
        return failed(e, what, password);
      }
    },

    async unlock(anchor: string): Promise<OperationResult> {
      const what = `unlock ${anchor} in ${rt.name}`;
      try {
        const entry = await account(rt, anchor, ['objectClass', 'lockoutTime']);
        const lockoutTime = first(entry, 'lockoutTime');
        if (lockoutTime === undefined || lockoutTime === '0') return { ok: true, anchor, note: 'not locked' };
        // 0 is the only value AD accepts here; it also resets badPwdCount.
        await rt.ldap.modify(guidDn(anchor), [{ operation: 'replace', attribute: 'lockoutTime', values: ['0'] }]);
        return { ok: true, anchor, note: `unlocked ${entry.dn}` };
      } catch (e) {
        return failed(e, what);
      }
    },

    async accountStatus(anchor: string): Promise<AccountStatus> {
      try {
        const entry = await account(rt, anchor, STATUS_ATTRS);
        const uac = Number(first(entry, 'userAccountControl') ?? '0');
        const computedRaw = first(entry, 'msDS-User-Account-Control-Computed');
        const computed = computedRaw === undefined ? undefined : Number(computedRaw);
        const lockoutTime = fromFiletime(first(entry, 'lockoutTime'));
        const pwdLastSetRaw = first(entry, 'pwdLastSet');
        let locked = computed !== undefined ? (computed & UF_LOCKOUT) !== 0 : lockoutTime !== undefined;
        let lockedUntil: string | undefined;
        if (lockoutTime !== undefined) {
          const duration = (await settingsFor(rt, entry)).lockoutDurationMs;
          if (duration !== undefined) {
            const until = lockoutTime.getTime() + duration;
            // Without the computed attribute (old DCs), a lockout older than the duration is over.
            if (computed === undefined) locked = until > Date.now();
            if (locked) lockedUntil = new Date(until).toISOString();
          }
        }
        const passwordLastSet = fromFiletime(pwdLastSetRaw);
        const mustChange = (pwdLastSetRaw === '0' && (uac & UF_DONT_EXPIRE_PASSWD) === 0) || (computed !== undefined && (computed & UF_PASSWORD_EXPIRED) !== 0);
        return {
          locked,
          enabled: (uac & UAC_ACCOUNTDISABLE) === 0,
          ...(lockedUntil !== undefined ? { lockedUntil } : {}),
          ...(passwordLastSet !== undefined ? { passwordLastSet: passwordLastSet.toISOString() } : {}),
          mustChangePassword: mustChange,
        };
      } catch (e) {
        throw neutral(e, `status of ${anchor} in ${rt.name}`);
      }
    },

    async passwordPolicy(anchor?: string): Promise<PasswordPolicy> {
      try {
        const entry = anchor === undefined ? undefined : await account(rt, anchor, ['objectClass', 'msDS-ResultantPSO']);
        const s = await settingsFor(rt, entry);
        return { minLength: s.minLength, complexity: s.complexity, ...(s.historyLength !== undefined ? { historyLength: s.historyLength } : {}), ...(s.maxLength !== undefined ? { maxLength: s.maxLength } : {}) };
      } catch (e) {
        throw neutral(e, `password policy of ${rt.name}`);
      }
    },
  };
}
