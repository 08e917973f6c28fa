/** One-shot sync (plan + apply) and the incremental tick used by the daemon, each under the run lease. */
import type { Engine } from './engine.js';
import { applyPrepared, type ApplyReport } from './apply.js';
import { holdTransitions } from '../core/safeguards.js';
import { overrideTransitions } from '../core/overrides.js';
import { accessGrantTransitions } from '../core/access-grants.js';
import { requestGrants } from './requests/grants.js';
import { takeTouchedHolds } from './holds.js';
import { withRunLease, type LeaseOptions, type RunLease } from './lease.js';
import { lifecycleTransitions, preparePlan, type PreparedPlan } from './planning.js';
import type { Approvals } from './threshold-gate.js';
import { writeBackEchoes } from './write-back-echo.js';

const CURSOR = 'personio.updated_since';
/** Overlap so changes written while we read are not missed (updated_since has second precision). */
const OVERLAP_MS = 5 * 60 * 1000;

/** Options shared by sync flavours. */
export interface SyncOptions {
  readonly actor: string;
  readonly at?: string;
  readonly approve?: Approvals;
  readonly progress?: (stage: string, done: number, total: number) => void;
  /** How to take the run lease (default: wait for a live run, as command `sync`). */
  readonly lease?: Partial<LeaseOptions>;
  /**
   * Incremental only: `false` when webhooks deliver the changes, so the tick does not ask Personio for changed
   * people (the people whose lifecycle, holds, overrides or grants turn are read one by one instead).
   */
  readonly poll?: boolean;
}

/** Result of a sync. */
export interface SyncResult {
  readonly prepared: PreparedPlan;
  readonly report?: ApplyReport;
}

function cursorFrom(iso: string): string {
  return new Date(Date.parse(iso) - OVERLAP_MS).toISOString().slice(0, 19);
}

const leaseOptions = (opts: SyncOptions): LeaseOptions => ({ command: 'sync', ...opts.lease });

async function fullSyncHeld(engine: Engine, lease: RunLease, opts: SyncOptions): Promise<SyncResult> {
  const prepared = await preparePlan(engine, { ...(opts.at ? { at: opts.at } : {}), source: { kind: 'full' }, ...(opts.progress ? { progress: opts.progress } : {}) });
  const report = await applyPrepared(engine, prepared, {
    actor: opts.actor, kind: 'sync', storePersons: 'replace', lease,
    ...(opts.approve ? { approve: opts.approve } : {}),
    ...(opts.progress ? { progress: (d: number, t: number) => opts.progress?.('apply', d, t) } : {}),
  });
  await engine.store.meta.set(CURSOR, cursorFrom(prepared.snapshot.readAt));
  await engine.store.meta.set('lastFullSync', prepared.plan.at);
  await engine.store.meta.set('lastTick', prepared.plan.at);
  return { prepared, report };
}

/** Full sync: take the run lease, read everything, reconcile every target live, apply. */
export async function fullSync(engine: Engine, opts: SyncOptions): Promise<SyncResult> {
  return withRunLease(engine, leaseOptions(opts), (lease) => fullSyncHeld(engine, lease, opts));
}

/**
 * Incremental tick: persons changed since the cursor plus persons whose lifecycle state flips between
 * the previous tick and now (day 1, end of last day). Known account state comes from the store.
 * The cursor and the last tick advance only once the tick applied: a blocked or failed tick is tried again with
 * the same changes and lifecycle transitions, so none of them is lost.
 */
export async function incrementalSync(engine: Engine, opts: SyncOptions): Promise<SyncResult | undefined> {
  return withRunLease(engine, leaseOptions(opts), async (lease) => {
    const since = await engine.store.meta.get(CURSOR);
    // First tick, or the first after a crash: a full sync (it closes the interrupted run against live state).
    if (!since || (await engine.store.journal.unfinishedRuns()).length > 0) return fullSyncHeld(engine, lease, opts);
    const at = opts.at ?? engine.now().toISOString();
    const lastTick = (await engine.store.meta.get('lastTick')) ?? at;
    const readAt = engine.now().toISOString();
    const poll = opts.poll !== false;
    const changed = poll ? await engine.source.fetchChanged(since) : { persons: [] };
    const stored = await engine.store.persons.all();
    // A person Personio reports only because Cadre wrote back to them (the echo of our own write) needs no plan.
    const echoes = await writeBackEchoes(engine, changed.persons, at);
    const ids = new Set(changed.persons.map((p) => p.id).filter((id) => !echoes.has(id)));
    for (const id of lifecycleTransitions(stored, lastTick, at, engine, await engine.store.periods.all())) ids.add(id);
    // Holds added, removed, begun or expired since the last tick: their people catch up now, not at the next full sync.
    for (const id of holdTransitions(await engine.store.holds.all(), lastTick, at, engine.config.lifecycle.timezone)) ids.add(id);
    for (const id of await takeTouchedHolds(engine.store)) ids.add(id);
    // An override that expired since the last tick: the rule's value comes back now.
    for (const id of overrideTransitions(await engine.store.overrides.all(), lastTick, at, engine.config.lifecycle.timezone)) ids.add(id);
    // A request grant that ended (or began) since the last tick: granted or revoked now.
    for (const id of accessGrantTransitions(await requestGrants(engine), lastTick, at, engine.config.lifecycle.timezone)) ids.add(id);
    // A new manager needs their reports' manager attribute, a changed name their aliases: include direct reports.
    for (const p of stored) if (p.supervisorId && ids.has(p.supervisorId)) ids.add(p.id);
    if (ids.size === 0) {
      await engine.store.meta.set('lastTick', at);
      await engine.store.meta.set(CURSOR, cursorFrom(readAt));
      return undefined;
    }
    const prepared = await preparePlan(engine, {
      at, source: poll ? { kind: 'changed', since } : { kind: 'persons', ids: [...ids] }, onlyPersons: [...ids], storedAccounts: true,
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    const report = await applyPrepared(engine, prepared, { actor: opts.actor, kind: 'incremental', storePersons: 'merge', lease, ...(opts.approve ? { approve: opts.approve } : {}) });
    await engine.store.meta.set('lastTick', at);
    await engine.store.meta.set(CURSOR, cursorFrom(readAt));
    return { prepared, report };
  });
}
