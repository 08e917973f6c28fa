/**
 * AD value conversions: objectGUID ⇄ string, FILETIME (accountExpires) ⇄ date, userAccountControl flags.
 */

import { accountExpiresFiletime } from '../../core/rules/filetime.js';

/** userAccountControl ACCOUNTDISABLE. */
export const UAC_ACCOUNTDISABLE = 0x2;
/** userAccountControl NORMAL_ACCOUNT (512). */
export const UAC_NORMAL_ACCOUNT = 0x200;
/** accountExpires "never" as AD writes it for new accounts. */
export const NEVER_EXPIRES = '9223372036854775807';

/**
 * objectGUID bytes → canonical lowercase GUID string. The first three fields are little-endian on the wire
 * (Microsoft GUID layout), the last two are big-endian byte strings.
 */
export function guidToString(buf: Buffer): string {
  if (buf.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${buf.length}`);
  const h = buf.toString('hex');
  const rev = (s: string): string => (s.match(/../g) ?? []).reverse().join('');
  return `${rev(h.slice(0, 8))}-${rev(h.slice(8, 12))}-${rev(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a GUID in canonical form. */
export function isGuid(s: string): boolean {
  return GUID_RE.test(s);
}

/** GUID string → objectGUID bytes (inverse of {@link guidToString}). */
export function guidToBuffer(guid: string): Buffer {
  if (!isGuid(guid)) throw new Error('not a GUID');
  const h = guid.replace(/-/g, '').toLowerCase();
  const rev = (s: string): string => (s.match(/../g) ?? []).reverse().join('');
  return Buffer.from(rev(h.slice(0, 8)) + rev(h.slice(8, 12)) + rev(h.slice(12, 16)) + h.slice(16), 'hex');
}

/** The `<GUID=…>` DN form AD accepts wherever a DN is expected. */
export function guidDn(guid: string): string {
  if (!isGuid(guid)) throw new Error(`anchor "${guid}" is not an objectGUID`);
  return `<GUID=${guid.toLowerCase()}>`;
}

const EPOCH_DIFF_MS = 11_644_473_600_000n; // 1601-01-01 → 1970-01-01

/** Milliseconds since the Unix epoch → FILETIME string (100-ns intervals since 1601-01-01 UTC). */
export function toFiletime(ms: number): string {
  return ((BigInt(Math.trunc(ms)) + EPOCH_DIFF_MS) * 10_000n).toString();
}

/** FILETIME string → Date, or undefined for "never" (0 / 0x7FFFFFFFFFFFFFFF) and junk. */
export function fromFiletime(ft: string | undefined): Date | undefined {
  if (ft === undefined || !/^\d+$/.test(ft)) return undefined;
  const v = BigInt(ft);
  if (v === 0n || v.toString() === NEVER_EXPIRES) return undefined;
  return new Date(Number(v / 10_000n - EPOCH_DIFF_MS));
}

/**
 * accountExpires for an end date `YYYY-MM-DD`: the account expires at the END of that day in `timeZone` (the
 * following local midnight). `null`/'' → never ('0', as AD writes when an expiry is cleared).
 */
export function accountExpiresFor(endDate: string | null | undefined, timeZone = 'UTC'): string {
  if (endDate === null || endDate === undefined || endDate === '') return '0';
  if (!/^\d{4}-\d{2}-\d{2}/.test(endDate)) throw new Error(`endDate "${endDate}" is not YYYY-MM-DD`);
  return accountExpiresFiletime(endDate, timeZone);
}
