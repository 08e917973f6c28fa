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

/**
 * An event is no longer retried once it failed this often AND was received over a day ago (so a Personio or target
 * outage of some hours abandons nothing); the periodic full sync covers its person.
 */
export const MAX_EVENT_ATTEMPTS = 20;
const RETRY_FOR_MS = 86_400_000;
/** Processed events are kept this long (Personio retries and shows deliveries for 30 days), then deleted. */
const KEEP_PROCESSED_MS = 31 * 86_400_000;

/**
 * Processes up to `limit` pending events; returns how many were handled. Failures stay queued with `attempts + 1`,
 * up to {@link MAX_EVENT_ATTEMPTS} and a day; then the event is abandoned (logged; the full sync is the safety net). Processed
 * events older than 31 days are deleted, so the queue does not grow without end.
 */
export async function drainSourceEvents(engine: Engine, opts: { actor: string; limit?: number; at?: string; lease?: Partial<LeaseOptions> }): Promise<number> {
  const purged = await engine.store.sourceEvents.purgeProcessed(new Date(engine.now().getTime() - KEEP_PROCESSED_MS).toISOString());
  if (purged > 0) engine.log.info({ purged }, 'source events: processed events older than 31 days deleted');
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
    const now = engine.now().getTime();
    const spent = events.filter((e) => e.attempts + 1 >= MAX_EVENT_ATTEMPTS && now - Date.parse(e.receivedAt) > RETRY_FOR_MS);
    if (spent.length > 0) {
      await engine.store.sourceEvents.abandon(spent.map((e) => e.key), engine.now().toISOString());
      engine.log.error({ events: spent.map((e) => e.key), persons: [...new Set(spent.map((e) => e.personId))], attempts: MAX_EVENT_ATTEMPTS, err: msg.slice(0, 300) },
        'source events abandoned after repeated failures; the next full sync covers these persons');
    }
    throw err;
  }
}
