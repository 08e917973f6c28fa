/**
 * Overrides: a human decision that keeps a value the rules would otherwise change (a helpdesk edit of an HR-mapped
 * attribute, a group a form granted or removed). The planner puts an active override's value in place of the
 * rule's, with a `manual` reason, so `plan` and `explain` name who set it and until when; once it expires the rule's
 * value returns and is planned as a normal change. Pure: overrides come in through the plan input.
 */
import { localDate } from './lifecycle.js';
import type { AttrValue, Grant, Reason } from './model.js';
import type { PlanInput } from './plan-input.js';

/** Attribute key of an entitlement override: `entitlement:<name>`; value `true` (keep granted) or `false` (keep removed). */
export const ENTITLEMENT_OVERRIDE = 'entitlement:';

/** One override of one attribute (or entitlement) of a person's account in one target. */
export interface Override {
  readonly personId: string;
  readonly target: string;
  /** Target attribute, or `entitlement:<name>` for a group / licence. */
  readonly attribute: string;
  /** The value to keep (`true`/`false` for entitlements). */
  readonly value: AttrValue;
  /** Who set it (audit actor, e.g. `web:alice`). */
  readonly actor: string;
  /** Instant it was set. */
  readonly createdAt: string;
  /** Last day it applies (`YYYY-MM-DD`, inclusive, lifecycle time zone) or the instant it ends; absent: until removed. */
  readonly expiresAt?: string;
  /** Why (the form, a ticket…). */
  readonly reason: string;
}

/** `entitlement:<name>` for an entitlement name. */
export const entitlementOverrideKey = (name: string): string => `${ENTITLEMENT_OVERRIDE}${name}`;

/** The entitlement an override is about, or undefined for an attribute override. */
export function overriddenEntitlement(o: Pick<Override, 'attribute'>): string | undefined {
  return o.attribute.startsWith(ENTITLEMENT_OVERRIDE) ? o.attribute.slice(ENTITLEMENT_OVERRIDE.length) : undefined;
}

/**
 * Whether an override is in force at `at`: `expiresAt` is a last day (`YYYY-MM-DD`, inclusive, local time in
 * `timeZone`) or an instant. Same rule as holds.
 */
export function overrideActive(o: Pick<Override, 'expiresAt'>, at: string, timeZone: string): boolean {
  if (o.expiresAt === undefined) return true;
  if (/^\d{4}-\d{2}-\d{2}$/.test(o.expiresAt)) return localDate(at, timeZone) <= o.expiresAt;
  return Date.parse(at) < Date.parse(o.expiresAt);
}

/** Persons whose override starts or stops applying between two instants (the daemon's incremental tick plans them). */
export function overrideTransitions(list: readonly Override[], from: string, to: string, timeZone: string): string[] {
  return [...new Set(list.filter((o) => overrideActive(o, from, timeZone) !== overrideActive(o, to, timeZone)).map((o) => o.personId))];
}

/** "set by web:alice on 2026-12-02, until 2027-03-01 (form edit-phone)": the reason detail `plan` and `explain` show. */
export function describeOverride(o: Override, timeZone: string): string {
  const until = o.expiresAt === undefined ? '' : `, until ${o.expiresAt}`;
  const why = o.reason.trim() === '' ? '' : ` (${o.reason.trim()})`;
  return `set by ${o.actor} on ${localDate(o.createdAt, timeZone)}${until}${why}`;
}

/** The planner reason of an override. */
export const overrideReason = (o: Override, timeZone: string): Reason => ({ kind: 'manual', source: 'override', detail: describeOverride(o, timeZone) });

type Index = ReadonlyMap<string, readonly Override[]>;
const indexes = new WeakMap<PlanInput, Index>();

/** The overrides in force at the plan instant for one person's account in one target (indexed once per plan). */
export function activeOverrides(input: PlanInput, personId: string, target: string): readonly Override[] {
  const list = input.overrides;
  if (list === undefined || list.length === 0) return [];
  let idx = indexes.get(input);
  if (!idx) {
    const m = new Map<string, Override[]>();
    const tz = input.config.lifecycle.timezone;
    for (const o of list) {
      if (!overrideActive(o, input.at, tz)) continue;
      const k = `${o.personId}\u0000${o.target}`;
      const l = m.get(k);
      if (l) l.push(o); else m.set(k, [o]);
    }
    idx = m;
    indexes.set(input, idx);
  }
  return idx.get(`${personId}\u0000${target}`) ?? [];
}

/** What {@link applyOverrides} changes in a desired account under construction. */
export interface OverrideParts {
  readonly attributes: Record<string, AttrValue>;
  readonly reasons: Record<string, Reason>;
  readonly sources: Record<string, string>;
  readonly entitlements: readonly Grant[];
}

/** Options for {@link applyOverrides}. */
export interface OverrideScope {
  /** The account should exist: attribute overrides apply. */
  readonly exists: boolean;
  /** The rules decide entitlements here (not a leaver whose entitlements go): entitlement overrides apply. */
  readonly entitlements: boolean;
  /** Attributes never written (read-only, the correlation attribute): an override of one is ignored. */
  readonly protectedAttribute: (attribute: string) => boolean;
}

/**
 * Put active overrides into a desired account being built: attribute values (in place, with a `manual` reason and
 * source), entitlements kept granted (added with the override's reason unless a rule grants them already) and kept
 * removed (returned as `removed`, so the diff revokes them even where a rule grants them).
 */
export function applyOverrides(list: readonly Override[], parts: OverrideParts, scope: OverrideScope, timeZone: string): { entitlements: readonly Grant[]; removed: readonly Grant[] } {
  if (list.length === 0) return { entitlements: parts.entitlements, removed: [] };
  let entitlements = [...parts.entitlements];
  const removed: Grant[] = [];
  for (const o of [...list].sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0))) {
    const reason = overrideReason(o, timeZone);
    const name = overriddenEntitlement(o);
    if (name === undefined) {
      if (!scope.exists || scope.protectedAttribute(o.attribute)) continue;
      parts.attributes[o.attribute] = o.value;
      parts.reasons[o.attribute] = reason;
      parts.sources[o.attribute] = `override by ${o.actor}`;
      continue;
    }
    if (!scope.exists || !scope.entitlements) continue;
    const key = name.toLowerCase();
    if (o.value === true) {
      if (!entitlements.some((g) => g.name.toLowerCase() === key)) entitlements.push({ name, reason });
    } else if (o.value === false) {
      entitlements = entitlements.filter((g) => g.name.toLowerCase() !== key);
      removed.push({ name, reason });
    }
  }
  return { entitlements, removed };
}
