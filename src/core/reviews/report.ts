/** A campaign's report: each item's decision, who decided, when and why, as rows and as CSV / JSON. Pure. */
import { csvLine } from '../../audit/export.js';
import type { ReviewCampaign, ReviewItem } from './model.js';

/** Report columns, in order. */
export const REVIEW_COLUMNS = ['item', 'personId', 'person', 'department', 'position', 'target', 'entitlement', 'reason', 'source', 'why', 'lastGrantedAt', 'reviewer', 'decision', 'decidedBy', 'decidedAt', 'comment', 'flag', 'liftedBy', 'liftedAt', 'liftReason'] as const;

/** One report row. */
export type ReviewRow = Record<(typeof REVIEW_COLUMNS)[number], string>;

/** The line that tells the rule's owner: a removed rule grant stays an exception until the rule changes. */
export function flagOf(it: Pick<ReviewItem, 'decision' | 'reasonKind' | 'reasonSource' | 'lift'>, ruleOwners: Readonly<Record<string, string>>): string {
  if (it.decision !== 'remove' || it.reasonKind !== 'rule') return '';
  const flag = `rule ${it.reasonSource} grants it: kept removed as an exception; owner ${ruleOwners[it.reasonSource] ?? 'admins'} told`;
  return it.lift !== undefined ? `${flag}; exception lifted by ${it.lift.by}` : flag;
}

/** Rows of a campaign's report. */
export function reviewRows(items: readonly ReviewItem[], ruleOwners: Readonly<Record<string, string>> = {}): ReviewRow[] {
  return items.map((it) => ({
    item: String(it.seq), personId: it.personId, person: it.personName, department: it.department ?? '', position: it.position ?? '',
    target: it.target, entitlement: it.entitlement, reason: it.reasonKind, source: it.reasonSource, why: it.reasonText,
    lastGrantedAt: it.lastGrantedAt ?? '', reviewer: it.reviewer, decision: it.decision ?? '', decidedBy: it.decidedBy ?? '',
    decidedAt: it.decidedAt ?? '', comment: it.comment ?? '', flag: flagOf(it, ruleOwners),
    liftedBy: it.lift?.by ?? '', liftedAt: it.lift?.at ?? '', liftReason: it.lift?.reason ?? '',
  }));
}

/** CSV (header + one CRLF line per item; cells guarded against spreadsheet formulas). */
export function reviewCsv(items: readonly ReviewItem[], ruleOwners: Readonly<Record<string, string>> = {}): string {
  return csvLine(REVIEW_COLUMNS) + reviewRows(items, ruleOwners).map((r) => csvLine(REVIEW_COLUMNS.map((c) => r[c]))).join('');
}

/** JSON: the campaign and its rows. */
export function reviewJson(campaign: ReviewCampaign, items: readonly ReviewItem[], ruleOwners: Readonly<Record<string, string>> = {}): string {
  return JSON.stringify({ campaign, items: reviewRows(items, ruleOwners) }, null, 2);
}

/** Progress: decided / total. */
export function progress(items: readonly Pick<ReviewItem, 'decision'>[]): { decided: number; total: number } {
  return { decided: items.filter((i) => i.decision !== undefined).length, total: items.length };
}
