/** Access review campaigns and items: the shapes the store keeps and the engine, CLI and console pass around. */

/** Where a reviewed access comes from. */
export type ReviewReasonKind = 'rule' | 'request' | 'unmanaged';
/** A reviewer's (or the default's) decision. */
export type ReviewDecision = 'keep' | 'remove';

/** One campaign. */
export interface ReviewCampaign {
  readonly id: string;
  readonly template: string;
  readonly name: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly deadline: string;
  readonly status: 'open' | 'closed';
  /** What an undecided item becomes at close. */
  readonly defaultDecision: ReviewDecision;
  readonly closedAt?: string;
  readonly closedBy?: string;
}

/**
 * Who decides an item: `person:<id>` (the holder's manager or a catalogue owner, matched by the console principal's
 * `personId`), `user:<id>` (a console user id: an owner or the template's fallback) or `group:<name>` (members of an
 * OIDC group owning the catalogue item).
 */
export type ReviewerRef = `person:${string}` | `user:${string}` | `group:${string}`;

/** One item: one entitlement one person holds in one target. */
export interface ReviewItem {
  readonly campaignId: string;
  /** 1-based within the campaign. */
  readonly seq: number;
  readonly personId: string;
  readonly personName: string;
  readonly target: string;
  readonly entitlement: string;
  readonly reasonKind: ReviewReasonKind;
  /** The rule or request that grants it (empty for unmanaged). */
  readonly reasonSource: string;
  readonly reasonText: string;
  readonly department?: string;
  readonly position?: string;
  /** Last time Cadre granted it (the audit's grant operation), when known. */
  readonly lastGrantedAt?: string;
  readonly reviewer: ReviewerRef;
  readonly decision?: ReviewDecision;
  readonly comment?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /** Set once an admin lifted the exception this removal made (the rule grants it again). */
  readonly lift?: { readonly by: string; readonly at: string; readonly reason: string };
}
