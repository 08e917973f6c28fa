/**
 * Drains the durable queue of Personio webhook events: each batch becomes one sync scoped to the people it names
 * (fetch them fresh, plan, apply under the run lease). Events are only hints: the person is always read anew, so
 * a late or out-of-order event can never bring back an older state.
 */
import { applyPrepared } from './apply.js';
import type { Engine } from './engine.js';
import { withRunLease, type LeaseOptions } from './lease.js';
import { preparePlan } from './planning.js';
import { readWithoutEchoes } from './write-back-echo.js';

/** Processes up to `limit` pending events; returns how many were handled. Failures stay queued with `attempts + 1`. */
export async function drainSourceEvents(engine: Engine, opts: { actor: string; limit?: number; at?: string; lease?: Partial<LeaseOptions> }): Promise<number> {
  const events = await engine.store.sourceEvents.pending(opts.limit ?? 100);
  if (events.length === 0) return 0;
  const ids = [...new Set(events.map((e) => e.personId).filter((x): x is string => x !== undefined))];
  try {
    if (ids.length > 0) {
      await withRunLease(engine, { command: 'sync', ...opts.lease }, async (lease) => {
        // The echo of Cadre's own write-back (person.updated after our PATCH) plans nothing.
        const fresh = await readWithoutEchoes(engine, ids, opts.at ?? engine.now().toISOString());
        if (fresh.ids.length === 0) return;
        const prepared = await preparePlan(engine, {
          ...(opts.at ? { at: opts.at } : {}), source: { kind: 'given', persons: fresh.persons }, onlyPersons: fresh.ids, storedAccounts: true,
        });
        await applyPrepared(engine, prepared, { actor: opts.actor, kind: 'incremental', storePersons: 'merge', lease });
      });
    }
    await engine.store.sourceEvents.markProcessed(events.map((e) => e.key), engine.now().toISOString());
    return events.length;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    for (const e of events) await engine.store.sourceEvents.markFailed(e.key, msg);
    throw err;
  }
}
