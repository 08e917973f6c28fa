/** Audit summaries for reports and the console. */
import type { Store } from '../store/types.js';

/** Counts of audit entries. */
export interface AuditSummary {
  readonly since?: string;
  readonly until?: string;
  readonly total: number;
  readonly byEvent: Record<string, number>;
  /** Entries without a target are counted under "-". */
  readonly byTarget: Record<string, number>;
  /** event → target → count. */
  readonly byEventAndTarget: Record<string, Record<string, number>>;
  /** Operation outcomes (`done`, `failed`, `skipped`, `interrupted`) → action → target → count. */
  readonly operations: Record<string, Record<string, Record<string, number>>>;
  /** Finished runs by status (`ok`, `failed`), from `run.finish` entries. */
  readonly runsFinished: Record<string, number>;
  readonly first?: string;
  readonly last?: string;
}

const counter = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

function field(payload: string, name: string): string {
  try {
    const a = (JSON.parse(payload) as Record<string, unknown> | null)?.[name];
    return typeof a === 'string' ? a : '?';
  } catch {
    return '?';
  }
}

/**
 * Count entries per event and target, and operation outcomes per action and target; optionally only entries at or
 * after `since` and before `until` (ISO instants).
 */
export async function auditSummary(store: Store, since?: string, until?: string): Promise<AuditSummary> {
  const byEvent = counter<number>();
  const byTarget = counter<number>();
  const byEventAndTarget = counter<Record<string, number>>();
  const operations = counter<Record<string, Record<string, number>>>();
  const runsFinished = counter<number>();
  let total = 0;
  let first: string | undefined;
  let last: string | undefined;
  for await (const page of store.audit.iterate(2000)) {
    for (const row of page) {
      if (since !== undefined && row.at < since) continue;
      if (until !== undefined && row.at >= until) continue;
      const target = row.target ?? '-';
      total += 1;
      byEvent[row.event] = (byEvent[row.event] ?? 0) + 1;
      byTarget[target] = (byTarget[target] ?? 0) + 1;
      const perTarget = (byEventAndTarget[row.event] ??= {});
      perTarget[target] = (perTarget[target] ?? 0) + 1;
      if (row.event === 'run.finish') {
        const st = field(row.payload, 'status');
        runsFinished[st] = (runsFinished[st] ?? 0) + 1;
      }
      if (row.event.startsWith('op.')) {
        const byAction = (operations[row.event.slice(3)] ??= counter());
        const cell = (byAction[field(row.payload, 'action')] ??= counter());
        cell[target] = (cell[target] ?? 0) + 1;
      }
      if (first === undefined || row.at < first) first = row.at;
      if (last === undefined || row.at > last) last = row.at;
    }
  }
  return {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    total, byEvent, byTarget, byEventAndTarget, operations, runsFinished,
    ...(first === undefined ? {} : { first }),
    ...(last === undefined ? {} : { last }),
  };
}
