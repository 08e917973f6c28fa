/**
 * The audit log: append-only, hash-chained, secrets redacted.
 *
 * ```ts
 * const audit = createAuditLog(store);
 * await audit.record({ actor: 'engine', event: 'account.created', personId: '1001', target: 'ad', payload: { after } });
 * const { ok, problems } = await audit.verify();
 * ```
 */
import type { AuditRow, Store } from '../store/types.js';
import { entryHash, GENESIS_HASH, HEAD_KEY, parseHead } from './chain.js';
import { canonicalJson } from './canonical.js';
import { redact } from './redact.js';
import { verifyChain, type AuditVerifyResult } from './verify.js';

export type { AuditProblem, AuditVerifyResult } from './verify.js';
export { GENESIS_HASH, entryHash } from './chain.js';

/** One decision or operation to record. */
export interface AuditEvent {
  /** Who or what: `engine`, `scheduler`, `cli:alice`, `web:alice`. */
  readonly actor: string;
  /** Dotted event name, e.g. `apply.operation.done`, `plan.blocked`. */
  readonly event: string;
  readonly runId?: string;
  readonly personId?: string;
  readonly target?: string;
  /** Before/after/reason; redacted before it is stored. */
  readonly payload?: unknown;
}

/** The audit log API. */
export interface AuditLog {
  record(e: AuditEvent): Promise<AuditRow>;
  /**
   * Append within the caller's open transaction (`store.transaction(tx => …)`), so the entry commits or rolls back
   * with the change it describes. The transaction serialises it with every other append.
   */
  recordIn(tx: Store, e: AuditEvent): Promise<AuditRow>;
  /** {@link recordIn} for several entries, chained in order with one read of the chain's head. */
  recordManyIn(tx: Store, events: readonly AuditEvent[]): Promise<AuditRow[]>;
  verify(): Promise<AuditVerifyResult>;
}

// Appends to the same store are serialised within the process; the transaction (BEGIN IMMEDIATE on SQLite,
// advisory lock on PostgreSQL) serialises them across processes.
const queues = new WeakMap<Store, Promise<unknown>>();

/** Audit log over a store. `now` is injectable for tests. */
export function createAuditLog(store: Store, opts: { now?: () => Date } = {}): AuditLog {
  const now = opts.now ?? (() => new Date());

  // One chain read per call however many entries: a batch of settled operations costs one lookup, not one each.
  const appendMany = (events: readonly AuditEvent[], on: Store = store): Promise<AuditRow[]> => on.transaction(async (tx) => {
    if (events.length === 0) return [];
    if (tx.audit.lockChain) await tx.audit.lockChain();
    const last = await tx.audit.last();
    const head = parseHead(await tx.meta.get(HEAD_KEY));
    let seq = (last?.seq ?? 0) + 1;
    let prevHash = last?.hash ?? GENESIS_HASH;
    // The tail was removed or rewritten behind Cadre's back: continue from the recorded head so that the
    // damage stays visible to verify() instead of being papered over by the new entry.
    if (head && head.seq >= (last?.seq ?? 0) && (head.seq !== last?.seq || head.hash !== last.hash)) {
      seq = head.seq + 1;
      prevHash = head.hash;
    }
    const rows: AuditRow[] = [];
    for (const e of events) {
      const base = {
        seq,
        at: now().toISOString(),
        actor: e.actor,
        event: e.event,
        ...(e.runId === undefined ? {} : { runId: e.runId }),
        ...(e.personId === undefined ? {} : { personId: e.personId }),
        ...(e.target === undefined ? {} : { target: e.target }),
        payload: canonicalJson(redact(e.payload ?? null)),
        prevHash,
      };
      const row: AuditRow = { ...base, hash: entryHash(base) };
      await tx.audit.append(row);
      rows.push(row);
      seq += 1;
      prevHash = row.hash;
    }
    const end = rows[rows.length - 1] as AuditRow;
    await tx.meta.set(HEAD_KEY, JSON.stringify({ seq: end.seq, hash: end.hash }));
    return rows;
  });
  const append = async (e: AuditEvent, on?: Store): Promise<AuditRow> => (await appendMany([e], on))[0] as AuditRow;

  return {
    record(e) {
      const prev = queues.get(store) ?? Promise.resolve();
      const next = prev.then(() => append(e), () => append(e));
      queues.set(store, next.catch(() => undefined));
      return next;
    },
    recordIn: (tx, e) => append(e, tx),
    recordManyIn: (tx, events) => appendMany(events, tx),
    verify: () => verifyChain(store),
  };
}
