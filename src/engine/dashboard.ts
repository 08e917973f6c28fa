/**
 * Dashboard data for the console: upcoming lifecycle events, changes per day, operations by target and the last
 * runs. Every function reads the store (and config) and returns plain data; the web layer only renders it.
 */
import { countByLocalDay, localDayWindow } from '../core/day-buckets.js';
import { upcomingLifecycleEvents, type UpcomingEvent } from '../core/upcoming.js';
import { iterateAudit } from '../audit/query.js';
import type { RunRecord, Store } from '../store/types.js';
import type { Engine } from './engine.js';

export type { UpcomingEvent, UpcomingKind } from '../core/upcoming.js';

/**
 * Lifecycle events from today through today + `days` (default 30) for every stored person: pre-hire account
 * creations, first days, last days (access closes) and deletions due, with the targets concerned.
 */
export async function upcomingEvents(engine: Engine, opts: { days?: number } = {}): Promise<UpcomingEvent[]> {
  const [persons, history, accounts] = await Promise.all([engine.store.persons.all(), engine.store.periods.all(), engine.store.accounts.all()]);
  const accountTargets = new Map<string, string[]>();
  for (const a of accounts) {
    if (a.personId === undefined) continue;
    const list = accountTargets.get(a.personId) ?? [];
    if (!list.includes(a.target)) list.push(a.target);
    accountTargets.set(a.personId, list);
  }
  const targets = Object.entries(engine.config.targets).filter(([, t]) => t.enabled).map(([name]) => name);
  return upcomingLifecycleEvents({
    persons, history, accountTargets, targets,
    at: engine.now().toISOString(),
    days: opts.days ?? 30,
    lifecycle: engine.config.lifecycle,
  });
}

/** Operations done on one local day. */
export interface DayChanges {
  /** Local calendar date (`YYYY-MM-DD`). */
  readonly date: string;
  readonly total: number;
  /** Action (`create`, `disable`, …) → count. */
  readonly byAction: Readonly<Record<string, number>>;
}

/** Options of the per-period dashboard queries. */
export interface PeriodOptions {
  /** Days back, today included (default 30). */
  readonly days?: number;
  /** Time zone of the day buckets (the lifecycle zone: `engine.config.lifecycle.timezone`). */
  readonly timeZone: string;
  /** "Now" (default: the wall clock; pass `engine.now()`). */
  readonly now?: Date;
}

function actionOf(payload: string): string {
  try {
    const a = (JSON.parse(payload) as { action?: unknown } | null)?.action;
    return typeof a === 'string' ? a : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Operations done per local day (time zone of `opts.timeZone`, exact across DST changes) over the last `days` days,
 * today included, from the audit's `op.done` entries; every day of the window is present (zero when quiet).
 */
export async function changesPerDay(store: Store, opts: PeriodOptions): Promise<DayChanges[]> {
  const window = localDayWindow((opts.now ?? new Date()).toISOString(), opts.days ?? 30, opts.timeZone);
  const items: { at: string; key: string }[] = [];
  for await (const page of iterateAudit(store, { event: 'op.done', since: window.since })) {
    for (const row of page) items.push({ at: row.at, key: actionOf(row.payload) });
  }
  return countByLocalDay(items, window, opts.timeZone).map((d) => ({ date: d.date, total: d.total, byAction: d.byKey }));
}

/** Operation outcomes of one target over a period. */
export interface TargetOperations {
  readonly target: string;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly interrupted: number;
  /** Action → outcome → count. */
  readonly byAction: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Operation outcomes (`op.done|failed|skipped|interrupted` audit entries) per target over the last `days` local days. */
export async function operationsByTarget(store: Store, opts: PeriodOptions): Promise<TargetOperations[]> {
  const { since } = localDayWindow((opts.now ?? new Date()).toISOString(), opts.days ?? 30, opts.timeZone);
  const byTarget = new Map<string, { done: number; failed: number; skipped: number; interrupted: number; byAction: Record<string, Record<string, number>> }>();
  for await (const page of iterateAudit(store, { event: 'op', since })) {
    for (const row of page) {
      const outcome = row.event.slice(3);
      if (outcome !== 'done' && outcome !== 'failed' && outcome !== 'skipped' && outcome !== 'interrupted') continue;
      const target = row.target ?? '-';
      let t = byTarget.get(target);
      if (!t) byTarget.set(target, (t = { done: 0, failed: 0, skipped: 0, interrupted: 0, byAction: Object.create(null) as Record<string, Record<string, number>> }));
      t[outcome] += 1;
      const cell = (t.byAction[actionOf(row.payload)] ??= Object.create(null) as Record<string, number>);
      cell[outcome] = (cell[outcome] ?? 0) + 1;
    }
  }
  // Plain objects for callers (the null-prototype maps only guard the counting against keys like `__proto__`).
  return [...byTarget.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([target, t]) => ({
    target, done: t.done, failed: t.failed, skipped: t.skipped, interrupted: t.interrupted,
    byAction: Object.fromEntries(Object.entries(t.byAction).map(([action, cell]) => [action, { ...cell }])),
  }));
}

/** The last runs and which of them went wrong. */
export interface LastRuns {
  /** Newest first. */
  readonly runs: readonly RunRecord[];
  /** Runs among them that failed, were blocked by a threshold or refused. */
  readonly failures: readonly RunRecord[];
  /** The newest run that finished ok, if among them. */
  readonly lastOk?: RunRecord;
  /** A run still in progress (or killed without closing), if among them. */
  readonly running?: RunRecord;
}

/** The `limit` (default 20) most recent runs, with the failed, blocked and refused ones picked out. */
export async function lastRuns(store: Store, opts: { limit?: number } = {}): Promise<LastRuns> {
  const runs = await store.runs.recent(opts.limit ?? 20);
  const lastOk = runs.find((r) => r.status === 'ok');
  const running = runs.find((r) => r.status === 'running');
  return {
    runs,
    failures: runs.filter((r) => r.status === 'failed' || r.status === 'blocked' || r.status === 'refused'),
    ...(lastOk ? { lastOk } : {}),
    ...(running ? { running } : {}),
  };
}
