/** One-shot sync (plan + apply) and the incremental tick used by the daemon. */
import type { Engine } from './engine.js';
import { applyPrepared, type ApplyReport } from './apply.js';
import { holdTransitions } from '../core/safeguards.js';
import { takeTouchedHolds } from './holds.js';
import { lifecycleTransitions, preparePlan, type PreparedPlan } from './planning.js';

const CURSOR = 'personio.updated_since';
/** Overlap so changes written while we read are not missed (updated_since has second precision). */
const OVERLAP_MS = 5 * 60 * 1000;

/** Options shared by sync flavours. */
export interface SyncOptions {
  readonly actor: string;
  readonly at?: string;
  readonly approve?: boolean;
  readonly progress?: (stage: string, done: number, total: number) => void;
}

/** Result of a sync. */
export interface SyncResult {
  readonly prepared: PreparedPlan;
  readonly report?: ApplyReport;
}

function cursorFrom(iso: string): string {
  return new Date(Date.parse(iso) - OVERLAP_MS).toISOString().slice(0, 19);
}

/** Full sync: read everything, reconcile every target live, apply. */
export async function fullSync(engine: Engine, opts: SyncOptions): Promise<SyncResult> {
  const prepared = await preparePlan(engine, { ...(opts.at ? { at: opts.at } : {}), source: { kind: 'full' }, ...(opts.progress ? { progress: opts.progress } : {}) });
  const report = await applyPrepared(engine, prepared, {
    actor: opts.actor, kind: 'sync', storePersons: 'replace',
    ...(opts.approve ? { approve: true } : {}),
    ...(opts.progress ? { progress: (d: number, t: number) => opts.progress?.('apply', d, t) } : {}),
  });
  await engine.store.meta.set(CURSOR, cursorFrom(prepared.snapshot.readAt));
  await engine.store.meta.set('lastFullSync', prepared.plan.at);
  await engine.store.meta.set('lastTick', prepared.plan.at);
  return { prepared, report };
}

/**
 * Incremental tick: persons changed since the cursor plus persons whose lifecycle state flips between
 * the previous tick and now (day 1, end of last day). Known account state comes from the store.
 */
export async function incrementalSync(engine: Engine, opts: SyncOptions): Promise<SyncResult | undefined> {
  const since = await engine.store.meta.get(CURSOR);
  // First tick, or the first after a crash: a full sync (it closes the interrupted run against live state).
  if (!since || (await engine.store.journal.unfinishedRuns()).length > 0) return fullSync(engine, opts);
  const at = opts.at ?? engine.now().toISOString();
  const lastTick = (await engine.store.meta.get('lastTick')) ?? at;
  const readAt = engine.now().toISOString();
  const changed = await engine.source.fetchChanged(since);
  const stored = await engine.store.persons.all();
  const ids = new Set(changed.persons.map((p) => p.id));
  for (const id of lifecycleTransitions(stored, lastTick, at, engine, await engine.store.periods.all())) ids.add(id);
  // Holds added, removed, begun or expired since the last tick: their people catch up now, not at the next full sync.
  for (const id of holdTransitions(await engine.store.holds.all(), lastTick, at, engine.config.lifecycle.timezone)) ids.add(id);
  for (const id of await takeTouchedHolds(engine.store)) ids.add(id);
  // A new manager needs their reports' manager attribute, a changed name their aliases: include direct reports.
  for (const p of stored) if (p.supervisorId && ids.has(p.supervisorId)) ids.add(p.id);
  await engine.store.meta.set('lastTick', at);
  if (ids.size === 0) {
    await engine.store.meta.set(CURSOR, cursorFrom(readAt));
    return undefined;
  }
  const prepared = await preparePlan(engine, {
    at, source: { kind: 'changed', since }, onlyPersons: [...ids], storedAccounts: true,
    ...(opts.progress ? { progress: opts.progress } : {}),
  });
  const report = await applyPrepared(engine, prepared, { actor: opts.actor, kind: 'incremental', storePersons: 'merge', ...(opts.approve ? { approve: true } : {}) });
  await engine.store.meta.set(CURSOR, cursorFrom(readAt));
  return { prepared, report };
}
