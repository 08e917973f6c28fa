import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { accountExpiresFiletime, startOfLocalDay } from './filetime.js';

const toMs = (ft: string): number => Number(BigInt(ft) / 10_000n - 11_644_473_600_000n);

test('end of the last day in Berlin, summer and winter time', () => {
  // 2026-06-30 ends at 2026-06-30T22:00Z (CEST), 2026-12-31 at 2026-12-31T23:00Z (CET).
  assert.equal(new Date(toMs(accountExpiresFiletime('2026-06-30', 'Europe/Berlin'))).toISOString(), '2026-06-30T22:00:00.000Z');
  assert.equal(new Date(toMs(accountExpiresFiletime('2026-12-31', 'Europe/Berlin'))).toISOString(), '2026-12-31T23:00:00.000Z');
  // The night the clocks go forward (2026-03-29 02:00 → 03:00) still starts at local midnight.
  assert.equal(new Date(startOfLocalDay('2026-03-29', 'Europe/Berlin')).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(accountExpiresFiletime('2026-06-30', 'UTC'), ((BigInt(Date.parse('2026-07-01T00:00:00Z')) + 11_644_473_600_000n) * 10_000n).toString());
});

test('no date means never; garbage is refused', () => {
  assert.equal(accountExpiresFiletime(null, 'Europe/Berlin'), '0');
  assert.equal(accountExpiresFiletime('', 'Europe/Berlin'), '0');
  assert.throws(() => accountExpiresFiletime('31.12.2026', 'Europe/Berlin'), RangeError);
});

test('property: the expiry is the first instant of the next local day', () => {
  const zones = ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'America/New_York', 'Asia/Kolkata', 'UTC'];
  fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }), fc.constantFrom(...zones), (d, zone) => {
    const date = d.toISOString().slice(0, 10);
    const end = toMs(accountExpiresFiletime(date, zone));
    const fmt = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
    return fmt(end - 1) === date && fmt(end) !== date;
  }), { numRuns: 300 });
});

test('in a template: end date to accountExpires; bad input renders null instead of failing the plan', async () => {
  const { compileTemplate } = await import('./expressions.js');
  const t = compileTemplate("{{ filetime(endDate, 'Europe/Berlin') }}");
  assert.equal(t.render({ endDate: '2026-06-30' }), accountExpiresFiletime('2026-06-30', 'Europe/Berlin'));
  assert.equal(t.render({ endDate: null }), '0');
  assert.equal(t.render({ endDate: 'soon' }), null);
  assert.equal(compileTemplate("{{ filetime(endDate, 'Mars/Olympus') }}").render({ endDate: '2026-06-30' }), null);
});
