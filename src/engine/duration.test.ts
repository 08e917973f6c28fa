import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationMs } from './duration.js';
import { parseDuration } from './daemon.js';

test('durations', () => {
  assert.equal(durationMs('250ms'), 250);
  assert.equal(durationMs(' 30s '), 30_000);
  assert.equal(durationMs('5m'), 300_000);
  assert.equal(durationMs('1h'), 3_600_000);
  assert.equal(durationMs('7d'), 604_800_000);
  for (const bad of ['', '30', 's', '1.5h', '-1s', '10 min']) assert.equal(durationMs(bad), undefined, bad);
  assert.throws(() => parseDuration('soon'), /invalid duration/);
});
