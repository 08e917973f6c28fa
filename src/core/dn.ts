/**
 * RFC 4514 escaping of one DN attribute value, for DNs the core builds from data (a templated entitlement such as
 * `CN=GG-{{ department }},OU=Groups,DC=acme,DC=local`). `\` becomes `\5C` (hex form; see src/targets/ad/escape.ts).
 */

const DN_SPECIAL = new Set([',', '+', '"', '<', '>', ';', '=']);

/** Escape one attribute value for use in a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = Array.from(value);
  chars.forEach((ch, i) => {
    if (ch === '\\') out += '\\5C';
    else if (ch === '\0') out += '\\00';
    else if (DN_SPECIAL.has(ch)) out += `\\${ch}`;
    else if (i === 0 && (ch === ' ' || ch === '#')) out += `\\${ch}`;
    else if (i === chars.length - 1 && ch === ' ') out += '\\ ';
    else out += ch;
  });
  return out;
}

/** Whether a name is DN-shaped (`CN=…,OU=…`), as the AD target reads it. */
export const looksLikeDn = (s: string): boolean => /^[A-Za-z][A-Za-z0-9-]*=[^,]*,.*=/.test(s);
