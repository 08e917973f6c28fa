import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countByLocalDay, localDayWindow } from './day-buckets.js';

const TZ = 'Europe/Berlin';

describe('localDayWindow', () => {
  test('the last n local days, today included; starts at local midnight', () => {
    const w = localDayWindow('2026-01-10T22:30:00.000Z', 3, TZ); // 23:30 on 10 Jan in Berlin
    assert.deepEqual(w.days, ['2026-01-08', '2026-01-09', '2026-01-10']);
    assert.equal(w.since, '2026-01-07T23:00:00.000Z');
    assert.deepEqual(localDayWindow('2026-01-10T23:30:00.000Z', 1, TZ).days, ['2026-01-11'], 'past local midnight: the next day');
  });
  test('a window across the spring-forward change starts at the winter offset', () => {
    const w = localDayWindow('2026-03-30T10:00:00.000Z', 3, TZ);
    assert.deepEqual(w.days, ['2026-03-28', '2026-03-29', '2026-03-30']);
    assert.equal(w.since, '2026-03-27T23:00:00.000Z');
    assert.equal(localDayWindow('2026-03-30T10:00:00.000Z', 1, TZ).since, '2026-03-29T22:00:00.000Z', 'summer: UTC+2');
  });
});

describe('countByLocalDay', () => {
  test('spring forward (29 March 2026, a 23-hour day): entries land on their local day', () => {
    const w = localDayWindow('2026-03-30T12:00:00.000Z', 3, TZ);
    const items = [
      { at: '2026-03-27T23:00:00.000Z', key: 'create' }, // 00:00 CET on the 28th
      { at: '2026-03-28T22:59:59.000Z', key: 'create' }, // 23:59:59 CET on the 28th
      { at: '2026-03-28T23:00:00.000Z', key: 'disable' }, // 00:00 CET on the 29th
      { at: '2026-03-29T00:59:59.000Z', key: 'update' }, // 01:59:59 CET, just before the jump
      { at: '2026-03-29T01:00:00.000Z', key: 'update' }, // 03:00 CEST
      { at: '2026-03-29T21:59:59.000Z', key: 'update' }, // 23:59:59 CEST on the 29th
      { at: '2026-03-29T22:00:00.000Z', key: 'delete' }, // 00:00 CEST on the 30th
      { at: '2026-03-27T22:59:59.000Z', key: 'create' }, // the 27th: before the window
    ];
    assert.deepEqual(countByLocalDay(items, w, TZ), [
      { date: '2026-03-28', total: 2, byKey: { create: 2 } },
      { date: '2026-03-29', total: 4, byKey: { disable: 1, update: 3 } },
      { date: '2026-03-30', total: 1, byKey: { delete: 1 } },
    ]);
  });
  test('fall back (25 October 2026, a 25-hour day): the repeated hour counts once on the 25th', () => {
    const w = localDayWindow('2026-10-26T12:00:00.000Z', 2, TZ);
    const items = [
      { at: '2026-10-24T21:59:59.000Z', key: 'x' }, // 23:59:59 CEST on the 24th: outside
      { at: '2026-10-24T22:00:00.000Z', key: 'a' }, // 00:00 CEST on the 25th
      { at: '2026-10-25T00:30:00.000Z', key: 'a' }, // 02:30 CEST
      { at: '2026-10-25T01:30:00.000Z', key: 'a' }, // 02:30 CET (the hour again)
      { at: '2026-10-25T22:59:59.000Z', key: 'b' }, // 23:59:59 CET on the 25th
      { at: '2026-10-25T23:00:00.000Z', key: 'b' }, // 00:00 CET on the 26th
    ];
    assert.deepEqual(countByLocalDay(items, w, TZ), [
      { date: '2026-10-25', total: 4, byKey: { a: 3, b: 1 } },
      { date: '2026-10-26', total: 1, byKey: { b: 1 } },
    ]);
  });
  test('quiet days are present with zero', () => {
    assert.deepEqual(countByLocalDay([], localDayWindow('2026-05-02T08:00:00.000Z', 2, TZ), TZ), [
      { date: '2026-05-01', total: 0, byKey: {} },
      { date: '2026-05-02', total: 0, byKey: {} },
    ]);
  });
});
