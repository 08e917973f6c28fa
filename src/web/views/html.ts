/**
 * The `html` tagged template: every interpolated value is escaped unless it is already {@link Html}. Arrays are
 * joined, `null`/`undefined`/`false` render nothing. Attribute values must be quoted in the template (`"${x}"`):
 * quotes are escaped, so a value cannot leave its attribute.
 */

const HTML = Symbol('html');

/** Markup that is safe to emit as is (built by {@link html}). */
export interface Html {
  readonly [HTML]: true;
  readonly text: string;
}

/** Anything {@link html} accepts as an interpolation. */
export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c] as string);
}

const mark = (text: string): Html => ({ [HTML]: true, text });

/** Whether a value is {@link Html}. */
export function isHtml(v: unknown): v is Html {
  return typeof v === 'object' && v !== null && (v as { [HTML]?: unknown })[HTML] === true;
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (isHtml(v)) return v.text;
  if (Array.isArray(v)) return v.map((x) => render(x as HtmlValue)).join('');
  return escapeHtml(String(v));
}

/** Build markup; interpolations are escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return mark(out);
}

/**
 * Trusted markup as is. Only for constant strings written in this code base (never user data, never stored data).
 */
export function raw(trusted: string): Html {
  return mark(trusted);
}

/**
 * A URL for `href`/`action`: relative paths and http(s) URLs pass, anything else (`javascript:`, `data:`) becomes
 * `#`. The result still goes through the template's escaping.
 */
export function safeUrl(url: string): string {
  const u = url.trim();
  // Browsers drop tab/CR/LF inside URLs and read `\` as `/`: `/\evil` and `/<TAB>/evil` are `//evil`.
  if (/[\u0000-\u001f\u007f]/.test(u)) return '#';
  if (u.startsWith('/') && !u.startsWith('//') && !u.startsWith('/\\')) return u;
  if (/^https?:\/\//i.test(u)) return u;
  if (u.startsWith('?') || u.startsWith('#')) return u;
  return '#';
}

/** A query string from parameters (undefined and empty values left out). */
export function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
