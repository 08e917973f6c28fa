/**
 * Transliteration for identifiers (usernames, mail local parts). German rules come first
 * (ä → ae, ß → ss) because a plain Unicode fold would give "muller" for "Müller", which
 * German-speaking staff read as a misspelling. Everything else goes through `any-ascii`.
 */
import anyAscii from 'any-ascii';

const GERMAN: Readonly<Record<string, string>> = {
  'ä': 'ae', 'ö': 'oe', 'ü': 'ue', 'Ä': 'Ae', 'Ö': 'Oe', 'Ü': 'Ue', 'ß': 'ss', 'ẞ': 'SS',
};
const GERMAN_RE = /[äöüÄÖÜßẞ]/g;
// Emoji and pictographs would become ":grinning:" in any-ascii: drop them instead.
const PICTOGRAPHIC_RE = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu;

/**
 * Transliterate to ASCII while keeping case, spaces and punctuation ("Jürgen Groß" → "Juergen Gross").
 * Used by the `ascii()` template function.
 */
export function transliterate(input: string): string {
  const nfc = input.normalize('NFC');
  const german = nfc.replace(GERMAN_RE, (ch) => GERMAN[ch] ?? ch);
  return anyAscii(german.replace(PICTOGRAPHIC_RE, ''));
}

/**
 * Transliterate and reduce to identifier characters: lower-case `[a-z0-9._-]` only.
 * "Müller-Lüdenscheidt" → "mueller-luedenscheidt", "O'Brien" → "obrien", "Anna Maria" → "annamaria".
 */
export function toIdentifierAscii(input: string): string {
  return transliterate(input).toLowerCase().replace(/[^a-z0-9._-]+/g, '');
}
