/**
 * Building a campaign's items (who holds what and why, as `explain` says it), resolving each item's reviewer,
 * checking a decision's principal, and the default at close. Pure.
 */
import type { ReviewScope, ReviewTemplate } from '../../config/schema-reviews.js';
import { buildPlanContext, desiredDetail } from '../desired.js';
import { globMatcher } from '../glob.js';
import type { AccessGrant } from '../access-grants.js';
import type { Person, Reservation } from '../model.js';
import type { PlanInput, TargetInfo } from '../plan-input.js';
import { enabledTargets, nameOf, ownerIndex, type ReportInput } from '../reports/common.js';
import type { ReviewDecision, ReviewItem, ReviewReasonKind, ReviewerRef } from './model.js';

/** What item building reads besides the stored state. */
export interface ItemsInput extends ReportInput {
  readonly targets: Readonly<Record<string, TargetInfo>>;
  readonly reservations: readonly Reservation[];
  /** Last grant instant per `target\0person\0entitlement (lower case)`, from the audit. */
  readonly lastGranted?: ReadonlyMap<string, string>;
  /** Approved requests' grants (the planner's request grants), so their holdings are reviewed as `request`. */
  readonly accessGrants?: readonly AccessGrant[];
}

/** Key of {@link ItemsInput.lastGranted}. */
export const grantKey = (target: string, personId: string, entitlement: string): string => `${target}\u0000${personId}\u0000${entitlement.toLowerCase()}`;

/** An item before it is stored (no campaign yet). */
export type NewItem = Omit<ReviewItem, 'campaignId' | 'seq'>;

/**
 * The reviewer of a person's item under a template. `manager`: their supervisor when in HR. `owner`: the owner of the
 * catalogue item for this target and entitlement (`group:<g>`, a person id in HR, else a console user id). Otherwise
 * the template's fallback user.
 */
export function resolveReviewer(template: Pick<ReviewTemplate, 'reviewers'>, person: Pick<Person, 'supervisorId'>, persons: ReadonlyMap<string, Person>, owner?: string): ReviewerRef {
  if (template.reviewers.by === 'manager' && person.supervisorId !== undefined && persons.has(person.supervisorId)) return `person:${person.supervisorId}`;
  if (template.reviewers.by === 'owner' && owner !== undefined && owner.trim() !== '') {
    if (owner.startsWith('group:')) return `group:${owner.slice('group:'.length)}`;
    return persons.has(owner) ? `person:${owner}` : `user:${owner}`;
  }
  return `user:${template.reviewers.fallback}`;
}

/** The catalogue owner of an entitlement in a target (first matching item, case-insensitive), if any. */
export function catalogueOwner(config: ItemsInput['config'], target: string, entitlement: string): string | undefined {
  const e = entitlement.toLowerCase();
  return config.catalog.items.find((i) => i.target === target && i.entitlement.toLowerCase() === e)?.owner;
}

/** Whether a holding is in a scope (targets and department here; entitlement globs by {@link scopeMatcher}). */
export function scopeMatcher(scope: ReviewScope): { entitlement(name: string): boolean; target(name: string): boolean; department(d: string | undefined): boolean } {
  const globs = (scope.entitlements ?? []).map((g) => globMatcher(g));
  const targets = scope.targets === undefined ? undefined : new Set(scope.targets);
  const depts = scope.departments === undefined ? undefined : new Set(scope.departments.map((d) => d.toLowerCase()));
  return {
    entitlement: (n) => globs.length === 0 || globs.some((m) => m(n)),
    target: (t) => targets === undefined || targets.has(t),
    department: (d) => depts === undefined || (d !== undefined && depts.has(d.toLowerCase())),
  };
}

/**
 * The items of a new campaign: every entitlement (managed or found in the target unmanaged) that an account linked
 * to an HR person holds, within the template's scope, with the reason the rules give it (or `unmanaged`), the
 * person's department and position, the last grant and the reviewer. Sorted by target, person, entitlement.
 */
