/**
 * Access grants and exceptions: entitlements a governance decision adds to, or keeps out of, what the rules grant.
 * A request grant (an approved catalogue request) is desired while it runs; an access exception (an access review
 * that removed a grant) keeps an entitlement removed even where a rule grants it. Both come in through the plan
 * input, so `plan` and `explain` name the decision behind each grant and revoke. Pure.
 */
import { localDate } from './lifecycle.js';
import type { Grant, Reason } from './model.js';
import type { PlanInput } from './plan-input.js';

/** An entitlement an approved request grants a person in one target. */
export interface AccessGrant {
  readonly personId: string;
  readonly target: string;
  readonly entitlement: string;
  readonly source: 'request';
  /** `#42`. */
  readonly ref: string;
  /** "request #42, approved by … on …, expires …": what `plan` and `explain` show. */
  readonly detail: string;
  /**
   * End: a last day (`YYYY-MM-DD`, inclusive, lifecycle time zone) or an instant. Past it the grant no longer
   * applies; an ended grant still passed in names why the entitlement is revoked. Absent: until revoked.
   */
  readonly until?: string;
  /** Why it ended, for the revoke reason ("expired on 2026-12-31", "revoked: department changed"). */
  readonly ended?: string;
  /**
   * HR fields the item revokes on (`revokeOnChange`) with their values at approval. When the person's current value
   * differs, the grant has ended in this very plan, before the request tick records it as revoked.
   */
  readonly watch?: Readonly<Partial<Record<'department' | 'position', string | null>>>;
}

/** An entitlement a decision (an access review) keeps removed, even where a rule grants it. */
export interface AccessException {
  readonly personId: string;
  readonly target: string;
  readonly entitlement: string;
  readonly source: 'review';
  readonly ref: string;
  readonly detail: string;
}

/** Whether a grant applies at `at` (same end rule as holds and overrides). */
export function accessGrantActive(g: Pick<AccessGrant, 'until'>, at: string, timeZone: string): boolean {
  if (g.until === undefined) return true;
  if (/^\d{4}-\d{2}-\d{2}$/.test(g.until)) return localDate(at, timeZone) <= g.until;
  return Date.parse(at) < Date.parse(g.until);
}

/** Persons whose request grant starts or stops applying between two instants (the daemon's incremental tick plans them). */
export function accessGrantTransitions(list: readonly AccessGrant[], from: string, to: string, timeZone: string): string[] {
  return [...new Set(list.filter((g) => accessGrantActive(g, from, timeZone) !== accessGrantActive(g, to, timeZone)).map((g) => g.personId))];
}

/** The planner reason of a request grant. */
export const accessGrantReason = (g: AccessGrant): Reason => ({ kind: 'request', source: g.ref, detail: g.detail });

/** The revoke reason of an ended request grant. */
export const endedGrantReason = (g: AccessGrant): Reason => ({
  kind: 'request', source: g.ref, detail: `${g.detail} — ended: ${g.ended ?? (g.until !== undefined ? `expired (${g.until})` : 'ended')}`,
});

/** The planner reason of an access exception. */
export const accessExceptionReason = (x: AccessException): Reason => ({ kind: 'review', source: x.ref, detail: x.detail });

interface Index {
  readonly active: ReadonlyMap<string, readonly AccessGrant[]>;
  readonly ended: ReadonlyMap<string, readonly AccessGrant[]>;
  readonly exceptions: ReadonlyMap<string, readonly AccessException[]>;
}
const indexes = new WeakMap<PlanInput, Index>();
const key = (personId: string, target: string): string => `${personId}\u0000${target}`;

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l) l.push(v); else m.set(k, [v]);
}

function indexOf(input: PlanInput): Index {
  let idx = indexes.get(input);
  if (!idx) {
    const tz = input.config.lifecycle.timezone;
    const active = new Map<string, AccessGrant[]>();
    const ended = new Map<string, AccessGrant[]>();
    const exceptions = new Map<string, AccessException[]>();
    const persons = new Map(input.snapshot.persons.map((p) => [p.id, p]));
    for (const g of input.accessGrants ?? []) {
      const changed = g.ended === undefined ? watchedChange(g, persons.get(g.personId)) : undefined;
      if (changed !== undefined) push(ended, key(g.personId, g.target), { ...g, ended: `revoked: ${changed}` });
      else push(accessGrantActive(g, input.at, tz) ? active : ended, key(g.personId, g.target), g);
    }
    for (const x of input.accessExceptions ?? []) push(exceptions, key(x.personId, x.target), x);
    idx = { active, ended, exceptions };
    indexes.set(input, idx);
  }
  return idx;
}

/** "department changed (Sales → Marketing)" when a watched field of the person differs from its value at approval. */
export function watchedChange(g: Pick<AccessGrant, 'watch'>, person: { readonly department?: string; readonly position?: string } | undefined): string | undefined {
  if (g.watch === undefined || person === undefined) return undefined; // a leaver's grants go with the lifecycle
  for (const f of ['department', 'position'] as const) {
    if (!(f in g.watch)) continue;
    const before = g.watch[f] ?? null;
    const now = person[f] ?? null;
    if (before !== now) return `${f} changed (${before ?? '-'} → ${now ?? '-'})`;
  }
  return undefined;
}

/** Request grants and review exceptions of one person's account in one target at the plan instant. */
export function accessFor(input: PlanInput, personId: string, target: string): { grants: readonly AccessGrant[]; ended: readonly AccessGrant[]; exceptions: readonly AccessException[] } {
  if ((input.accessGrants?.length ?? 0) === 0 && (input.accessExceptions?.length ?? 0) === 0) return { grants: [], ended: [], exceptions: [] };
  const idx = indexOf(input);
  const k = key(personId, target);
  return { grants: idx.active.get(k) ?? [], ended: idx.ended.get(k) ?? [], exceptions: idx.exceptions.get(k) ?? [] };
}

/**
 * Merge request grants and review exceptions into the rules' grants: desired = rule grants ∪ active request grants,
 * minus exceptions. A request for something a rule grants already is not granted twice: the rule's grant stays and
 * its reason names the request too (so it is not revoked while the rule holds, and still held when the rule stops).
 * Exceptions are returned as `removed` (revoked where held).
 */
export function applyAccess(granted: readonly Grant[], grants: readonly AccessGrant[], exceptions: readonly AccessException[]): { entitlements: readonly Grant[]; removed: readonly Grant[] } {
  if (grants.length === 0 && exceptions.length === 0) return { entitlements: granted, removed: [] };
  const entitlements = [...granted];
  const at = new Map(entitlements.map((g, i) => [g.name.toLowerCase(), i]));
  for (const g of [...grants].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))) {
    const k = g.entitlement.toLowerCase();
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, entitlements.length);
      entitlements.push({ name: g.entitlement, reason: accessGrantReason(g) });
    } else {
      const cur = entitlements[i] as Grant;
      entitlements[i] = { name: cur.name, reason: { ...cur.reason, detail: `${cur.reason.detail}; also ${g.detail}` } };
    }
  }
  const removed: Grant[] = [];
  let out = entitlements;
  for (const x of exceptions) {
    const k = x.entitlement.toLowerCase();
    out = out.filter((g) => g.name.toLowerCase() !== k);
    removed.push({ name: x.entitlement, reason: accessExceptionReason(x) });
  }
  return { entitlements: out, removed };
}
