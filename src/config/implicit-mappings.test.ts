import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateConfigText } from './load.js';

const config = (ad: string, lifecycle = '') => `source: { type: personio, clientId: id, clientSecret: s }
${lifecycle}targets:
  ad:
    type: ad
${ad}`;

describe('implied mappings', () => {
  test('AD accountExpiresFromEndDate is the accountExpires mapping from the lifecycle end date, in lifecycle.timezone', () => {
    // Before, the option only read a create's endDate, which the planner never set: it did nothing.
    const r = validateConfigText(config('    options: { accountExpiresFromEndDate: true }\n', 'lifecycle: { timezone: Europe/Vienna }\n'));
    assert.equal(r.config?.targets['ad']?.attributes['accountExpires'], "{{ filetime(endDate, 'Europe/Vienna') }}");
  });

  test("the target's own timezone option wins over lifecycle.timezone", () => {
    const r = validateConfigText(config('    options: { accountExpiresFromEndDate: true, timezone: Europe/Zurich }\n'));
    assert.equal(r.config?.targets['ad']?.attributes['accountExpires'], "{{ filetime(endDate, 'Europe/Zurich') }}");
  });

  test('an explicit accountExpires mapping wins; without the option nothing is added', () => {
    const explicit = validateConfigText(config('    options: { accountExpiresFromEndDate: true }\n    attributes: { accountexpires: "0" }\n'));
    assert.deepEqual(explicit.config?.targets['ad']?.attributes, { accountexpires: '0' });
    const off = validateConfigText(config('    options: {}\n'));
    assert.deepEqual(off.config?.targets['ad']?.attributes, {});
  });
});
