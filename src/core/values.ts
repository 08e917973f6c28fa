/** Attribute value comparison shared by the planner and every connector. */
import type { AttrValue } from './model.js';

/** Compare attribute values the way every connector should (order-insensitive for multi-valued). */
export function sameValue(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  const norm = (v: AttrValue | undefined): string => {
    if (v === undefined || v === null || v === '') return '';
    if (Array.isArray(v)) return JSON.stringify([...v].sort());
    return String(v);
  };
  return norm(a) === norm(b);
}
