/** The audit viewer's query: filtered, newest first, one page at a time (keyset paging on `seq`). */
import type { AuditFilter, AuditRow, Store } from '../store/types.js';

/** Filters plus paging of {@link queryAudit}. */
export interface AuditQuery extends AuditFilter {
  /** Rows per page (default 50, at most {@link MAX_AUDIT_PAGE}). */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of audit rows, newest first. */
export interface AuditQueryPage {
  readonly rows: readonly AuditRow[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  readonly nextCursor?: string;
}

/** Largest page {@link queryAudit} returns. */
export const MAX_AUDIT_PAGE = 1000;

/** Thrown for a cursor that no page handed out (e.g. edited in a URL). */
export class AuditCursorError extends Error {
  readonly code = 'AUDIT_CURSOR_INVALID';
  constructor(cursor: string) {
    super(`invalid audit cursor "${cursor.slice(0, 40)}"`);
  }
}

/** The seq a cursor stands for. */
function decodeCursor(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new AuditCursorError(cursor);
  return Number(cursor);
}

/**
 * One page of the audit log matching the filter, newest first. The store answers it in SQL through the indexes of
 * migration 0011 (one index range per filter), so a page costs the same with a million rows as with a hundred.
 * `event` matches the name and every event below it; `actor` ending in `*` is a prefix.
 */
export async function queryAudit(store: Store, q: AuditQuery): Promise<AuditQueryPage> {
  const limit = Math.min(MAX_AUDIT_PAGE, Math.max(1, Math.floor(q.limit ?? 50)));
  const { limit: _l, cursor, ...filter } = q;
  const rows = await store.audit.query(filter, { limit: limit + 1, order: 'desc', ...(cursor !== undefined && cursor !== '' ? { afterSeq: decodeCursor(cursor) } : {}) });
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: String((page[page.length - 1] as AuditRow).seq) };
}

/** Every row matching the filter in seq order (oldest first), in pages: for exports and reports. */
export async function* iterateAudit(store: Store, filter: AuditFilter, pageSize = 1000): AsyncIterable<AuditRow[]> {
  let afterSeq: number | undefined;
  for (;;) {
    const rows = await store.audit.query(filter, { limit: pageSize, order: 'asc', ...(afterSeq !== undefined ? { afterSeq } : {}) });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    afterSeq = (rows[rows.length - 1] as AuditRow).seq;
  }
}
