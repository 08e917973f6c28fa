/**
 * Windows FILETIME for AD `accountExpires`: 100-ns intervals since 1601-01-01 UTC. `0` means never.
 */
import { addDays, localDate } from '../lifecycle.js';

const EPOCH_DIFF_MS = 11_644_473_600_000n;

/** The instant (ms) local midnight of `date` begins in `timeZone` (exact across DST changes). */
export function startOfLocalDay(date: string, timeZone: string): number {
  let t = Date.parse(`${date}T00:00:00Z`);
  // Move by the zone's offset until the local calendar date and time read midnight of `date`.
  for (let i = 0; i < 3; i += 1) {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(t));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
    const local = Date.parse(`${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}Z`);
    const offset = local - t;
    const next = Date.parse(`${date}T00:00:00Z`) - offset;
    if (next === t) break;
    t = next;
  }
  return t;
}

/**
 * `accountExpires` for an account that may be used through the whole of `date` in `timeZone`:
 * the FILETIME of the following local midnight. No date → `0` (never expires).
 */
export function accountExpiresFiletime(date: string | null | undefined, timeZone: string): string {
  if (date === null || date === undefined || date === '') return '0';
  const m = /^\d{4}-\d{2}-\d{2}/.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
  const end = startOfLocalDay(addDays(m[0], 1), timeZone);
  if (localDate(new Date(end).toISOString(), timeZone) !== addDays(m[0], 1)) throw new RangeError(`cannot place ${date} in ${timeZone}`);
  return ((BigInt(end) + EPOCH_DIFF_MS) * 10_000n).toString();
}
