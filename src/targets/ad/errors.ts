/**
 * Coded errors of the AD target and the mapping of LDAP result codes / AD extended errors onto them.
 * Messages name the operation and the person; they never contain passwords (unicodePwd is never echoed by AD,
 * and our own messages never include request values of secret attributes).
 */
import type { TargetError } from '../contract.js';

/** Error codes the AD target produces. */
export const AD_ERROR_CODES = [
  'CONFIG_INVALID', 'AD_PASSWORD_POLICY', 'AD_ENTRY_EXISTS', 'AD_IDENTIFIER_TAKEN', 'AD_NO_SUCH_OBJECT',
  'AD_INSUFFICIENT_RIGHTS', 'AD_UNAVAILABLE', 'AD_INVALID_ATTRIBUTE', 'AD_INVALID_VALUE', 'AD_INVALID_DN',
  'AD_INSECURE_TRANSPORT', 'AD_AUTH_FAILED', 'AD_UNMANAGED_GROUP', 'AD_GROUP_NOT_FOUND', 'AD_GROUP_AMBIGUOUS',
  'AD_MANAGER_UNRESOLVED', 'AD_MISSING_ATTRIBUTE', 'AD_HOME_DIRECTORY', 'AD_SCHEMA_NO_EXCHANGE', 'AD_NOT_FOUND', 'CORRELATION_AMBIGUOUS',
  'AD_CONSTRAINT', 'AD_UNWILLING', 'AD_ERROR', 'NOT_SUPPORTED',
  // the helpdesk capabilities' target-neutral codes (contract HELPDESK_ERROR_CODES)
  'PASSWORD_POLICY', 'NOT_FOUND', 'ACCESS_DENIED', 'INSECURE_TRANSPORT', 'INVALID_VALUE',
] as const;
/** One of {@link AD_ERROR_CODES}. */
export type AdErrorCode = (typeof AD_ERROR_CODES)[number];

/** A coded error thrown inside the AD target; `apply` turns it into a failed result. */
export class AdTargetError extends Error {
  override readonly name = 'AdTargetError';
  constructor(readonly code: AdErrorCode, message: string, readonly transient = false) {
    super(message);
  }
  /** As the contract's {@link TargetError}. */
  toTargetError(): TargetError {
    return { code: this.code, message: this.message, transient: this.transient };
  }
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

function prop(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** LDAP result code of an ldapts `ResultCodeError` (undefined for socket / other errors). */
export function ldapCode(e: unknown): number | undefined {
  const c = prop(e, 'code');
  return typeof c === 'number' ? c : undefined;
}

/** AD's extended error (the 8 hex digits at the start of the diagnostic message, e.g. `0000052D`). */
export function adDataCode(e: unknown): string | undefined {
  const m = e instanceof Error ? /^([0-9A-Fa-f]{8}):/.exec(e.message) : null;
  return m?.[1]?.toUpperCase();
}

/** True for errors meaning "the connection is gone / the server is not answering". */
export function isConnectionError(e: unknown): boolean {
  const code = prop(e, 'code');
  if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  return /Connection closed|Socket error|Socket connection not established|Connection timeout|Operation timed out|socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|TLS.*(disconnect|closed)/i.test(msg);
}

/** Trim server diagnostics to something readable; strip the ldapts ` Code: 0x..` suffix. */
function diagnostic(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return raw.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '').replace(/\s+/g, ' ').trim().slice(0, 400);
}

/**
 * Map an ldapts / socket error to a coded {@link AdTargetError}. `what` names the operation and person,
 * e.g. `create for person 1001 (jmueller)`.
 */
export function toAdError(e: unknown, what: string): AdTargetError {
  if (e instanceof AdTargetError) return e.message.startsWith(what) ? e : new AdTargetError(e.code, `${what}: ${e.message}`, e.transient);
  const msg = `${what}: ${diagnostic(e)}`;
  if (isConnectionError(e)) return new AdTargetError('AD_UNAVAILABLE', msg, true);
  const rc = ldapCode(e);
  const data = adDataCode(e);
  switch (rc) {
    case 19: // constraintViolation
      if (data === '0000052D') return new AdTargetError('AD_PASSWORD_POLICY', msg);
      return new AdTargetError('AD_CONSTRAINT', msg);
    case 68: return new AdTargetError('AD_ENTRY_EXISTS', msg);
    case 32: return new AdTargetError('AD_NO_SUCH_OBJECT', msg);
    case 50: return new AdTargetError('AD_INSUFFICIENT_RIGHTS', msg);
    case 49: return new AdTargetError('AD_AUTH_FAILED', msg);
    case 8: case 13: return new AdTargetError('AD_INSECURE_TRANSPORT', msg);
    case 16: case 17: return new AdTargetError('AD_INVALID_ATTRIBUTE', msg);
    case 21: case 20: return new AdTargetError('AD_INVALID_VALUE', msg);
    case 34: case 64: return new AdTargetError('AD_INVALID_DN', msg);
    case 51: case 52: return new AdTargetError('AD_UNAVAILABLE', msg, true); // busy / unavailable
    case 3: return new AdTargetError('AD_UNAVAILABLE', msg, true); // timeLimitExceeded
    case 53:
      // 0000001F … WILL_NOT_PERFORM on unicodePwd over an unencrypted connection
      if (data === '0000001F' && /unicodePwd|5003/i.test(msg)) return new AdTargetError('AD_INSECURE_TRANSPORT', msg);
      if (data === '0000052D') return new AdTargetError('AD_PASSWORD_POLICY', msg);
      return new AdTargetError('AD_UNWILLING', msg);
    default:
      return new AdTargetError('AD_ERROR', msg);
  }
}
