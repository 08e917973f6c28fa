/**
 * SCIM filter building (RFC 7644 §3.4.2.2). A compared value is a JSON string literal: JSON string escaping
 * turns `"` into `\"` and `\` into `\\` (and control characters into `\uXXXX`), so no value can end the
 * literal early and smuggle in another expression.
 */

/** The value as a SCIM filter string literal, double quotes included. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

/** Attribute names and paths that may appear in a filter: names, dots, URN prefixes. Never user data. */
const FILTER_PATH = /^(urn:[A-Za-z0-9:._-]+:)?[A-Za-z][A-Za-z0-9_$-]*(\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

/** `<path> eq "<value>"`; throws for a path that is not a plain attribute path (config mistakes, not data). */
export function eqFilter(path: string, value: string): string {
  if (!FILTER_PATH.test(path)) throw Object.assign(new Error(`not a filterable SCIM attribute path: ${path}`), { code: 'CONFIG_INVALID' });
  return `${path} eq ${scimString(value)}`;
}
