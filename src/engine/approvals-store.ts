/**
 * Approvals given in the console for a blocked plan, kept in the store until a run uses them. The CLI approves for
 * its own run (`--approve`); the console cannot reach into the scheduler's next tick, so it leaves the approval here
 * and the threshold gate of the next run (scheduled or manual) picks it up, once.
 *
 * An approval covers one target and action, at most as many operations as the block it approved had (a bigger
 * breach is a new decision), and lapses after a day unused.
 */
import type { ThresholdBreach } from '../core/model.js';
import type { Store } from '../store/types.js';

/** Store meta key of the console approvals. */
export const APPROVALS_KEY = 'thresholds.approvals';
/** An unused approval lapses after this long. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

/** One stored approval. */
export interface StoredApproval {
  readonly target: string;
  readonly action: string;
  /** The breach's count when it was approved: a larger breach is not covered. */
  readonly maxCount: number;
  /** `web:<principal id>`. */
  readonly actor: string;
  readonly comment: string;
  readonly at: string;
  readonly until: string;
}

/** Every stored approval (expired ones included). */
export async function readApprovals(store: Store): Promise<StoredApproval[]> {
  const raw = await store.meta.get(APPROVALS_KEY);
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list as StoredApproval[]) : [];
  } catch {
    return [];
  }
}

/** Replace the stored approvals. */
export async function writeApprovals(store: Store, list: readonly StoredApproval[]): Promise<void> {
  await store.meta.set(APPROVALS_KEY, JSON.stringify(list));
}

/** Approvals still valid at `now`. */
export function activeApprovals(list: readonly StoredApproval[], now: Date): StoredApproval[] {
  return list.filter((a) => Date.parse(a.until) > now.getTime());
}

/** Whether an approval covers a breach (same target and action, no more operations than approved). */
export function approvalCovers(a: StoredApproval, b: ThresholdBreach): boolean {
  return a.target === b.target && a.action === b.action && b.count <= a.maxCount;
}
