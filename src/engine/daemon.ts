/** The daemon: incremental polling on a short interval plus a periodic full sync as the safety net. */
import { Cron } from 'croner';
import type { Engine } from './engine.js';
import { CadreError } from './errors.js';
import { fullSync, incrementalSync, type SyncResult } from './sync.js';

/** Parse `30s`, `5m`, `1h`, `7d`, `250ms` into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new CadreError('USAGE', `invalid duration "${text}": use e.g. 30s, 5m, 1h`, 2);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
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
}

/** A running daemon. */
export interface Daemon {
  stop(): Promise<void>;
  /** Run one tick now (tests). */
  tick(): Promise<void>;
}

/** Start polling. The first tick is a full sync; ticks never overlap. */
export function startDaemon(engine: Engine, opts: DaemonOptions): Daemon {
  const everyMs = parseDuration(opts.every);
  const fullMs = parseDuration(opts.fullEvery);
  let lastFull = 0;
  let running: Promise<void> | undefined;
  const actor = opts.actor ?? 'cadre-daemon';
  const tick = async (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      await opts.beforeTick?.();
      const full = Date.now() - lastFull >= fullMs;
      try {
        const result = full ? await fullSync(engine, { actor }) : await incrementalSync(engine, { actor });
        if (full) lastFull = Date.now();
        await opts.onTick?.(full ? 'full' : 'incremental', result);
      } catch (err) {
        engine.log.error({ err: (err as Error).message }, 'sync tick failed');
        await opts.onTick?.(full ? 'full' : 'incremental', undefined, err);
      }
    })().finally(() => { running = undefined; });
    return running;
  };
  // croner's `interval` gives a fixed spacing in seconds and `protect` prevents overlapping runs.
  const job = new Cron('* * * * * *', { interval: Math.max(1, Math.round(everyMs / 1000)), protect: true }, () => tick());
  void tick();
  return {
    tick,
    async stop() {
      job.stop();
      await running;
    },
  };
}
