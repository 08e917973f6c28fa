/**
 * Chain verification. Detects entries edited (hash mismatch), inserted (a later entry links past them), removed
 * (seq gap, renumbered entries, or a tail shorter than the chain head recorded in meta) and broken links.
 */
import type { AuditRow, Store } from '../store/types.js';
import { entryHash, GENESIS_HASH, HEAD_KEY, parseHead } from './chain.js';

/** One verification finding. `seq` is where the problem starts. */
export interface AuditProblem {
  readonly seq: number;
  readonly kind: 'changed' | 'inserted' | 'removed' | 'broken-link';
  readonly message: string;
}

/** Result of {@link verifyChain}. */
export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Entries checked. */
  readonly count: number;
  readonly problems: AuditProblem[];
}

/** How far back/forward renumbered or inserted entries are recognised. */
const WINDOW = 16;
/** Re-walks when entries are appended while verifying. */
const MAX_ROUNDS = 5;

const span = (from: number, to: number): string => (from === to ? `entry ${from}` : `entries ${from}..${to}`);

/** Walk the whole chain in seq order and report every inconsistency. */
export async function verifyChain(store: Store, pageSize = 2000): Promise<AuditVerifyResult> {
  const problems: AuditProblem[] = [];
  let count = 0;
  let prev: AuditRow | undefined;
  const recent: { seq: number; hash: string }[] = [];
  const seenHashes = new Map<string, number>();
  // row.seq minus the seq the entry was hashed with: non-zero after renumbering.
  let shift = 0;

  const check = (row: AuditRow): void => {
    count += 1;
    const expectedSeq = prev ? prev.seq + 1 : 1;
    const gap = row.seq > expectedSeq;
    if (gap) {
      problems.push({ seq: expectedSeq, kind: 'removed', message: `${span(expectedSeq, row.seq - 1)} missing (seq gap)` });
    }
    let origSeq: number | undefined;
    const candidates = [row.seq - shift, row.seq];
    for (let d = 1; d <= WINDOW; d += 1) candidates.push(row.seq - shift - d, row.seq - shift + d);
    for (const c of candidates) {
      if (entryHash(row, c) === row.hash) {
        origSeq = c;
        break;
      }
    }
    let delta = 0;
    if (origSeq === undefined) {
      problems.push({ seq: row.seq, kind: 'changed', message: `entry ${row.seq} does not match its hash (edited after it was written)` });
    } else {
      delta = row.seq - origSeq - shift;
      shift = row.seq - origSeq;
    }
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (row.prevHash !== expectedPrev && !gap) {
      const linked = recent.find((r) => r.hash === row.prevHash);
      if (linked && prev) {
        problems.push({ seq: linked.seq + 1, kind: 'inserted', message: `${span(linked.seq + 1, prev.seq)} not part of the original chain (entry ${row.seq} links to entry ${linked.seq})` });
      } else if (delta < 0 || !prev) {
        const n = delta < 0 ? `${-delta} ` : '';
        problems.push({ seq: row.seq, kind: 'removed', message: `${n}entr${delta === -1 ? 'y' : 'ies'} before seq ${row.seq} removed (later entries renumbered)` });
      } else {
        problems.push({ seq: row.seq, kind: 'broken-link', message: `entry ${row.seq} does not link to entry ${prev.seq} (prev_hash mismatch)` });
      }
    } else if (delta !== 0 && !gap) {
      problems.push({ seq: row.seq, kind: delta > 0 ? 'inserted' : 'removed', message: `entry ${row.seq} was renumbered from seq ${origSeq}` });
    }
    recent.push({ seq: row.seq, hash: row.hash });
    if (recent.length > WINDOW) recent.shift();
    seenHashes.set(row.hash, row.seq);
    prev = row;
  };

  // Entries appended while verifying are walked too, so the head comparison below is consistent.
  let head = parseHead(await store.meta.get(HEAD_KEY));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const after = prev?.seq ?? Number.NEGATIVE_INFINITY;
    for await (const page of store.audit.iterate(pageSize)) {
      for (const row of page) if (row.seq > after) check(row);
    }
    head = parseHead(await store.meta.get(HEAD_KEY));
    const last = await store.audit.last();
    if ((last?.seq ?? 0) <= (prev?.seq ?? 0)) break;
  }

  const tail = prev;
  if (head === undefined) {
    if (tail) problems.push({ seq: tail.seq + 1, kind: 'broken-link', message: 'the chain head record (meta audit.head) is missing' });
  } else if (!tail) {
    if (head.seq > 0) problems.push({ seq: 1, kind: 'removed', message: `all entries removed (chain head says ${head.seq} were written)` });
  } else if (tail.hash !== head.hash) {
    const headAt = seenHashes.get(head.hash);
    if (headAt !== undefined) {
      problems.push({ seq: headAt + 1, kind: 'inserted', message: `${span(headAt + 1, tail.seq)} appended after the recorded chain head (not written by Cadre)` });
    } else if (head.seq > tail.seq - shift) {
      const from = tail.seq - shift + 1;
      problems.push({ seq: from, kind: 'removed', message: `${span(from, head.seq)} removed from the end of the log (chain head records seq ${head.seq})` });
    } else {
      problems.push({ seq: tail.seq, kind: 'changed', message: `last entry ${tail.seq} differs from the recorded chain head` });
    }
  }
  return { ok: problems.length === 0, count, problems };
}