export function buildItems(input: ItemsInput, template: ReviewTemplate): NewItem[] {
  const scope = scopeMatcher(template.scope);
  const targets = new Set(enabledTargets(input.config).filter((t) => input.targets[t] !== undefined && scope.target(t)));
  const owners = ownerIndex(input.config, input.persons);
  const plan: PlanInput = {
    at: input.at, createdAt: input.at, config: input.config, accounts: input.accounts, reservations: input.reservations, targets: input.targets,
    snapshot: { persons: input.persons, problems: [], reportedTotal: input.persons.length, complete: true, readAt: input.at },
    ...(input.history ? { history: input.history } : {}),
    ...(input.accessGrants ? { accessGrants: input.accessGrants } : {}),
  };
  const ctx = buildPlanContext(plan);
  const out: NewItem[] = [];
  for (const a of input.accounts) {
    if (!targets.has(a.target)) continue;
    const o = owners.ownerOf(a);
    if (o.kind !== 'person' || !scope.department(o.person.department)) continue;
    const held = [...new Set([...a.entitlements, ...(a.unmanaged ?? [])])].filter((e) => scope.entitlement(e));
    if (held.length === 0) continue;
    let grants: ReadonlyMap<string, { kind: ReviewReasonKind; source: string; detail: string }> = new Map();
    try {
      const d = desiredDetail(ctx, o.person, a.target);
      grants = new Map(d.desired.entitlements.filter((g) => g.reason.kind === 'rule' || g.reason.kind === 'request')
        .map((g) => [g.name.toLowerCase(), { kind: g.reason.kind === 'request' ? 'request' as const : 'rule' as const, source: g.reason.source, detail: g.reason.detail }]));
    } catch {
      // rules that cannot be evaluated grant nothing: the holding is reviewed as unmanaged
    }
    for (const e of held) {
      const g = grants.get(e.toLowerCase());
      const kind: ReviewReasonKind = g ? g.kind : 'unmanaged';
      if (template.scope.requestGrantsOnly && kind !== 'request') continue;
      const last = input.lastGranted?.get(grantKey(a.target, o.person.id, e));
      out.push({
        personId: o.person.id, personName: nameOf(o.person), target: a.target, entitlement: e, reasonKind: kind,
        reasonSource: g?.source ?? '', reasonText: g?.detail ?? 'found in the target, not granted by any rule (unmanaged)',
        ...(o.person.department !== undefined ? { department: o.person.department } : {}),
        ...(o.person.position !== undefined ? { position: o.person.position } : {}),
        ...(last !== undefined ? { lastGrantedAt: last } : {}),
        reviewer: resolveReviewer(template, o.person, owners.persons, catalogueOwner(input.config, a.target, e)),
      });
    }
  }
  const c = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort((x, y) => c(x.target, y.target) || c(x.personName.toLowerCase(), y.personName.toLowerCase()) || c(x.personId, y.personId) || c(x.entitlement.toLowerCase(), y.entitlement.toLowerCase()));
}

/** The part of a console principal a decision check needs. */
export interface Decider {
  readonly id: string;
  readonly role: string;
  readonly personId?: string;
  /** OIDC groups of the principal (catalogue owners may be a group). */
  readonly groups?: readonly string[];
}

/**
 * Whether a principal may decide an item, or why not: nobody reviews their own access; admins may decide every
 * other item; otherwise only the item's reviewer (their manager by person link, or the fallback user by id).
 */
export function mayDecide(item: Pick<ReviewItem, 'personId' | 'reviewer'>, p: Decider): { ok: true } | { ok: false; why: string } {
  if (p.personId !== undefined && p.personId === item.personId) return { ok: false, why: 'nobody reviews their own access' };
  if (p.role === 'admin') return { ok: true };
  if (p.role === 'auditor') return { ok: false, why: 'auditors are read only' };
  if (item.reviewer.startsWith('person:') && p.personId !== undefined && item.reviewer === `person:${p.personId}`) return { ok: true };
  if (item.reviewer.startsWith('user:') && item.reviewer === `user:${p.id}`) return { ok: true };
  if (item.reviewer.startsWith('group:') && (p.groups ?? []).some((g) => item.reviewer === `group:${g}`)) return { ok: true };
  return { ok: false, why: 'not the reviewer of this item' };
}

/**
 * Whether a principal is a rule's owner (`reviews.ruleOwners[rule].owner`): `group:<g>` for members of an OIDC
 * group, else the console user id or the linked Personio person id.
 */
export function ownsRule(owner: string | undefined, p: Pick<Decider, 'id' | 'personId' | 'groups'>): boolean {
  if (owner === undefined || owner === '') return false;
  if (owner.startsWith('group:')) return (p.groups ?? []).includes(owner.slice('group:'.length));
  return owner === p.id || (p.personId !== undefined && owner === p.personId);
}

/** The decision each item ends with at close: its own, or the campaign's default. */
export function finalDecision(item: Pick<ReviewItem, 'decision'>, defaultDecision: ReviewDecision): { decision: ReviewDecision; byDefault: boolean } {
  return item.decision !== undefined ? { decision: item.decision, byDefault: false } : { decision: defaultDecision, byDefault: true };
}
