/**
 * Runs plan operations: dependencies first, bounded concurrency per target, retries for transient
 * errors (honouring Retry-After), every step journaled. One failed person never stops the others.
 */
import type { AccountState, Operation } from '../core/model.js';
import type { OperationResult, TargetError } from '../targets/contract.js';
import type { JournalStatus } from '../store/types.js';

/** Outcome of one operation. */
export interface OpOutcome {
  readonly op: Operation;
  readonly status: Exclude<JournalStatus, 'pending'>;
  readonly attempts: number;
  readonly anchor?: string;
  readonly error?: TargetError;
  readonly note?: string;
  /** The account as the connector read it back after the operation (stored instead of a computed guess). */
  readonly state?: AccountState;
  /** The connector found the account already as asked and wrote nothing (see OperationResult). */
  readonly unchanged?: boolean;
}

/** What the executor needs from the engine. */
export interface ExecutorDeps {
  /** Runs one attempt of one operation. Expected failures are results; throws are treated as errors. */
  run(op: Operation): Promise<OperationResult>;
  /** Max concurrent operations per target. */
  concurrency(target: string): number;
  /** Retries after the first attempt for transient errors. */
  readonly retries: number;
  /** Called once per operation when it is final (journal, audit, store). */
  settle(outcome: OpOutcome): Promise<void>;
  /** Progress callback. */
  progress?(done: number, total: number): void;
  /** Injectable for tests. */
  sleep?(ms: number): Promise<void>;
  /** Base backoff in ms for transient errors without Retry-After. */
  readonly backoffMs?: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A FIFO counting semaphore. */
function semaphore(size: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= size) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

function asTargetError(err: unknown): TargetError {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? String((err as { code: string }).code) : 'UNEXPECTED';
  const message = err instanceof Error ? err.message : String(err);
  const transient = /UNAVAILABLE|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|TIMEOUT/i.test(code);
  return { code, message, transient };
}

/** Execute operations respecting `dependsOn`; resolves when every operation is settled. */
export async function execute(ops: readonly Operation[], deps: ExecutorDeps): Promise<OpOutcome[]> {
  const sleep = deps.sleep ?? realSleep;
  const base = deps.backoffMs ?? 500;
  const gates = new Map<string, <T>(fn: () => Promise<T>) => Promise<T>>();
  const gate = (target: string) => {
    let g = gates.get(target);
    if (!g) {
      g = semaphore(Math.max(1, deps.concurrency(target)));
      gates.set(target, g);
    }
    return g;
  };
  const promises = new Map<string, Promise<OpOutcome>>();
  let done = 0;

  const attempt = async (op: Operation): Promise<OpOutcome> => {
    let tries = 0;
    for (;;) {
      tries += 1;
      let result: OperationResult;
      try {
        result = await gate(op.target)(() => deps.run(op));
      } catch (err) {
        result = { ok: false, error: asTargetError(err) };
      }
      if (result.ok) {
        return { op, status: 'done', attempts: tries, ...(result.anchor ? { anchor: result.anchor } : {}), ...(result.note ? { note: result.note } : {}), ...(result.state ? { state: result.state } : {}), ...(result.unchanged ? { unchanged: true } : {}) };
      }
      if (!result.error.transient || tries > deps.retries) return { op, status: 'failed', attempts: tries, error: result.error };
      const wait = result.error.retryAfter !== undefined
        ? result.error.retryAfter * 1000
        : base * 2 ** (tries - 1) * (0.5 + Math.random());
      await sleep(wait);
    }
  };

  const byId = new Map(ops.map((o) => [o.id, o]));
  const schedule = (op: Operation): Promise<OpOutcome> => {
    const existing = promises.get(op.id);
    if (existing) return existing;
    const p = (async (): Promise<OpOutcome> => {
      const before = await Promise.all(op.dependsOn.filter((id) => byId.has(id)).map((id) => schedule(byId.get(id) as Operation)));
      const blocker = before.find((o) => o.status !== 'done');
      const outcome: OpOutcome = blocker
        ? { op, status: 'skipped', attempts: 0, error: { code: 'DEPENDENCY_FAILED', message: `skipped: ${blocker.op.action} ${blocker.op.target} for person ${blocker.op.personId} did not succeed`, transient: false } }
        : await attempt(op);
      await deps.settle(outcome);
      done += 1;
      deps.progress?.(done, ops.length);
      return outcome;
    })();
    promises.set(op.id, p);
    return p;
  };
  return Promise.all(ops.map(schedule));
}
