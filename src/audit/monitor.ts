/**
 * A cached view of `audit verify` for the console, so that the audit viewer can show the chain's state at the top of
 * every page without walking a large log on each view.
 *
 * - The first look and a press of "verify now" ({@link ChainMonitor.verifyFull}) walk the whole chain
 *   ({@link verifyChain}); so does the first look after `fullEveryMs`, in the background: that look (and every look
 *   until the walk ends) answers from the cache and the tail check, so no page view waits for a scheduled walk.
 * - While the head (the last entry and the recorded chain head) has not moved, the cached result is returned as is:
 *   filtering and paging through the viewer write nothing, so they cost nothing.
 * - When the head moved, only the entries appended since are checked (each links to the one before and matches its
 *   hash, the last verified entry is still there unchanged, the recorded head is the new tail). Anything odd falls
 *   back to a full walk, which gives the exact diagnosis. A tail check cannot see an edit to an entry it verified
 *   before; the status therefore says when the last full walk ran, and the full walk repeats on schedule.
 *
 * Concurrent lookers share one check (single flight).
 */
import type { AuditRow, Store } from '../store/types.js';
import { entryHash, HEAD_KEY, parseHead } from './chain.js';
import { verifyChain, type AuditProblem } from './verify.js';

/** The chain's state as last established. */
export interface ChainStatus {
  readonly ok: boolean;
  /** Entries in the verified chain. */
  readonly count: number;
  /** Seq of the newest entry covered (0 for an empty log). */
  readonly headSeq: number;
  readonly problems: readonly AuditProblem[];
  /** When the whole chain was last walked (ISO). */
  readonly fullAt: string;
  /** When the status was last brought up to the head (ISO). */
  readonly checkedAt: string;
  /** What this look did: walked everything, checked the appended tail, or found the head unmoved. */
  readonly how: 'full' | 'tail' | 'cached';
}

/** The monitor. */
export interface ChainMonitor {
  /** The status up to the current head: cached, tail-checked or fully verified (see the module comment). */
  status(): Promise<ChainStatus>;
  /** Walk the whole chain now. */
  verifyFull(): Promise<ChainStatus>;
  /** Resolves when no check or background walk is running (tests, shutdown). */
  idle(): Promise<void>;
}

/** Options of {@link createChainMonitor}. */
export interface ChainMonitorOptions {
  readonly now?: () => Date;
  /** A look after this long since the last full walk walks again (default one hour). */
  readonly fullEveryMs?: number;
  /** Rows per page of the tail check. */
  readonly pageSize?: number;
}

interface Cached {
  readonly status: ChainStatus;
  /** The newest verified entry (its seq and hash), absent for an empty log. */
  readonly last?: { readonly seq: number; readonly hash: string };
  /** The recorded head as verified (text of meta `audit.head`). */
  readonly headText: string | undefined;
}

/** A monitor over a store (one per console process). */
export function createChainMonitor(store: Store, opts: ChainMonitorOptions = {}): ChainMonitor {
  const now = opts.now ?? (() => new Date());
  const fullEvery = opts.fullEveryMs ?? 3_600_000;
  const pageSize = opts.pageSize ?? 2000;
  let cached: Cached | undefined;
  let pending: Promise<ChainStatus> | undefined;

  const full = async (): Promise<ChainStatus> => {
    // The head is read before the walk: entries appended during it are then tail-checked by the next look.
    const headText = await store.meta.get(HEAD_KEY);
    const before = await store.audit.last();
    const res = await verifyChain(store);
    const at = now().toISOString();
    const last = before ? { seq: before.seq, hash: before.hash } : undefined;
    // An intact chain numbers its entries 1..N; entries the walk saw beyond the head read first are tail-checked later.
    const count = res.ok ? last?.seq ?? 0 : res.count;
    const status: ChainStatus = { ok: res.ok, count, headSeq: last?.seq ?? 0, problems: res.problems, fullAt: at, checkedAt: at, how: 'full' };
    cached = { status, headText, ...(last ? { last } : {}) };
    return status;
  };

  /** The scheduled full walk, in the background (no page view waits for it); one at a time. */
  let walking: Promise<ChainStatus> | undefined;
  const walk = (): Promise<ChainStatus> => {
    walking ??= full().finally(() => { walking = undefined; });
    return walking;
  };

  /**
   * Check the entries after the cached last one up to the recorded head (entries appended meanwhile wait for the next
   * look); `undefined` when something needs the full walk.
   */
  const tail = async (c0: Cached, c: Cached & { last: NonNullable<Cached['last']> }, headText: string | undefined): Promise<ChainStatus | undefined> => {
    const head = parseHead(headText);
    if (!head || head.seq < c.last.seq) return undefined;
    const still = await store.audit.query({}, { limit: 1, order: 'asc', afterSeq: c.last.seq - 1 });
    if (still[0]?.seq !== c.last.seq || still[0].hash !== c.last.hash) return undefined;
    let prev: { seq: number; hash: string } = c.last;
    let added = 0;
    while (prev.seq < head.seq) {
      const rows: AuditRow[] = await store.audit.query({}, { limit: Math.min(pageSize, head.seq - prev.seq), order: 'asc', afterSeq: prev.seq });
      if (rows.length === 0) return undefined;
      for (const row of rows) {
        if (row.seq !== prev.seq + 1 || row.prevHash !== prev.hash || entryHash(row) !== row.hash) return undefined;
        prev = { seq: row.seq, hash: row.hash };
        added += 1;
      }
    }
    // The recorded head must be the entry reached (a tail removed, or entries added behind Cadre's back, differ).
    if (prev.hash !== head.hash) return undefined;
    // Entries beyond the head need a head moved with them: read the tail first, then the head (an append writes both
    // in one transaction), so a newer tail with an older head means entries written behind Cadre's back.
    const lastNow = await store.audit.last();
    const headNow = parseHead(await store.meta.get(HEAD_KEY));
    if ((lastNow?.seq ?? 0) > (headNow?.seq ?? 0)) return undefined;
    const status: ChainStatus = { ...c.status, count: c.status.count + added, headSeq: prev.seq, checkedAt: now().toISOString(), how: 'tail' };
    // A full walk that finished meanwhile is authoritative: keep its result.
    if (cached === c0) cached = { status, headText, last: prev };
    return status;
  };

  const look = async (): Promise<ChainStatus> => {
    const c = cached;
    if (!c) return walk();
    if (now().getTime() - Date.parse(c.status.fullAt) >= fullEvery) void walk().catch(() => undefined);
    const [headText, last] = await Promise.all([store.meta.get(HEAD_KEY), store.audit.last()]);
    if (headText === c.headText && last?.seq === c.last?.seq && last?.hash === c.last?.hash) return { ...c.status, how: 'cached' };
    // A broken chain is walked again in full: its findings must be current, and there is no sound base to extend.
    if (!c.status.ok || !c.last) return full();
    return (await tail(c, { ...c, last: c.last }, headText)) ?? full();
  };

  const once = (fn: () => Promise<ChainStatus>): Promise<ChainStatus> => {
    if (pending) return pending;
    pending = fn().finally(() => { pending = undefined; });
    return pending;
  };

  return {
    status: () => once(look),
    // A full walk requested while a look is running waits for it, then walks (its result must be a full one).
    async verifyFull() {
      while (pending) await pending.catch(() => undefined);
      if (walking) await walking.catch(() => undefined);
      return once(full);
    },
    async idle() {
      while (pending || walking) await Promise.allSettled([pending, walking]);
    },
  };
}
