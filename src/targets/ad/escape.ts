/**
 * LDAP escaping: RFC 4514 DN attribute values and RFC 4515 filter values, plus the small parsers we need
 * (split a DN into RDNs, take a DN's parent, unescape a value).
 *
 * DN values escape `\` as `\5C` (hex form) rather than `\\`: ldapts' modifyDN splits the new DN at the first comma
 * not preceded by a backslash, which would mis-split `CN=a\\,OU=…`. Both forms are valid RFC 4514.
 */

// One implementation for the core (templated DNs) and the AD target.
import { escapeDnValue } from '../../core/dn.js';

export { escapeDnValue };

const HEX2 = /^[0-9A-Fa-f]{2}$/;

/** Undo {@link escapeDnValue} (and any RFC 4514 escaping, including `\XX` UTF-8 byte sequences). */
export function unescapeDnValue(escaped: string): string {
  const bytes: number[] = [];
  const out: string[] = [];
  const flush = (): void => {
    if (bytes.length > 0) { out.push(Buffer.from(bytes).toString('utf8')); bytes.length = 0; }
  };
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i] as string;
    if (ch === '\\' && i + 1 < escaped.length) {
      const pair = escaped.slice(i + 1, i + 3);
      if (HEX2.test(pair)) { bytes.push(parseInt(pair, 16)); i += 2; continue; }
      flush();
      out.push(escaped[i + 1] as string);
      i += 1;
      continue;
    }
    flush();
    out.push(ch);
  }
  flush();
  return out.join('');
}

/** Trim blanks around an (escaped) DN component, keeping a trailing blank that is escaped (`\\ `). */
function trimEscaped(s: string): string {
  // Only ASCII spaces are insignificant around RDN values (RFC 4514); a leading NBSP or other Unicode blank is data.
  let t = s.replace(/^ +/, '');
  while (t.endsWith(' ')) {
    let bs = 0;
    for (let i = t.length - 2; i >= 0 && t[i] === '\\'; i--) bs++;
    if (bs % 2 === 1) break;
    t = t.slice(0, -1);
  }
  return t;
}

/** Split a DN into its RDN strings (still escaped), honouring backslash escapes and quoted values. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string;
    if (ch === '\\' && i + 1 < dn.length) { cur += ch + (dn[i + 1] as string); i += 1; continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) { parts.push(trimEscaped(cur)); cur = ''; continue; }
    cur += ch;
  }
  if (trimEscaped(cur) !== '') parts.push(trimEscaped(cur));
  return parts;
}

/** The parent DN (everything after the first RDN); '' for a single-RDN DN. */
export function parentDn(dn: string): string {
  return splitDn(dn).slice(1).join(',');
}

/** The unescaped value of a DN's first RDN (e.g. the cn of a user). */
export function rdnValue(dn: string): string {
  const first = splitDn(dn)[0] ?? '';
  const eq = first.indexOf('=');
  return unescapeDnValue(eq < 0 ? first : trimEscaped(first.slice(eq + 1)));
}

/** Canonical RDNs for comparing DNs: values unescaped then re-escaped uniformly, types and values lower-cased. */
function normalizedRdns(dn: string): string[] {
  return splitDn(dn).map((rdn) => {
    const eq = rdn.indexOf('=');
    if (eq < 0) return escapeDnValue(unescapeDnValue(rdn).toLowerCase());
    return `${rdn.slice(0, eq).trim().toLowerCase()}=${escapeDnValue(unescapeDnValue(trimEscaped(rdn.slice(eq + 1))).toLowerCase())}`;
  });
}

/** Canonical form for comparing DNs (case-insensitive, escaping-insensitive). */
export function normalizeDn(dn: string): string {
  return normalizedRdns(dn).join(',');
}

/** Same DN, compared as directories do (case-insensitive, escaping-insensitive). */
export function sameDn(a: string, b: string): boolean {
  return normalizeDn(a) === normalizeDn(b);
}

/** Whether `dn` lies strictly below `ancestor` (compared RDN by RDN, so escaped commas cannot fool it). */
export function isBelow(dn: string, ancestor: string): boolean {
  const d = normalizedRdns(dn);
  const a = normalizedRdns(ancestor);
  if (a.length === 0 || d.length <= a.length) return false;
  const off = d.length - a.length;
  return a.every((r, i) => d[off + i] === r);
}

/** Escape a value for an LDAP filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL as `\XX`. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '*') out += '\\2a';
    else if (ch === '(') out += '\\28';
    else if (ch === ')') out += '\\29';
    else if (ch === '\\') out += '\\5c';
    else if (ch === '\0') out += '\\00';
    else out += ch;
  }
  return out;
}

/** Undo {@link escapeFilterValue} (`\XX` byte escapes, UTF-8). */
export function unescapeFilterValue(escaped: string): string {
  // Escapes are ASCII: split on them and keep the text between as is (no code-unit surgery on surrogates).
  return escaped.replace(/(?:\\[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = run.split('\\').slice(1).map((h) => parseInt(h, 16));
    return Buffer.from(bytes).toString('utf8');
  });
}

/** `(attr=value)` with the value escaped. The attribute name is checked, never escaped. */
export function eqFilter(attribute: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/.test(attribute)) throw new Error(`invalid LDAP attribute name "${attribute}"`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}
