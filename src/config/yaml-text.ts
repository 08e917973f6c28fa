/** Helpers for writing YAML text by hand (example and demo configs). */

/** Quote a value for YAML unless it is a plain, safe scalar. */
export function q(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) && !/^[-?:]/.test(value) ? value : JSON.stringify(value);
}
