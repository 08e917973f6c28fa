/** Streaming export of the audit log as CSV (spreadsheet-safe), JSON array or NDJSON. */
import { once } from 'node:events';
import type { AuditFilter, AuditRow, Store } from '../store/types.js';
import { iterateAudit } from './query.js';

/** Export formats. */
export type AuditExportFormat = 'csv' | 'json' | 'ndjson';

/**
 * Row filter; `since` inclusive, `until` exclusive, both ISO instants (or dates); `actor` exact or a prefix ending in
 * `*`; `event` a name and everything below it. The same filter as the audit viewer ({@link AuditFilter}).
 */
export type AuditExportFilter = AuditFilter;

const COLUMNS = ['seq', 'at', 'actor', 'event', 'run_id', 'person_id', 'target', 'payload', 'prev_hash', 'hash'] as const;

/** A cell a spreadsheet would evaluate: a trigger (ASCII or full-width) at the start, after blanks or not. */
const FORMULA_START = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;
const AFTER_SEMICOLON = /;(\s*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/g;

/**
 * One CSV cell: neutralises spreadsheet formulas (a leading = + - @ TAB or CR gets a single quote) and quotes per
 * RFC 4180 when the cell holds a comma, quote, CR, LF or leading/trailing space.
 */
export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  // Excel in a German locale splits CSV at ';' (and reads a quote inside such a field literally): a formula right
  // after a semicolon would start a cell there.
  s = s.replace(AFTER_SEMICOLON, ";'$1");
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record (CRLF-terminated) of {@link csvCell} cells. */
export const csvLine = (cells: readonly (string | number | undefined)[]): string => `${cells.map(csvCell).join(",")}\r\n`;

function jsonRow(row: AuditRow): Record<string, unknown> {
  let payload: unknown = row.payload;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    // keep the raw text of a corrupt payload
  }
  return { ...row, payload };
}

/** Counts what {@link auditExportChunks} produced (readable once the iteration ended). */
export interface AuditExportCounter {
  rows: number;
}

/**
 * The (filtered) audit log in `format`, as text chunks (one per page of 1000 rows). Pull-based: a consumer that stops
 * (an HTTP client that went away, `Readable.from(...)` destroyed) stops the reading too.
 * `event` matches the event name or any event below it (`apply` matches `apply.operation.done`); `actor` and `target`
 * narrow further.
 */
export async function* auditExportChunks(store: Store, format: AuditExportFormat, filter?: AuditExportFilter, counter?: AuditExportCounter): AsyncGenerator<string, void, undefined> {
  let n = 0;
  if (format === 'csv') yield csvLine(COLUMNS);
  if (format === 'json') yield '[';
  // Filtered in SQL (the viewer's indexes), oldest first.
  for await (const page of iterateAudit(store, filter ?? {}, 1000)) {
    let buf = '';
    for (const row of page) {
      if (format === 'csv') {
        buf += csvLine([row.seq, row.at, row.actor, row.event, row.runId, row.personId, row.target, row.payload, row.prevHash, row.hash]);
      } else if (format === 'json') {
        buf += `${n === 0 ? '\n' : ',\n'}${JSON.stringify(jsonRow(row))}`;
      } else {
        buf += `${JSON.stringify(jsonRow(row))}\n`;
      }
      n += 1;
      if (counter) counter.rows = n;
    }
    if (buf) yield buf;
  }
  if (format === 'json') yield n === 0 ? ']\n' : '\n]\n';
}

/**
 * Write the (filtered) audit log to `out`, page by page, honouring back-pressure. Does not end `out`.
 * @returns the number of rows written.
 */
export async function exportAudit(
  store: Store,
  format: AuditExportFormat,
  out: NodeJS.WritableStream,
  filter?: AuditExportFilter,
): Promise<number> {
  const counter: AuditExportCounter = { rows: 0 };
  for await (const chunk of auditExportChunks(store, format, filter, counter)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  return counter.rows;
}
