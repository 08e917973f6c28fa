/** Helpdesk actions per period: `helpdesk.*` audit entries counted by actor and type (refusals and failures apart). */
import { cmp, type Report } from './common.js';

/** The audit fields the report reads (a stored audit row has them). */
export interface HelpdeskAuditRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly event: string;
  readonly personId?: string;
  readonly target?: string;
}

/** Count of one actor's actions of one type. */
export type HelpdeskRow = {
  readonly actor: string;
  /** `resetPassword`, `unlock`, `edit`, `disable`, `enable`, `groups`, … */
  readonly type: string;
  readonly done: number;
  /** Submissions the server refused (`helpdesk.<type>.refused`). */
  readonly refused: number;
  /** Submissions the target or the run failed (`helpdesk.<type>.failed`). */
  readonly failed: number;
};

/** One entry, for the detail list. */
export interface HelpdeskEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly type: string;
  readonly outcome: 'done' | 'refused' | 'failed';
  readonly personId?: string;
  readonly target?: string;
}

/** The report: counts by actor and type, totals by type, and every entry. */
export interface HelpdeskReport extends Report<HelpdeskRow> {
  readonly since?: string;
  readonly until?: string;
  readonly byType: Readonly<Record<string, { readonly done: number; readonly refused: number; readonly failed: number }>>;
  readonly entries: readonly HelpdeskEntry[];
}

/** Build the report from the period's `helpdesk.*` audit rows. */
export function helpdeskReport(audit: Iterable<HelpdeskAuditRow>, at: string, period: { since?: string; until?: string } = {}): HelpdeskReport {
  const counts = new Map<string, { actor: string; type: string; done: number; refused: number; failed: number }>();
  const byType: Record<string, { done: number; refused: number; failed: number }> = {};
  const entries: HelpdeskEntry[] = [];
  for (const r of audit) {
    if (!r.event.startsWith('helpdesk.')) continue;
    const rest = r.event.slice('helpdesk.'.length);
    const outcome = rest.endsWith('.refused') ? 'refused' : rest.endsWith('.failed') ? 'failed' : 'done';
    const type = outcome === 'done' ? rest : rest.slice(0, -(outcome.length + 1));
    const key = `${r.actor}\u0000${type}`;
    const c = counts.get(key) ?? { actor: r.actor, type, done: 0, refused: 0, failed: 0 };
    counts.set(key, c);
    const t = (byType[type] ??= { done: 0, refused: 0, failed: 0 });
    c[outcome] += 1;
    t[outcome] += 1;
    entries.push({ seq: r.seq, at: r.at, actor: r.actor, type, outcome, ...(r.personId !== undefined ? { personId: r.personId } : {}), ...(r.target !== undefined ? { target: r.target } : {}) });
  }
  const rows = [...counts.values()].sort((a, b) => cmp(a.actor, b.actor) || cmp(a.type, b.type));
  return {
    report: 'helpdesk', at, columns: ['actor', 'type', 'done', 'refused', 'failed'], rows, byType, entries,
    ...(period.since !== undefined ? { since: period.since } : {}), ...(period.until !== undefined ? { until: period.until } : {}),
  };
}
