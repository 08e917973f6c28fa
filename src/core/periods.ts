/**
 * Employment periods and the date that closes access. Pure: no clock, no I/O.
 *
 * Personio v1 holds one hire date and one set of end dates (termination date, last working day, contract end) per
 * employee. HR enters a rehire by setting a new hire date; the old end dates may stay in the record or be cleared.
 * A person's history is therefore read as periods: the current one starts at the hire date and owns the end dates
 * on or after it; an earlier one ends at the end dates before it, or at what the store remembers of the earlier
 * record ({@link KnownPeriod}) when HR cleared them.
 */
import type { LifecycleConfig } from '../config/schema.js';
import type { Person } from './model.js';

/** The end-date fields of a Personio employee. */
export type EndField = 'lastWorkingDay' | 'terminationDate' | 'contractEndDate';

/** `lifecycle.disableAt`: which end date closes access. */
export type DisableAt = LifecycleConfig['disableAt'];

/** End dates of one period (`YYYY-MM-DD`), as HR entered them. */
export type EndDates = Readonly<Partial<Record<EndField, string>>>;

/**
 * What the store remembers of one earlier state of a person's record: one entry per hire date seen, with the end
 * dates it had when last seen.
 */
export interface KnownPeriod {
  readonly hireDate: string;
  readonly terminationDate?: string;
  readonly lastWorkingDay?: string;
  readonly contractEndDate?: string;
  /** Instant a record with this hire date was last seen (or first seen started, whichever is later). */
  readonly seenAt: string;
}

/** Former records of persons, by person id (the planner's input). */
export type EmploymentHistory = Readonly<Record<string, readonly KnownPeriod[]>>;

/** One end date and why it was chosen. */
export interface DecidedDate {
  readonly date: string;
  readonly field: EndField;
  /** E.g. `last_working_day 2026-03-10 (disableAt: earliest)`. */
  readonly text: string;
}

/** One employment period. */
export interface EmploymentPeriod {
  /** Hire date; unknown for an earlier period known only from end dates kept in the record. */
  readonly start?: string;
  readonly dates: EndDates;
  /** Access closes at the end of this day (`lifecycle.disableAt`). */
  readonly end?: DecidedDate;
  /** The latest set end date: retention is counted from it. */
  readonly retentionFrom?: DecidedDate;
}

/** The person's periods: the current one and the latest earlier one, if any. */
export interface Periods {
  readonly current: EmploymentPeriod;
  readonly previous?: EmploymentPeriod;
}

/** Field order for ties and texts: the day people stop working comes first. */
const FIELDS: readonly EndField[] = ['lastWorkingDay', 'terminationDate', 'contractEndDate'];

/** Personio's attribute names, as admins see them in HR. */
const SOURCE_NAME: Readonly<Record<EndField, string>> = {
  lastWorkingDay: 'last_working_day',
  terminationDate: 'termination_date',
  contractEndDate: 'contract_end_date',
};

const FIELD_OF: Readonly<Record<Exclude<DisableAt, 'earliest'>, EndField>> = {
  lastWorkingDay: 'lastWorkingDay',
  terminationDate: 'terminationDate',
  contractEnd: 'contractEndDate',
};

/** The source attribute name of an end field (`last_working_day`). */
export function endFieldName(field: EndField): string {
  return SOURCE_NAME[field];
}

function setDates(dates: EndDates): [EndField, string][] {
  const out: [EndField, string][] = [];
  for (const f of FIELDS) {
    const d = dates[f];
    if (d !== undefined && d !== '') out.push([f, d]);
  }
  return out;
}

function pick(list: readonly [EndField, string][], latest: boolean): [EndField, string] | undefined {
  let best: [EndField, string] | undefined;
  for (const e of list) if (!best || (latest ? e[1] > best[1] : e[1] < best[1])) best = e;
  return best;
}

/**
 * The end date that closes access under `disableAt`. A named field that is unset falls back to the earliest of the
 * others, and the text says so.
 */
export function decideEnd(dates: EndDates, disableAt: DisableAt): DecidedDate | undefined {
  const set = setDates(dates);
  if (disableAt === 'earliest') {
    const e = pick(set, false);
    return e && { date: e[1], field: e[0], text: `${SOURCE_NAME[e[0]]} ${e[1]} (disableAt: earliest)` };
  }
  const field = FIELD_OF[disableAt];
  const named = dates[field];
  if (named !== undefined && named !== '') return { date: named, field, text: `${SOURCE_NAME[field]} ${named} (disableAt: ${disableAt})` };
  const e = pick(set, false);
  return e && { date: e[1], field: e[0], text: `${SOURCE_NAME[e[0]]} ${e[1]} (disableAt: ${disableAt}, which is not set: earliest of the others)` };
}

