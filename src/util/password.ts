/**
 * The one generator of initial passwords (every target, and the joiner mail). They satisfy the AD and Entra
 * complexity policies: at least one upper-case letter, lower-case letter, digit and symbol, drawn with
 * `crypto.randomInt` (uniform, CSPRNG). Look-alike characters are left out so a password read out over the
 * phone survives.
 */
import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGIT = '23456789';
const SYMBOL = '!#$%&*+-=?@_';
const ALL = UPPER + LOWER + DIGIT + SYMBOL;

const pick = (set: string): string => set[randomInt(set.length)] as string;

/** A random password of `length` (≥ 8) characters with every character class present. */
export function generatePassword(length = 16): string {
  if (!Number.isInteger(length) || length < 8) throw new RangeError('password length must be an integer ≥ 8');
  const chars = [pick(UPPER), pick(LOWER), pick(DIGIT), pick(SYMBOL)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher–Yates so the guaranteed classes are not always in front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/** Whether a password meets the complexity rules {@link generatePassword} guarantees. */
export function isComplex(pw: string, minLength = 8): boolean {
  return pw.length >= minLength && /[A-Z]/.test(pw) && /[a-z]/.test(pw) && /[0-9]/.test(pw) && /[^A-Za-z0-9]/.test(pw);
}

/**
 * `text` with every occurrence of `secret` (as sent, and JSON- or URL-encoded, as a service may echo a request
 * body or query) replaced by `[redacted]`. For messages that come back from a target after a password was sent.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === '' || text === '') return text;
  let out = text;
  for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
    if (form !== '' && out.includes(form)) out = out.split(form).join('[redacted]');
  }
  return out;
}
