/** Case-insensitive glob patterns (`*` any run of characters, `?` one character), as used by exclusions. */

/** Normalise a DN-like value for comparison: no blanks around separators, lower case. */
export function normalizeDnLike(v: string): string {
  return v.replace(/\s*([,=])\s*/g, '$1').trim().toLowerCase();
}

/** A matcher for one pattern; `dn` also normalises blanks around `,` and `=` on both sides. */
export function globMatcher(pattern: string, dn = false): (value: string) => boolean {
  const norm = dn ? normalizeDnLike : (s: string): string => s.trim().toLowerCase();
  let src = '';
  for (const ch of norm(pattern)) {
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else src += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`^${src}$`, 's');
  return (value) => re.test(norm(value));
}