/** The latest set end date (retention is counted from it). */
export function latestEnd(dates: EndDates): DecidedDate | undefined {
  const e = pick(setDates(dates), true);
  return e && { date: e[1], field: e[0], text: `${SOURCE_NAME[e[0]]} ${e[1]}` };
}

/** The end dates of a person's record. */
export function endDatesOf(p: Pick<Person, EndField>): EndDates {
  const out: Partial<Record<EndField, string>> = {};
  for (const [f, d] of setDates(p)) out[f] = d;
  return out;
}

function period(start: string | undefined, dates: EndDates, disableAt: DisableAt): EmploymentPeriod {
  const end = decideEnd(dates, disableAt);
  const retentionFrom = latestEnd(dates);
  return { ...(start !== undefined ? { start } : {}), dates, ...(end ? { end } : {}), ...(retentionFrom ? { retentionFrom } : {}) };
}

function split(dates: EndDates, hire: string): { before: EndDates; from: EndDates } {
  const before: Partial<Record<EndField, string>> = {};
  const from: Partial<Record<EndField, string>> = {};
  for (const [f, d] of setDates(dates)) (d < hire ? before : from)[f] = d;
  return { before, from };
}

const isEmpty = (d: EndDates): boolean => setDates(d).length === 0;

/**
 * The person's current period and the latest earlier one.
 *
 * - End dates before the hire date belong to an earlier period (HR kept them when entering the rehire); those on or
 *   after it are the current period's, so a fixed-term rehire's new end date is never hidden by the old one.
 * - A remembered record with an earlier hire date is an earlier period when it ended before the current hire date
 *   and had started when it was last seen (a hire date corrected before day one is not a period).
 * - End dates kept in the record win over the remembered ones (the record is newer); a field cleared in the same
 *   edit keeps its remembered value.
 *
 * `seenDate` turns a remembered instant into a local calendar date.
 */
export function periodsOf(person: Person, history: readonly KnownPeriod[], disableAt: DisableAt, seenDate: (at: string) => string): Periods {
  const dates = endDatesOf(person);
  const hire = person.hireDate;
  if (hire === undefined) return { current: period(undefined, dates, disableAt) };
  const { before, from } = split(dates, hire);
  const current = period(hire, from, disableAt);
  let best: EmploymentPeriod | undefined;
  for (const k of history) {
    if (k.hireDate >= hire || k.hireDate > seenDate(k.seenAt)) continue;
    // Its own dates only: a record may still carry the end dates of the period before it (HR kept them).
    const p = period(k.hireDate, split(split(endDatesOf(k), k.hireDate).from, hire).before, disableAt);
    if (p.end && (!best?.end || p.end.date > best.end.date)) best = p;
  }
  if (!isEmpty(before)) {
    // The record's old dates win; a field HR cleared while entering the rehire keeps its remembered value (a
    // cleared last working day must not stretch access to the termination date).
    const p = period(best?.start, { ...(best?.dates ?? {}), ...before }, disableAt);
    return { current, previous: p };
  }
  return best ? { current, previous: best } : { current };
}

/**
 * What the store should remember after seeing `persons` as of `at`: each record's hire date with its end dates,
 * written only when new or changed, or when the period is first seen started (which makes it count as an
 * earlier period once a rehire replaces it). `seenDate` turns an instant into a local calendar date.
 */
export function periodsToRemember(
  persons: readonly Person[], history: EmploymentHistory, at: string, seenDate: (at: string) => string,
): { personId: string; period: KnownPeriod }[] {
  const today = seenDate(at);
  const out: { personId: string; period: KnownPeriod }[] = [];
  for (const p of persons) {
    const hire = p.hireDate;
    if (hire === undefined) continue;
    const dates = endDatesOf(p);
    const known = history[p.id]?.find((k) => k.hireDate === hire);
    const changed = !known || FIELDS.some((f) => (known[f] ?? '') !== (dates[f] ?? ''));
    const nowStarted = known !== undefined && seenDate(known.seenAt) < hire && hire <= today;
    if (changed || nowStarted) out.push({ personId: p.id, period: { hireDate: hire, ...dates, seenAt: at } });
  }
  return out;
}
