/** Serialisation of any report: CSV (formula-injection safe, via the audit export's csvCell), JSON and a text table. */
import { csvLine } from '../../audit/export.js';
import type { AnyReport, Cell } from '../../core/reports/common.js';

const cellText = (v: Cell | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The report's rows as CSV (header line first, CRLF line ends). */
export function reportCsv(report: AnyReport): string {
  let out = csvLine(report.columns);
  for (const row of report.rows) out += csvLine(report.columns.map((c) => cellText(row[c])));
  return out;
}

/** The whole report (rows and extras) as pretty JSON. */
export function reportJson(report: object): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A plain text table for terminals; control characters in values are shown as `?` (no terminal escapes). */
export function reportText(report: AnyReport, opts: { maxWidth?: number } = {}): string {
  const max = opts.maxWidth ?? 60;
  const clean = (s: string): string => { const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'); return t.length > max ? `${t.slice(0, max - 1)}…` : t; };
  const cells = report.rows.map((r) => report.columns.map((c) => clean(cellText(r[c]))));
  const widths = report.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (vals: readonly string[]): string => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(report.columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
