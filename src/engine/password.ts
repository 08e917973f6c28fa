/** Initial passwords: random, policy-complex, in memory only. */
import { randomInt } from 'node:crypto';

const SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@_'];

/** A random password with upper, lower, digit and symbol, no look-alike characters. */
export function generatePassword(length = 16): string {
  const all = SETS.join('');
  const chars = SETS.map((s) => s[randomInt(s.length)] as string);
  while (chars.length < Math.max(length, 12)) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
