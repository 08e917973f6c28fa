/** The AD password value encoding; passwords themselves come from src/util/password.ts. */
export { generatePassword, isComplex } from '../../util/password.js';

/** The `unicodePwd` value: the password in double quotes, UTF-16LE. */
export function unicodePwd(pw: string): Buffer {
  return Buffer.from(`"${pw}"`, 'utf16le');
}
