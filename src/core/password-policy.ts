/**
 * Password policies as targets describe them, and the check of a typed password against one before it is sent
 * (the helpdesk's "typed password checked against the policy"). The target still has the final word: history,
 * and anything a policy description cannot carry, is only checked by the target itself.
 *
 * Rules, as documented:
 * - AD ("Password must meet complexity requirements", MS-SAMR 3.1.1.7.2): at least 3 of 5 categories (upper-case,
 *   lower-case, digits, the listed non-alphanumeric characters, other letters such as CJK); never the
 *   sAMAccountName (when longer than 2 characters) nor any display-name token of 3 or more characters,
 *   case-insensitively, the display name split at , . - _ # space and tab; at most 256 characters.
 * - Entra ("Password policies and account restrictions in Microsoft Entra ID"): 8 to 256 characters, only
 *   A–Z a–z 0–9, the listed symbols and the blank; at least 3 of 4 classes (lower, upper, digit, symbol).
 */

/** What a target's password policy requires (see {@link checkPassword}). */
export interface PasswordPolicy {
  /** Fewest characters (UTF-16 code units, as AD and Entra count them). */
  readonly minLength: number;
  /** Most characters (AD and Entra: 256). */
  readonly maxLength?: number;
  /** Complexity rules apply (AD `pwdProperties` bit 0 / a PSO's complexity flag; always on in Entra). */
  readonly complexity: boolean;
  /** Previous passwords that may not be reused (checked by the target only: Cadre never knows them). */
  readonly historyLength?: number;
  /** Whose complexity rules (default `ad`): Entra also restricts the alphabet and has no name check. */
  readonly rules?: 'ad' | 'entra';
}

/** The account a password is for: its names may not appear in the password (AD rule). */
export interface PasswordAccount {
  readonly sAMAccountName?: string;
  readonly displayName?: string;
}

/** Why a password does not meet a policy. Never carries the password itself. */
export type PasswordProblem =
  | { readonly code: 'TOO_SHORT'; readonly minLength: number }
  | { readonly code: 'TOO_LONG'; readonly maxLength: number }
  | { readonly code: 'NOT_COMPLEX'; readonly categories: number; readonly required: number }
  | { readonly code: 'INVALID_CHARACTER' }
  | { readonly code: 'CONTAINS_ACCOUNT_NAME' }
  | { readonly code: 'CONTAINS_NAME_PART'; readonly part: string };

/** Result of {@link checkPassword}. */
export interface PasswordCheck {
  readonly ok: boolean;
  readonly problems: readonly PasswordProblem[];
}

/** AD's non-alphanumeric category (currency symbols such as € and £ do not count). */
const AD_SPECIAL = new Set('~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/');
/** Entra's allowed symbols (the blank included). */
const ENTRA_SYMBOLS = new Set('@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ');
/** Where AD splits a display name into tokens. */
const NAME_DELIMITERS = /[,.\-_#\t ]+/u;
/** Both targets cap passwords at 256 characters. */
const MAX_LENGTH = 256;

function adCategories(pw: string): number {
  let upper = false, lower = false, digit = false, special = false, other = false;
  for (const ch of pw) {
    if (/\p{Lu}/u.test(ch)) upper = true;
    else if (/\p{Ll}/u.test(ch)) lower = true;
    else if (/[0-9]/.test(ch)) digit = true;
    else if (AD_SPECIAL.has(ch)) special = true;
    else if (/\p{L}/u.test(ch)) other = true; // alphabetic without case (e.g. Asian scripts)
  }
  return [upper, lower, digit, special, other].filter(Boolean).length;
}

function entraCategories(pw: string): { count: number; invalid: boolean } {
  let upper = false, lower = false, digit = false, symbol = false, invalid = false;
  for (const ch of pw) {
    if (/[A-Z]/.test(ch)) upper = true;
    else if (/[a-z]/.test(ch)) lower = true;
    else if (/[0-9]/.test(ch)) digit = true;
    else if (ENTRA_SYMBOLS.has(ch)) symbol = true;
    else invalid = true;
  }
  return { count: [upper, lower, digit, symbol].filter(Boolean).length, invalid };
}

/** Display-name tokens AD refuses in a password (3 characters or more), in their original spelling. */
export function nameTokens(displayName: string | undefined): string[] {
  return (displayName ?? '').split(NAME_DELIMITERS).filter((t) => t.length >= 3);
}

/**
 * Check a password against a policy (and the account's names, under AD rules). Pure; every problem found is
 * reported, in a fixed order, so a form can list them all at once.
 */
export function checkPassword(policy: PasswordPolicy, password: string, account?: PasswordAccount): PasswordCheck {
  const problems: PasswordProblem[] = [];
  const rules = policy.rules ?? 'ad';
  const maxLength = Math.min(policy.maxLength ?? MAX_LENGTH, MAX_LENGTH);
  if (password.length < policy.minLength) problems.push({ code: 'TOO_SHORT', minLength: policy.minLength });
  if (password.length > maxLength) problems.push({ code: 'TOO_LONG', maxLength });
  if (rules === 'entra') {
    const { count, invalid } = entraCategories(password);
    if (invalid) problems.push({ code: 'INVALID_CHARACTER' });
    if (policy.complexity && count < 3) problems.push({ code: 'NOT_COMPLEX', categories: count, required: 3 });
    return { ok: problems.length === 0, problems };
  }
  if (policy.complexity) {
    const count = adCategories(password);
    if (count < 3) problems.push({ code: 'NOT_COMPLEX', categories: count, required: 3 });
    const lower = password.toLowerCase();
    const sam = account?.sAMAccountName ?? '';
    if (sam.length > 2 && lower.includes(sam.toLowerCase())) problems.push({ code: 'CONTAINS_ACCOUNT_NAME' });
    for (const part of nameTokens(account?.displayName)) {
      if (lower.includes(part.toLowerCase())) problems.push({ code: 'CONTAINS_NAME_PART', part });
    }
  }
  return { ok: problems.length === 0, problems };
}

/** Entra ID's fixed default policy (the tenant's, unless a user has `DisableStrongPassword`). */
export const ENTRA_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, maxLength: 256, complexity: true, rules: 'entra' };
