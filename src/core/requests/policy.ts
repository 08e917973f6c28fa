/**
 * Request policy: the pure decisions behind catalogue requests (who approves a stage, when a stage is done, what
 * end date is allowed, separation of duties). The engine (src/engine/requests/) does the I/O around them.
 */
import type { CatalogItem } from '../../config/schema-catalog.js';

/** Request status. */
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'denied-deadline' | 'revoked' | 'expired' | 'cancelled';

/**
 * Who acts: a console principal id, optionally linked to a Personio person, with the groups it signed in with (OIDC
 * groups claim), so an owner or approver `group:<name>` can be matched.
 */
export interface Actor { readonly id: string; readonly personId?: string; readonly groups?: readonly string[] }

/**
 * Whether an approver reference names this actor: its principal id, its person id, or `group:<name>` of one of its
 * groups (case-insensitive, as OIDC group names are everywhere else in the console).
 */
export function names(ref: string, a: Actor): boolean {
  if (ref === a.id || (a.personId !== undefined && ref === a.personId)) return true;
  if (!ref.startsWith('group:')) return false;
  const g = ref.slice('group:'.length).toLowerCase();
  return (a.groups ?? []).some((x) => x.toLowerCase() === g);
}

/** Approver references of one stage: the person's manager, the item's owner, or the listed approvers. */
export function stageApprovers(item: CatalogItem, stage: number, managerId: string | undefined): string[] {
  const s = item.approval.stages[stage];
  if (s === undefined) return [];
  if (s.by === 'manager') return managerId === undefined ? [] : [managerId];
  if (s.by === 'owner') return [item.owner];
  return [...(s.approvers ?? [])];
}

/** One recorded decision of a stage. */
export interface StageDecision { readonly approver: string; readonly decision: 'approve' | 'reject' }

/**
 * Outcome of a stage from its decisions: one reject rejects; `any` needs one approval, `all` an approval from every
 * approver reference (an approver's decision counts for each reference naming them).
 */
export function stageOutcome(mode: 'any' | 'all', approvers: readonly string[], decisions: readonly StageDecision[]): 'pending' | 'approved' | 'rejected' {
  if (decisions.some((d) => d.decision === 'reject')) return 'rejected';
  const ok = new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.approver));
  if (mode === 'any') return ok.size > 0 ? 'approved' : 'pending';
  return approvers.length > 0 && approvers.every((a) => ok.has(a)) ? 'approved' : 'pending';
}

/** Coded refusal of a request or decision. */
export interface Refusal { readonly code: string; readonly message: string }

/** Resolve the end date a request asks for against the item's allowed duration (`today`: local `YYYY-MM-DD`). */
export function resolveEnd(item: CatalogItem, requested: string | undefined, today: string): { until?: string } | Refusal {
  const d = item.duration;
  if (d.kind === 'none') return requested === undefined || requested === '' ? {} : { code: 'duration-not-allowed', message: `${item.id} is granted without an end date` };
  if (d.kind === 'fixed') return { until: d.endDate };
  if (requested === undefined || requested === '' || !/^\d{4}-\d{2}-\d{2}$/.test(requested)) return { code: 'end-date-required', message: `${item.id} needs an end date (at most ${d.maxDays} days)` };
  if (requested < today) return { code: 'end-date-past', message: `the end date ${requested} is in the past` };
  const max = new Date(Date.parse(`${today}T00:00:00Z`) + d.maxDays * 86_400_000).toISOString().slice(0, 10);
  if (requested > max) return { code: 'end-date-too-late', message: `${item.id} may be granted for at most ${d.maxDays} days (until ${max})` };
  return { until: requested };
}

/**
 * Separation of duties: the first reason a person may not get `item` — they hold (in the target) or have a pending
 * or approved request for an item it is incompatible with (either side declaring it).
 */
export function sodConflict(item: CatalogItem, catalog: readonly CatalogItem[], held: (target: string, entitlement: string) => boolean, openItems: readonly string[]): Refusal | undefined {
  const other = catalog.filter((c) => c.id !== item.id && (item.incompatibleWith.includes(c.id) || c.incompatibleWith.includes(item.id)));
  for (const c of other) {
    if (openItems.includes(c.id)) return { code: 'sod', message: `separation of duties: ${item.id} is incompatible with ${c.id}, already requested or granted` };
    if (held(c.target, c.entitlement)) return { code: 'sod', message: `separation of duties: ${item.id} is incompatible with ${c.id} (${c.entitlement} in ${c.target}), which the person holds` };
  }
  return undefined;
}

/** Whether a request by `requester` for `personId` is self-approval when `approver` decides it. */
export const selfApproval = (approver: Actor, requester: string, personId: string): boolean => approver.id === requester || approver.personId === personId;
