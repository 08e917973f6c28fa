/** HTML escaping for mail bodies: every interpolated value goes through {@link escapeHtml}. */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escape text for HTML element content and quoted attribute values. Non-strings are stringified. */
export function escapeHtml(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/** Make a value safe for a single-line mail header (subject): no CR/LF or other control characters. */
export function headerSafe(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
