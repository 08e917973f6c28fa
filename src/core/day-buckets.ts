/** Local-day windows and per-day counting for charts (changes per day). Pure: "now" is passed in. */
import { addDays, localDate } from './lifecycle.js';
import { startOfLocalDay } from './rules/filetime.js';

/** The last `days` local days up to today, and the instant the first one starts. */
export interface DayWindow {
  /** Local calendar dates, oldest first, today last. */
  readonly days: readonly string[];
  /** ISO instant of local midnight starting the first day (exact across DST changes). */
  readonly since: string;
}

/** The window of the last `days` (at least 1) local days in `timeZone`, today included. */
export function localDayWindow(now: string, days: number, timeZone: string): DayWindow {
  const n = Math.max(1, Math.floor(days));
  const today = localDate(now, timeZone);
  const first = addDays(today, -(n - 1));
  return { days: Array.from({ length: n }, (_, i) => addDays(first, i)), since: new Date(startOfLocalDay(first, timeZone)).toISOString() };
}

/** Counts of one local day. */
export interface DayCount {
  readonly date: string;
  readonly total: number;
  /** Key (e.g. the action) → count. */
  readonly byKey: Readonly<Record<string, number>>;
}

/** Count items per local day of their instant (`at`) and key; every day of the window appears, items outside are dropped. */
export function countByLocalDay(items: Iterable<{ readonly at: string; readonly key: string }>, window: DayWindow, timeZone: string): DayCount[] {
  const buckets = new Map(window.days.map((d) => [d, { total: 0, byKey: Object.create(null) as Record<string, number> }]));
  for (const { at, key } of items) {
    const b = buckets.get(localDate(at, timeZone));
    if (!b) continue;
    b.total += 1;
    b.byKey[key] = (b.byKey[key] ?? 0) + 1;
  }
  return window.days.map((date) => {
    const b = buckets.get(date) as { total: number; byKey: Record<string, number> };
    // A plain object for callers (the null-prototype map only guards the counting against keys like `__proto__`).
    return { date, total: b.total, byKey: { ...b.byKey } };
  });
}
