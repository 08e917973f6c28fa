/** Hash chain primitives shared by the log and its verifier. */
import { createHash } from 'node:crypto';
import type { AuditRow } from '../store/types.js';
import { canonicalJson } from './canonical.js';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** meta key holding the chain head `{ seq, hash }` (detects a truncated tail). */
export const HEAD_KEY = 'audit.head';

/** The last appended entry as recorded in meta. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** Fields covered by the hash. */
export type HashedFields = Pick<AuditRow, 'seq' | 'at' | 'actor' | 'event' | 'runId' | 'personId' | 'target' | 'payload' | 'prevHash'>;

/** sha256(prevHash + canonical JSON of {seq, at, actor, event, runId, personId, target, payload}), hex. */
export function entryHash(row: HashedFields, seq: number = row.seq): string {
  const body = canonicalJson({
    seq,
    at: row.at,
    actor: row.actor,
    event: row.event,
    runId: row.runId,
    personId: row.personId,
    target: row.target,
    payload: row.payload,
  });
  return createHash('sha256').update(row.prevHash + body, 'utf8').digest('hex');
}

/** Parse the stored head; undefined when absent or unreadable. */
export function parseHead(text: string | undefined): ChainHead | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as { seq?: unknown; hash?: unknown };
    if (typeof v.seq === 'number' && typeof v.hash === 'string') return { seq: v.seq, hash: v.hash };
  } catch {
    // fall through
  }
  return undefined;
}
