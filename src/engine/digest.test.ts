import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zonedInstant } from './digest.js';

test('zonedInstant: local time of day in a zone, across DST', () => {
  assert.equal(zonedInstant('2026-01-15', '07:00', 'Europe/Berlin').toISOString(), '2026-01-15T06:00:00.000Z');
  assert.equal(zonedInstant('2026-07-15', '07:00', 'Europe/Berlin').toISOString(), '2026-07-15T05:00:00.000Z');
  // The day the clocks go forward (29.03.2026 02:00 → 03:00) and back (25.10.2026).
  assert.equal(zonedInstant('2026-03-29', '07:00', 'Europe/Berlin').toISOString(), '2026-03-29T05:00:00.000Z');
  assert.equal(zonedInstant('2026-10-25', '07:00', 'Europe/Berlin').toISOString(), '2026-10-25T06:00:00.000Z');
  assert.equal(zonedInstant('2026-03-01', '00:00', 'UTC').toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(zonedInstant('2026-03-01', '23:30', 'America/New_York').toISOString(), '2026-03-02T04:30:00.000Z');
});
