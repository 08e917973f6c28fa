/**
 * The run lease seen from the engine: one writer at a time. A run takes it before it plans (so it never plans
 * against state another run is changing), renews it on a heartbeat, checks it before sending each operation and
 * inside every transaction that commits an outcome (fencing), and gives it up at the end.
 */
import type { LeaseHolder, LeaseSession, Store } from '../store/types.js';
import type { Engine } from './engine.js';
import { durationMs } from './duration.js';
import { LeaseLostError, RunInProgressError } from './errors.js';

/** A held lease. Its holder id is the id of the run it is taken for. */
export interface RunLease {
  readonly runId: string;
  /**
   * Self-fencing before an operation is sent: renews at once when the last renewal is older than a heartbeat (a
   * process that was suspended finds out here) and throws {@link LeaseLostError} when the lease is no longer ours.
   */
  ensure(): Promise<void>;
  /** Fencing inside a store transaction: the transaction commits only while this run holds the lease. */
  assertHeldIn(tx: Store): Promise<void>;
  release(): Promise<void>;
}

/** How to take the lease. */
export interface LeaseOptions {
  /** The command taking it (shown to whoever waits): `sync`, `apply`, `run`. */
  readonly command: string;
  /** Wait for a live holder (default), or refuse at once with {@link RunInProgressError}. */
  readonly wait?: boolean;
  /** Called once per holder this run starts waiting for. */
  readonly onWait?: (holder: LeaseHolder) => void;
  /** Stops waiting (the daemon's shutdown). */
  readonly signal?: AbortSignal;
}

/** A new run id: sortable by time, unique across processes. */
export function newRunId(engine: Engine): string {
  return `run-${engine.now().toISOString().replace(/[-:.TZ]/g, '')}-${Math.random().toString(36).slice(2, 8)}`;
}

/** "run X (cadre sync, pid 123 on host, started at …)". */
export function describeHolder(h: LeaseHolder): string {
  return `run ${h.holder} (cadre ${h.command}, pid ${h.pid} on ${h.host}, started at ${h.startedAt})`;
}

function timing(engine: Engine): { heartbeatMs: number; timeoutMs: number } {
  return {
    heartbeatMs: durationMs(engine.config.runLease.heartbeat) ?? 30_000,
    timeoutMs: durationMs(engine.config.runLease.timeout) ?? 120_000,
  };
}

const isBusy = (err: unknown): boolean => /^SQLITE_BUSY/.test(String((err as { code?: unknown } | null)?.code ?? ''));

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function held(engine: Engine, session: LeaseSession, runId: string, heartbeatMs: number, timeoutMs: number): RunLease {
  let renewedAt = Date.now();
  let lost = false;
  let released = false;
  const lostError = () => new LeaseLostError(`run ${runId} lost the run lease: it was not renewed for ${engine.config.runLease.timeout} and another run took over. This run stops; the other run closes its open operations as interrupted.`);
  let renewing: Promise<void> | undefined;
  const renewOnce = async (): Promise<void> => {
    try {
      if (await session.renew()) renewedAt = Date.now();
      else lost = true;
    } catch (err) {
      // A busy database is no loss yet: the lease only expires after the timeout.
      engine.log.warn({ err: (err as Error).message, runId }, 'run lease: heartbeat failed');
      if (Date.now() - renewedAt >= timeoutMs) lost = true;
    }
  };
  // One renewal at a time: a slow one is joined, not queued behind.
  const renew = (): Promise<void> => {
    if (lost || released) return Promise.resolve();
    renewing ??= renewOnce().finally(() => { renewing = undefined; });
    return renewing;
  };
  const timer = setInterval(() => { void renew(); }, heartbeatMs);
  timer.unref();
  return {
    runId,
    async ensure() {
      if (!lost && Date.now() - renewedAt > heartbeatMs * 1.5) await renew();
      if (lost) throw lostError();
    },
    async assertHeldIn(tx) {
      if (lost) throw lostError();
      try {
        await tx.lease.assertHeld(runId);
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'LEASE_LOST') throw err;
        lost = true;
        throw lostError();
      }
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await session.release().catch((err: unknown) => engine.log.warn({ err: (err as Error).message, runId }, 'run lease: release failed'));
    },
  };
}

/**
 * Take the run lease for a new run. Waits while another run is live (telling `onWait` who it is) or, with
 * `wait: false`, throws {@link RunInProgressError} (exit 5). A dead holder's lease (expired heartbeat; on the same host
 * also a pid that no longer exists; on PostgreSQL a closed session) is taken over, and the takeover is audited.
 */
export async function acquireRunLease(engine: Engine, opts: LeaseOptions): Promise<RunLease> {
  const { heartbeatMs, timeoutMs } = timing(engine);
  const runId = newRunId(engine);
  const claim = { holder: runId, command: opts.command, timeoutMs };
  const pollMs = Math.min(1000, heartbeatMs);
  let announced: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    let attempt: Awaited<ReturnType<Store['lease']['tryAcquire']>>;
    try {
      attempt = await engine.store.lease.tryAcquire(claim);
    } catch (err) {
      // SQLite: the holder kept the write lock past the busy timeout; the lease is simply not free yet.
      if (!isBusy(err)) throw err;
      attempt = { acquired: false };
    }
    if (attempt.acquired) {
      if (attempt.tookOver) {
        engine.log.warn({ previous: attempt.tookOver }, 'run lease: took over from a dead run');
        await engine.audit.record({ actor: 'cadre', event: 'lease.takeover', runId, payload: { previous: attempt.tookOver } });
      }
      return held(engine, attempt.session, runId, heartbeatMs, timeoutMs);
    }
    const who = attempt.current ? describeHolder(attempt.current) : 'another run (its lease is being written)';
    if (opts.wait === false) {
      throw new RunInProgressError(`another run is in progress: ${who}. Nothing was done; run again without --no-wait to wait for it.`);
    }
    if (attempt.current && attempt.current.holder !== announced) {
      announced = attempt.current.holder;
      opts.onWait?.(attempt.current);
    }
    await pause(pollMs, opts.signal);
  }
}

/** Run `fn` holding the run lease; always gives it up. */
export async function withRunLease<T>(engine: Engine, opts: LeaseOptions, fn: (lease: RunLease) => Promise<T>): Promise<T> {
  const lease = await acquireRunLease(engine, opts);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}
