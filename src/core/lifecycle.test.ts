import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountStateFor, addDays, lifecycleAt, localDate } from './lifecycle.js';
import { config, person } from './test-support.js';

const cfg = config().lifecycle; // Europe/Berlin, preHire 14, retention 30, leave keep

describe('localDate', () => {
  test('calendar date in the configured zone', () => {
    assert.equal(localDate('2024-06-30T21:59:59Z', 'Europe/Berlin'), '2024-06-30');
    assert.equal(localDate('2024-06-30T22:00:00Z', 'Europe/Berlin'), '2024-07-01');
    assert.equal(localDate('2024-01-31T23:00:00Z', 'Europe/Berlin'), '2024-02-01'); // winter: UTC+1
    assert.equal(localDate('2024-06-30T22:00:00Z', 'America/New_York'), '2024-06-30');
  });
  test('addDays across months and leap years', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2023-12-31', 1), '2024-01-01');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  });
});

describe('lifecycleAt', () => {
  test('far-future hire → future; inside the window → prehire; from the hire day (local) → active', () => {
    const p = person('1', { hireDate: '2024-07-01', status: 'onboarding' });
    assert.equal(lifecycleAt(p, '2024-06-01T10:00:00Z', cfg).state, 'future');
    const pre = lifecycleAt(p, '2024-06-20T10:00:00Z', cfg);
    assert.equal(pre.state, 'prehire');
    assert.equal(pre.enableOn, '2024-07-01');
    assert.equal(lifecycleAt(p, '2024-06-16T21:59:00Z', cfg).state, 'future'); // 15 days ahead locally
    assert.equal(lifecycleAt(p, '2024-06-16T22:00:00Z', cfg).state, 'prehire'); // 14 days ahead locally
    assert.equal(lifecycleAt(p, '2024-06-30T21:59:00Z', cfg).state, 'prehire');
    assert.equal(lifecycleAt(p, '2024-06-30T22:00:00Z', cfg).state, 'active'); // 00:00 on 1 July in Berlin
  });
  test('leaver: still active at 23:59 local on the last day, terminated at 00:00, gone after retention', () => {
    const p = person('1', { terminationDate: '2024-06-30' });
    const last = lifecycleAt(p, '2024-06-30T21:59:00Z', cfg);
    assert.equal(last.state, 'active');
    assert.equal(last.endDate, '2024-06-30');
    const after = lifecycleAt(p, '2024-06-30T22:00:00Z', cfg);
    assert.equal(after.state, 'terminated');
    assert.equal(after.deleteOn, '2024-07-31');
    assert.equal(lifecycleAt(p, '2024-07-30T21:59:00Z', cfg).state, 'terminated');
    assert.equal(lifecycleAt(p, '2024-07-30T22:00:00Z', cfg).state, 'gone');
  });
  test('a single end date closes access whichever field holds it', () => {
    assert.equal(lifecycleAt(person('1', { lastWorkingDay: '2024-05-20', contractEndDate: '2024-12-31' }), '2024-06-01T10:00:00Z', cfg).state, 'terminated');
    assert.equal(lifecycleAt(person('1', { contractEndDate: '2024-05-01' }), '2024-06-01T10:00:00Z', cfg).endDate, '2024-05-01');
  });
  test('leave and inactive', () => {
    assert.equal(lifecycleAt(person('1', { status: 'leave' }), '2024-06-01T10:00:00Z', cfg).state, 'leave');
    const inactive = lifecycleAt(person('1', { status: 'inactive' }), '2024-06-01T10:00:00Z', cfg);
    assert.equal(inactive.state, 'terminated');
    assert.equal(inactive.deleteOn, undefined);
    assert.deepEqual(accountStateFor('leave', cfg), { exists: true, enabled: true });
    assert.deepEqual(accountStateFor('leave', { ...cfg, leave: 'disable' }), { exists: true, enabled: false });
  });
  test('rehire: a hire date after the old end date counts, the old end date does not', () => {
    const p = person('1', { hireDate: '2024-06-01', terminationDate: '2023-12-31', status: 'active' });
    const l = lifecycleAt(p, '2024-06-02T10:00:00Z', cfg);
    assert.equal(l.state, 'active');
    assert.equal(l.rehire, true);
    assert.equal(l.endDate, undefined);
    assert.equal(lifecycleAt(p, '2024-05-25T10:00:00Z', cfg).state, 'prehire');
  });
  test('property: states progress monotonically over time for a fixed record', () => {
    const order = ['future', 'prehire', 'active', 'terminated', 'gone'];
    fc.assert(fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }), (hireOff, len) => {
      const hire = addDays('2024-01-01', hireOff);
      const end = addDays(hire, len);
      const p = person('1', { hireDate: hire, terminationDate: end });
      let prev = -1;
      for (let d = -30; d < 900; d += 7) {
        const at = `${addDays('2024-01-01', d)}T12:00:00Z`;
        const i = order.indexOf(lifecycleAt(p, at, cfg).state);
        if (i < prev) return false;
        prev = i;
      }
      return true;
    }), { numRuns: 200 });
  });
});
