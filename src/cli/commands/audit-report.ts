/** `cadre audit report`: what Cadre did in a period, for auditors and the weekly review. */
import { auditSummary, type AuditSummary } from '../../audit/report.js';
import type { AuditVerifyResult } from '../../audit/verify.js';
import type { Io } from '../io.js';

/** Everything the report shows; `--json` prints exactly this. */
export interface AuditReport {
  readonly summary: AuditSummary;
  /** Verification of the whole chain (not only the period): a gap anywhere makes the period's entries suspect. */
  readonly chain: { readonly ok: boolean; readonly count: number; readonly problems: number };
}

const OUTCOMES = ['done', 'failed', 'skipped', 'interrupted'] as const;

/** Build the report for entries at or after `since` and before `until`. Runs are counted from the audit itself. */
export async function buildAuditReport(
  engine: { store: Parameters<typeof auditSummary>[0]; audit: { verify(): Promise<AuditVerifyResult> } },
  since?: string,
  until?: string,
): Promise<AuditReport> {
  const [summary, v] = await Promise.all([auditSummary(engine.store, since, until), engine.audit.verify()]);
  return { summary, chain: { ok: v.ok, count: v.count, problems: v.problems.length } };
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ').trimEnd());
}

/** Human text of the report. */
export function printAuditReport(r: AuditReport, io: Io): void {
  const s = r.summary;
  const period = `${s.since ?? s.first ?? '…'} → ${s.until ?? s.last ?? '…'}`;
  io.out(`Audit report ${period}: ${s.total} entries`);
  io.out(r.chain.ok
    ? io.c.green(`  hash chain intact (${r.chain.count} entries verified)`)
    : io.c.red(`  hash chain TAMPERED: ${r.chain.problems} problem(s); run cadre audit verify`));
  const finished = Object.entries(s.runsFinished).sort().map(([k, n]) => `${n} ${k}`).join(', ');
  const interrupted = s.byEvent['run.interrupted'] ?? 0;
  io.out(`  runs started: ${s.byEvent['run.start'] ?? 0}${finished ? `; finished ${finished}` : ''}${interrupted ? `; ${interrupted} interrupted` : ''}`);
  const blocked = s.byEvent['plan.blocked'] ?? 0;
  if (blocked > 0) io.out(`  plans blocked by thresholds: ${blocked}, approved afterwards: ${s.byEvent['plan.approved'] ?? 0}`);
  for (const outcome of OUTCOMES) {
    const byAction = s.operations[outcome];
    if (!byAction) continue;
    const targets = [...new Set(Object.values(byAction).flatMap((t) => Object.keys(t)))].sort();
    const actions = Object.keys(byAction).sort();
    io.out('');
    io.out(`Operations ${outcome}:`);
    const rows = [['  action', ...targets, 'total'], ...actions.map((a) => {
      const cells = targets.map((t) => String(byAction[a]?.[t] ?? 0));
      const sum = targets.reduce((n, t) => n + (byAction[a]?.[t] ?? 0), 0);
      return [`  ${a}`, ...cells, String(sum)];
    })];
    for (const line of table(rows)) io.out(line);
  }
  if (!s.operations['done'] && !s.operations['failed']) io.out('\nNo operations in this period.');
}
