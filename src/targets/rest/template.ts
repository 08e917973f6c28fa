/**
 * URL and JSON body templates of the REST webhook target, rendered with the rules' template engine
 * (`{{ expr }}`, see src/core/rules/expressions.ts). Bodies are built as JSON values and serialised
 * once, so every value is JSON-escaped; each `{{ }}` in a URL is percent-encoded as one path/query part.
 */
import { compileExpression, compileTemplate, findClose } from '../../core/rules/expressions.js';
import type { Context } from '../../core/rules/expressions.js';

/** A JSON body template: strings are templates; objects and arrays are walked. */
export type BodyTemplate = string | number | boolean | null | readonly BodyTemplate[] | { readonly [k: string]: BodyTemplate };

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * Renders a body template to a JSON value. A string that is exactly one `{{ expr }}` keeps the value's
 * type (number, boolean, list, null, object); mixed text renders to a string.
 */
export function renderBodyValue(t: BodyTemplate, ctx: Context): Json {
  if (typeof t === 'string') {
    const c = compileTemplate(t);
    // A lone `{{ expr }}` naming an object (e.g. `{{ attributes }}`) sends the whole object, not null.
    if (c.isExpression) {
      const raw = compileExpression(t.trim().slice(2, -2)).evaluate(ctx);
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return JSON.parse(JSON.stringify(raw)) as Json;
    }
    const v = c.render(ctx);
    return v === undefined ? null : (v as Json);
  }
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return (t as readonly BodyTemplate[]).map((x) => renderBodyValue(x, ctx));
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(t as { readonly [k: string]: BodyTemplate })) out[k] = renderBodyValue(v, ctx);
  return out;
}

/** The body as sent: JSON text of {@link renderBodyValue}. */
export function renderBody(t: BodyTemplate, ctx: Context): string {
  return JSON.stringify(renderBodyValue(t, ctx));
}

/**
 * Renders a URL template: literal text is kept, each `{{ expr }}` is rendered and percent-encoded
 * (`encodeURIComponent`), so a value can never add path segments, a query or a fragment.
 */
export function renderUrl(t: string, ctx: Context): string {
  let out = '';
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{{', i);
    if (open === -1) { out += t.slice(i); break; }
    out += t.slice(i, open);
    const close = findClose(t, open + 2);
    if (close === -1) { compileTemplate(t); throw new Error(`unclosed "{{" in ${t}`); }
    const v = compileTemplate(t.slice(open, close + 2)).render(ctx);
    out += encodeURIComponent(v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
    i = close + 2;
  }
  // `encodeURIComponent` leaves dots alone, and URL parsers resolve a `.`/`..` segment: an id of `..` would turn
  // `/users/{{ anchor }}/disable` into `/disable`. Such a URL is refused rather than sent somewhere else.
  const path = out.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  if (path.split('/').some((seg) => DOT_SEGMENT.test(seg))) {
    throw Object.assign(new Error(`a value in ${t} renders to a "." or ".." path segment`), { code: 'REST_BAD_VALUE' });
  }
  return out;
}

/** A path segment URL parsers resolve (WHATWG URL: `.`, `..`, and their `%2e` spellings). */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;
