/** Audit summaries for reports and the console. */
import type { Store } from '../store/types.js';

/** Counts of audit entries. */
export interface AuditSummary {
  readonly since?: string;
  readonly total: number;
  readonly byEvent: Record<string, number>;
  /** Entries without a target are counted under "-". */
  readonly byTarget: Record<string, number>;
  /** event → target → count. */
  readonly byEventAndTarget: Record<string, Record<string, number>>;
  readonly first?: string;
  readonly last?: string;
}

/** Count entries per event and target, optionally only those at or after `since` (ISO). */
export async function auditSummary(store: Store, since?: string): Promise<AuditSummary> {
  const byEvent: Record<string, number> = Object.create(null) as Record<string, number>;
  const byTarget: Record<string, number> = Object.create(null) as Record<string, number>;
  const byEventAndTarget: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>;
  let total = 0;
  let first: string | undefined;
  let last: string | undefined;
  for await (const page of store.audit.iterate(2000)) {
    for (const row of page) {
      if (since !== undefined && row.at < since) continue;
      const target = row.target ?? '-';
      total += 1;
      byEvent[row.event] = (byEvent[row.event] ?? 0) + 1;
      byTarget[target] = (byTarget[target] ?? 0) + 1;
      const perTarget = (byEventAndTarget[row.event] ??= {});
      perTarget[target] = (perTarget[target] ?? 0) + 1;
      if (first === undefined || row.at < first) first = row.at;
      if (last === undefined || row.at > last) last = row.at;
    }
  }
  return {
    ...(since === undefined ? {} : { since }),
    total, byEvent, byTarget, byEventAndTarget,
    ...(first === undefined ? {} : { first }),
    ...(last === undefined ? {} : { last }),
  };
}
