/**
 * Container (OU) placement: conditional rules first, then `by` (attribute or expression) looked up in
 * `map`, then `default`. Disabled leavers go to `placement.disabled` when the target asks for it.
 */
import type { PlacementConfig } from '../../config/schema.js';
import type { Reason } from '../model.js';
import { evaluateCondition } from './conditions.js';
import { asText, compileExpression, compileTemplate } from './expressions.js';

/** Result of placement. `container` is undefined when nothing applies (the account is not moved). */
export interface PlacementResult {
  readonly container?: string;
  readonly reason: Reason;
}

const byCache = new Map<string, (ctx: Readonly<Record<string, unknown>>) => unknown>();

/** Compile `placement.by`: a template when it contains `{{`, otherwise an expression (a path such as `office`). */
export function compileBy(by: string): (ctx: Readonly<Record<string, unknown>>) => unknown {
  const hit = byCache.get(by);
  if (hit) return hit;
  let fn: (ctx: Readonly<Record<string, unknown>>) => unknown;
  if (by.includes('{{')) {
    const t = compileTemplate(by);
    fn = (ctx) => t.render(ctx);
  } else {
    const e = compileExpression(by);
    fn = (ctx) => e.evaluate(ctx);
  }
  byCache.set(by, fn);
  return fn;
}

const lowerMaps = new WeakMap<object, Map<string, [string, string]>>();

function lookup(map: Readonly<Record<string, string>>, key: string): [string, string] | undefined {
  const exact = map[key];
  if (exact !== undefined && Object.prototype.hasOwnProperty.call(map, key)) return [key, exact];
  let lower = lowerMaps.get(map);
  if (!lower) {
    lower = new Map(Object.entries(map).map(([k, v]) => [k.toLowerCase(), [k, v] as [string, string]]));
    lowerMaps.set(map, lower);
  }
  return lower.get(key.toLowerCase());
}

const place = (source: string, detail: string): Reason => ({ kind: 'placement', source, detail });

/**
 * Decide the container for a person. `leaver` is true for disabled leavers of a target with
 * `leaver.moveToDisabled`.
 */
export function placementFor(placement: PlacementConfig | undefined, ctx: Readonly<Record<string, unknown>>, leaver = false, path = 'placement'): PlacementResult {
  if (!placement) return { reason: place('none', 'the target has no placement rules') };
  if (leaver && placement.disabled !== undefined) {
    return { container: placement.disabled, reason: place('disabled', `leaver: moved to the disabled container (${path}.disabled)`) };
  }
  for (const [i, rule] of placement.rules.entries()) {
    const r = evaluateCondition(rule.when, ctx, `${path}.rules[${i}].when`);
    if (r.matched) return { container: rule.container, reason: place(`rules[${i}]`, `${path}.rules[${i}] matched: ${r.because}`) };
  }
  const raw = compileBy(placement.by)(ctx);
  const value = asText(raw);
  if (value !== '') {
    const hit = lookup(placement.map, value);
    if (hit) return { container: hit[1], reason: place('map', `${placement.by} = "${value}" → ${path}.map["${hit[0]}"]`) };
  }
  if (placement.default !== undefined) {
    return { container: placement.default, reason: place('default', value === '' ? `${placement.by} is empty → ${path}.default` : `${placement.by} = "${value}" is not in ${path}.map → ${path}.default`) };
  }
  return { reason: place('none', `${placement.by} = "${value}" has no mapping and there is no default`) };
}
