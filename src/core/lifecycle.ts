/**
 * Lifecycle state of a person at an instant, computed on calendar days in the configured time zone.
 * Pure: the instant is passed in.
 */
import type { LifecycleConfig } from '../config/schema.js';
import type { LifecycleState, Person, Reason } from './model.js';
import { decideEnd, endDatesOf, periodsOf, type DecidedDate, type DisableAt, type KnownPeriod } from './periods.js';

/** Result of {@link lifecycleAt}. */
export interface LifecycleInfo {
  readonly state: LifecycleState;
  readonly reason: Reason;
  /** Local calendar date of `at` in the configured zone. */
  readonly today: string;
  /** Access closes at the end of this day: the end date `lifecycle.disableAt` chose for the period in force. */
  readonly endDate?: string;
  /** Which field decided `endDate`, e.g. `last_working_day 2026-03-10 (disableAt: earliest)`. */
  readonly endBy?: string;
  /** Day the account gets enabled (the hire date), when still ahead. */
  readonly enableOn?: string;
  /** Start (hire date) of the employment period in force, when known. */
  readonly periodStart?: string;
  /** Start of a rehire while the person still works out the old period. */
  readonly rehireOn?: string;
  /** First day on which the person is `gone` (accounts deleted). */
  readonly deleteOn?: string;
  /** The latest set end date, from which retention is counted (when past the end date). */
  readonly retentionFrom?: string;
  /** True when the person has an earlier employment period (accounts are reused). */
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

/** The end date that closes access under `disableAt` (default `earliest`), ignoring employment periods. */
export function endDateOf(person: Person, disableAt: DisableAt = 'earliest'): string | undefined {
  return decideEnd(endDatesOf(person), disableAt)?.date;
}

const lc = (source: string, detail: string): Reason => ({ kind: 'lifecycle', source, detail });

/**
 * Lifecycle state at instant `at`, from the person's employment periods ({@link periodsOf}; `history` is what the
 * store remembers of earlier records):
 * - hire date more than `preHireDays` ahead → `future`; ahead but within the window → `prehire`;
 * - a rehire ahead: while the old period lasts → as in that period (enabled); in the gap → `terminated`, kept
 *   (never deleted) for the rehire, and `prehire` inside the window;
 * - the period's end date (`lifecycle.disableAt`) passed (after the end of that day, local time) → `terminated`,
 *   and `retentionDays` after the LATEST set end date → `gone`;
 * - HR status `leave` → `leave`; `inactive` without an end date → `terminated` (no deletion date);
 * - `onboarding` without a hire date → `prehire`; otherwise `active`.
 */
export function lifecycleAt(person: Person, at: string, cfg: LifecycleConfig, history: readonly KnownPeriod[] = []): LifecycleInfo {
  const today = localDate(at, cfg.timezone);
  const { current, previous } = periodsOf(person, history, cfg.disableAt, (seen) => localDate(seen, cfg.timezone));
  const hire = person.hireDate;
  const rehire = previous !== undefined;
  let inForce = current;
  let rehireOn: string | undefined;
  let renewedOn: string | undefined;

  if (hire !== undefined && hire > today) {
    const days = daysBetween(today, hire);
    const prevEnd = previous?.end;
    if (previous && prevEnd && today <= prevEnd.date && hire === addDays(prevEnd.date, 1)) {
      // A renewal without a gap: one continuous employment, so the new period's end is the one that counts (an
      // accountExpires at the old end would lock the person out at midnight before Cadre runs).
      renewedOn = hire;
    } else if (previous && prevEnd && today <= prevEnd.date) {
      // Still working out the old contract: that period's dates apply, the rehire comes later.
      inForce = previous;
      rehireOn = hire;
    } else if (prevEnd) {
      if (days > cfg.preHireDays) {
        const base = { today, rehire, endDate: prevEnd.date, endBy: prevEnd.text, enableOn: hire };
        return { ...base, state: 'terminated', reason: lc('rehire-gap', `left after ${prevEnd.text}; rehired from ${hire} (${days} days ahead): disabled until then, kept for the rehire instead of deleted`) };
      }
      // Prepared for the new period: its end date (a new fixed term) is the one that counts from now on.
      const base = withEnd({ today, rehire, enableOn: hire }, current.end);
      return { ...base, state: 'prehire', reason: lc('prehire', `rehire date ${hire} is ${days} day(s) ahead (left after ${prevEnd.text}): account prepared, disabled until then`) };
    } else {
      const base = withEnd({ today, rehire }, current.end);
      if (days > cfg.preHireDays) {
        return { ...base, state: 'future', enableOn: hire, reason: lc('future', `hire date ${hire} is ${days} days ahead (pre-hire window ${cfg.preHireDays} days)`) };
      }
      return { ...base, state: 'prehire', enableOn: hire, reason: lc('prehire', `hire date ${hire} is ${days} day(s) ahead: account prepared, disabled until then`) };
    }
  }
  const end = inForce.end;
  const base = {
    ...withEnd({ today, rehire }, end),
    ...(inForce.start !== undefined ? { periodStart: inForce.start } : {}),
    ...(rehireOn !== undefined ? { rehireOn } : {}),
  };
  if (end !== undefined && today > end.date) {
    const from = inForce.retentionFrom ?? end;
    const deleteOn = addDays(from.date, cfg.retentionDays + 1);
    const retention = from.date === end.date ? `${cfg.retentionDays} days retention` : `${cfg.retentionDays} days retention after ${from.text}, the latest end date`;
    if (today >= deleteOn) {
      return { ...base, state: 'gone', deleteOn, retentionFrom: from.date, reason: lc('gone', `end date has passed: ${end.text}; ${retention} is over`) };
    }
    return { ...base, state: 'terminated', deleteOn, retentionFrom: from.date, reason: lc('terminated', `end date has passed: ${end.text}; deletion due on ${deleteOn} (${retention})`) };
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
  const tail = end !== undefined ? `; access ends after ${end.text}` : '';
  if (renewedOn !== undefined) {
    return { ...base, state: 'active', reason: lc('active', `contract renewed from ${renewedOn} without a gap${tail}`) };
  }
  if (rehireOn !== undefined) {
    return { ...base, state: 'active', reason: lc('active', `working out the current contract${tail}; rehired from ${rehireOn}`) };
  }
  return {
    ...base,
    state: 'active',
    reason: lc(rehire ? 'rehire' : 'active', hire !== undefined ? `${rehire ? 'rehired' : 'hired'} on ${hire}${tail}` : `HR status ${person.status}${tail}`),
  };
}

function withEnd<T extends object>(base: T, end: DecidedDate | undefined): T & { endDate?: string; endBy?: string } {
  return end ? { ...base, endDate: end.date, endBy: end.text } : base;
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
