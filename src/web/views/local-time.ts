/** Instants shown in the lifecycle time zone (`lifecycle.timezone`), and local dates of filters turned into instants. */
import { addDays } from '../../core/lifecycle.js';
import { startOfLocalDay } from '../../core/rules/filetime.js';
import { html, type Html } from './html.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm:ss` of an ISO instant in `timeZone` (the same in every UI language: sortable, unambiguous). */
export function localDateTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A `<time>` element: local text, the exact instant in `datetime` and as a tooltip. */
export function timeTag(iso: string, timeZone: string): Html {
  return html`<time datetime="${iso}" title="${iso}">${localDateTime(iso, timeZone)}</time>`;
}

/** Whether `s` is a real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The instant local midnight starts `date` in `timeZone` (exact across DST changes). */
export function startOfDay(date: string, timeZone: string): string {
  return new Date(startOfLocalDay(date, timeZone)).toISOString();
}

/** The instant the local day after `date` starts: the exclusive end of a range whose last day is `date`. */
export function endOfDay(date: string, timeZone: string): string {
  return startOfDay(addDays(date, 1), timeZone);
}
