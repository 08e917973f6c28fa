/** The daemon: incremental polling on a short interval plus a periodic full sync as the safety net. */
import { Cron } from 'croner';
import type { LeaseHolder } from '../store/types.js';
import type { Engine } from './engine.js';
import { durationMs } from './duration.js';
import { CadreError } from './errors.js';
import { reviewTick } from './reviews/index.js';
import { requestTick } from './requests/tick.js';
import { sendDigest } from './digest.js';
import { drainSourceEvents } from './source-events.js';
import { fullSync, incrementalSync, type SyncResult } from './sync.js';

/** Parse a duration (`30s`, `5m`, `1h`, `7d`, `250ms`) into milliseconds; a usage error otherwise. */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new CadreError('USAGE', `invalid duration "${text}": use e.g. 30s, 5m, 1h`, 2);
  return ms;
}

/** Daemon options. */
export interface DaemonOptions {
  readonly every: string;
  readonly fullEvery: string;
  readonly actor?: string;
  /** Called after each tick with what happened (or the error). */
  onTick?(kind: 'full' | 'incremental', result: SyncResult | undefined, error?: unknown): void | Promise<void>;
  /** Called before each tick (the demo mutates its simulated company here). */
  beforeTick?(): void | Promise<void>;
  /** A tick waits for the run lease held by another run (e.g. a manual `cadre sync`). */
  onWait?(holder: LeaseHolder): void;
  /**
   * Webhooks deliver the changes: incremental ticks stop polling Personio (lifecycle dates, holds, overrides and
   * request grants still turn on time) and the periodic full sync stays the safety net.
   */
  readonly webhooks?: boolean;
  /** Called after each drain of queued webhook events (how many, or the error). */
  onDrain?(events: number, error?: unknown): void | Promise<void>;
}

/** A running daemon. */
export interface Daemon {
  stop(): Promise<void>;
  /** Run one tick now (tests). */
  tick(): Promise<void>;
  /** Webhook events were queued: drain them as soon as no tick runs (not at the next tick). */
  wake(): void;
}

/** Start polling. The first tick is a full sync; ticks never overlap. */
export function startDaemon(engine: Engine, opts: DaemonOptions): Daemon {
  const everyMs = parseDuration(opts.every);
  const fullMs = parseDuration(opts.fullEvery);
  if (everyMs < 1000) throw new CadreError('USAGE', `--every ${opts.every}: polling needs at least 1s between ticks`, 2);
  if (fullMs < everyMs) throw new CadreError('USAGE', `--full-every ${opts.fullEvery} is shorter than --every ${opts.every}`, 2);
  let lastFull = 0;
  // Review schedules fire for cron times after this instant (the daemon's start, then each tick).
  let reviewsSince = engine.now();
  let running: Promise<void> | undefined;
  const actor = opts.actor ?? 'cadre-daemon';
  // Stopping ends a tick that waits for another run's lease.
  const stopping = new AbortController();
  const lease = { command: 'run', signal: stopping.signal, ...(opts.onWait ? { onWait: opts.onWait } : {}) };
  let drainWanted = false;
  // Queued webhook events, batch by batch, until none is left; a failed batch stays queued for the next tick.
  const drain = async (): Promise<void> => {
    drainWanted = false;
    for (;;) {
      if (stopping.signal.aborted) return;
      let n = 0;
      try {
        n = await drainSourceEvents(engine, { actor, lease });
      } catch (err) {
        if (stopping.signal.aborted) return;
        engine.log.error({ err: (err as Error).message }, 'webhook events drain failed');
        await opts.onDrain?.(0, err);
        return;
      }
      if (n === 0) return;
      await opts.onDrain?.(n);
    }
  };
  const exclusive = (work: () => Promise<void>): Promise<void> => {
    running = work().finally(() => {
      running = undefined;
      // Events that arrived while this ran are taken now.
      if (drainWanted && !stopping.signal.aborted) void exclusive(drain);
    });
    return running;
  };
  const tick = async (): Promise<void> => {
    if (running) return running;
    return exclusive(async () => {
      if (stopping.signal.aborted) return;
      await opts.beforeTick?.();
      const full = Date.now() - lastFull >= fullMs;
      try {
        // Before the sync: a campaign closed at its deadline puts its removals into this tick's plan.
        const at = engine.now();
        await reviewTick(engine, reviewsSince, actor);
        reviewsSince = at;
      } catch (err) {
        engine.log.error({ err: (err as Error).message }, 'review tick failed');
      }
      try {
        // Before the sync: a request denied, expired or ended since the last tick is planned in this one.
        await requestTick(engine, actor);
      } catch (err) {
        engine.log.error({ err: (err as Error).message }, 'request tick failed');
      }
      try {
        // Each tick takes the run lease for itself: between ticks, other runs (a manual sync) may write.
        const result = full ? await fullSync(engine, { actor, lease }) : await incrementalSync(engine, { actor, lease, ...(opts.webhooks ? { poll: false } : {}) });
        if (full) lastFull = Date.now();
        await opts.onTick?.(full ? 'full' : 'incremental', result);
      } catch (err) {
        if (stopping.signal.aborted) return;
        engine.log.error({ err: (err as Error).message }, 'sync tick failed');
        await opts.onTick?.(full ? 'full' : 'incremental', undefined, err);
      }
      try {
        // After the sync, so the digest sees this tick's outcome; once per day across processes (a store row).
        await sendDigest(engine);
      } catch (err) {
        engine.log.error({ err: (err as Error).message }, 'digest tick failed');
      }
      // Events queued while the daemon was down, or left by a failed drain.
      await drain();
    });
  };
  // croner's `interval` gives a fixed spacing in seconds and `protect` prevents overlapping runs.
  // The first scheduled tick comes one interval after the start (the start itself runs one at once, below).
  const job = new Cron('* * * * * *', { interval: Math.max(1, Math.round(everyMs / 1000)), protect: true, startAt: new Date(Date.now() + everyMs) }, () => tick());
  void tick();
  return {
    tick,
    wake() {
      drainWanted = true;
      if (!running && !stopping.signal.aborted) void exclusive(drain);
    },
    async stop() {
      job.stop();
      stopping.abort();
      await running;
    },
  };
}
