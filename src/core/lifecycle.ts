/**
 * Lifecycle state of a person at an instant, computed on calendar days in the configured time zone.
 * Pure: the instant is passed in.
 */
import type { LifecycleConfig } from '../config/schema.js';
import type { LifecycleState, Person, Reason } from './model.js';

/** Result of {@link lifecycleAt}. */
export interface LifecycleInfo {
  readonly state: LifecycleState;
  readonly reason: Reason;
  /** Local calendar date of `at` in the configured zone. */
  readonly today: string;
  /** Effective end date (first set of termination date, last working day, contract end). */
  readonly endDate?: string;
  /** Day the account gets enabled (the hire date), when still ahead. */
  readonly enableOn?: string;
  /** First day on which the person is `gone` (accounts deleted). */
  readonly deleteOn?: string;
  /** True when the person has a hire date after a former end date (accounts are reused). */
  readonly rehire: boolean;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

/** Local calendar date (`YYYY-MM-DD`) of an ISO instant in an IANA time zone. */
let lastKey = '';
let lastValue = '';

export function localDate(at: string, timeZone: string): string {
  // Plans ask for the same instant once per person: remember the last answer.
  const key = `${at}\u0000${timeZone}`;
  if (key === lastKey) return lastValue;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant "${at}"`);
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  lastValue = `${get('year')}-${get('month')}-${get('day')}`;
  lastKey = key;
  return lastValue;
}

/** Add days to a calendar date (`YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (calendar dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The end date: first set of termination date, last working day and contract end date. */
export function endDateOf(person: Person): string | undefined {
  return person.terminationDate ?? person.lastWorkingDay ?? person.contractEndDate;
}

const lc = (source: string, detail: string): Reason => ({ kind: 'lifecycle', source, detail });

/**
 * Lifecycle state at instant `at`:
 * - hire date more than `preHireDays` ahead → `future`; ahead but within the window → `prehire`;
 * - end date passed (after the end of that day, local time) → `terminated`, and after
 *   `retentionDays` more days → `gone`;
 * - HR status `leave` → `leave`; `inactive` without an end date → `terminated` (no deletion date);
 * - `onboarding` without a hire date → `prehire`; otherwise `active`.
 * A hire date after the end date is a rehire: the old end date no longer counts.
 */
export function lifecycleAt(person: Person, at: string, cfg: LifecycleConfig): LifecycleInfo {
  const today = localDate(at, cfg.timezone);
  const rawEnd = endDateOf(person);
  const hire = person.hireDate;
  const rehire = rawEnd !== undefined && hire !== undefined && hire > rawEnd;
  const endDate = rehire ? undefined : rawEnd;
  const base = { today, rehire, ...(endDate !== undefined ? { endDate } : {}) };

  if (hire !== undefined && hire > today) {
    const days = daysBetween(today, hire);
    const what = rehire ? 'rehire' : 'hire';
    if (days > cfg.preHireDays) {
      return { ...base, state: 'future', enableOn: hire, reason: lc('future', `${what} date ${hire} is ${days} days ahead (pre-hire window ${cfg.preHireDays} days)`) };
    }
    return { ...base, state: 'prehire', enableOn: hire, reason: lc('prehire', `${what} date ${hire} is ${days} day(s) ahead: account prepared, disabled until then`) };
  }
  if (endDate !== undefined && today > endDate) {
    const deleteOn = addDays(endDate, cfg.retentionDays + 1);
    if (today >= deleteOn) {
      return { ...base, state: 'gone', deleteOn, reason: lc('gone', `end date ${endDate} plus ${cfg.retentionDays} days retention has passed`) };
    }
    return { ...base, state: 'terminated', deleteOn, reason: lc('terminated', `end date ${endDate} has passed; deletion due on ${deleteOn}`) };
  }
  if (person.status === 'inactive') {
    return { ...base, state: 'terminated', reason: lc('terminated', 'HR status is inactive (no end date given, so no deletion date)') };
  }
  if (person.status === 'leave') {
    return { ...base, state: 'leave', reason: lc('leave', `HR status is leave (leave policy: ${cfg.leave})`) };
  }
  if (person.status === 'onboarding' && hire === undefined) {
    return { ...base, state: 'prehire', reason: lc('prehire', 'HR status is onboarding and no hire date is set') };
  }
  const tail = endDate !== undefined ? `; last day ${endDate}` : '';
  return {
    ...base,
    state: 'active',
    reason: lc(rehire ? 'rehire' : 'active', hire !== undefined ? `${rehire ? 'rehired' : 'hired'} on ${hire}${tail}` : `HR status ${person.status}${tail}`),
  };
}

/** Whether a person in this state should have an account, and whether it is enabled. */
export function accountStateFor(state: LifecycleState, cfg: LifecycleConfig): { exists: boolean; enabled: boolean } {
  switch (state) {
    case 'future': return { exists: false, enabled: false };
    case 'prehire': return { exists: true, enabled: false };
    case 'active': return { exists: true, enabled: true };
    case 'leave': return { exists: true, enabled: cfg.leave === 'keep' };
    case 'terminated': return { exists: true, enabled: false };
    case 'gone': return { exists: false, enabled: false };
  }
}
