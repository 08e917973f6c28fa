/**
 * Dashboard data and the audit viewer's query against a real SQLite store (the store suite runs the query on
 * PostgreSQL too): upcoming events from stored persons, changes per day across DST, operations by target, last runs,
 * newest-first pages with cursors, and the export's actor/target filters.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { exportAudit } from '../../src/audit/export.js';
import { createAuditLog } from '../../src/audit/log.js';
import { AuditCursorError, queryAudit } from '../../src/audit/query.js';
import { config, person } from '../../src/core/test-support.js';
import { changesPerDay, lastRuns, operationsByTarget, upcomingEvents } from '../../src/engine/dashboard.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';

const TZ = 'Europe/Berlin';
/** "Now": 30 March 2026 12:00 in Berlin, the day after the spring-forward change. */
const NOW = new Date('2026-03-30T10:00:00.000Z');

function sink(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }), text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('dashboard and audit query (sqlite store)', () => {
  let dir: string;
  let engine: Engine;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-dashboard-'));
    const cfg = config({ store: { driver: 'sqlite', path: join(dir, 'cadre.db') } });
    engine = await openEngine(cfg, { storeOnly: true, now: () => NOW });
    await engine.store.persons.replaceAll([
      person('1', { status: 'onboarding', hireDate: '2026-04-20' }),
      person('2', { lastWorkingDay: '2026-04-03' }),
      person('3', { firstName: 'Ohne', lastName: 'Konto' }),
    ]);
    await engine.store.accounts.upsert({ target: 'ad', anchor: 'a2', personId: '2', enabled: true, attributes: {}, entitlements: [] });
    // Operations around the DST change (29 March 2026, 02:00 CET → 03:00 CEST).
    const times = ['2026-03-28T22:59:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T21:59:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T09:00:00.000Z'];
    let i = 0;
    const log = createAuditLog(engine.store, { now: () => new Date(times[Math.min(i++, times.length - 1)] as string) });
    await log.record({ actor: 'cadre', event: 'op.done', target: 'ad', personId: '2', payload: { action: 'create' } });
    await log.record({ actor: 'cadre', event: 'op.done', target: 'ad', personId: '2', payload: { action: 'update' } });
    await log.record({ actor: 'cadre', event: 'op.failed', target: 'sql', personId: '1', payload: { action: 'create' } });
    await log.record({ actor: 'cadre', event: 'op.done', target: 'sql', personId: '1', payload: { action: 'create' } });
    await log.record({ actor: 'web:alice', event: 'helpdesk.unlock', target: 'ad', personId: '2', payload: { note: '=cmd|x' } });
    const run = await engine.store.runs.start({ id: 'r1', kind: 'sync', startedAt: '2026-03-29T10:00:00.000Z' });
    await engine.store.runs.finish(run.id, 'failed', { failed: 1 });
    await engine.store.runs.start({ id: 'r2', kind: 'sync', startedAt: '2026-03-30T09:00:00.000Z' });
    await engine.store.runs.finish('r2', 'ok');
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('upcomingEvents: from the stored persons, with the targets concerned', async () => {
    const events = await upcomingEvents(engine, { days: 30 });
    assert.deepEqual(events.map((e) => [e.kind, e.date, e.personId, e.targets.join('+')]), [
      ['lastDay', '2026-04-03', '2', 'ad'],
      ['prehire', '2026-04-06', '1', 'ad+sql'],
      ['firstDay', '2026-04-20', '1', 'ad+sql'],
    ]);
  });

  test('changesPerDay: op.done per local day across the DST change', async () => {
    const days = await changesPerDay(engine.store, { days: 3, timeZone: TZ, now: NOW });
    assert.deepEqual(days, [
      { date: '2026-03-28', total: 1, byAction: { create: 1 } },
      { date: '2026-03-29', total: 1, byAction: { update: 1 } },
      { date: '2026-03-30', total: 1, byAction: { create: 1 } },
    ]);
  });

  test('operationsByTarget and lastRuns', async () => {
    const ops = await operationsByTarget(engine.store, { days: 7, timeZone: TZ, now: NOW });
    assert.deepEqual(ops.map((t) => [t.target, t.done, t.failed]), [['ad', 2, 0], ['sql', 1, 1]]);
    assert.deepEqual(ops[1]?.byAction, { create: { failed: 1, done: 1 } });
    const runs = await lastRuns(engine.store);
    assert.deepEqual(runs.runs.map((r) => r.id), ['r2', 'r1']);
    assert.deepEqual(runs.failures.map((r) => r.id), ['r1']);
    assert.equal(runs.lastOk?.id, 'r2');
  });

  test('queryAudit: newest first, cursor pages, filters', async () => {
    const p1 = await queryAudit(engine.store, { limit: 2 });
    assert.deepEqual(p1.rows.map((r) => r.seq), [5, 4]);
    assert.equal(p1.nextCursor, '4');
    const p2 = await queryAudit(engine.store, { limit: 2, cursor: p1.nextCursor });
    assert.deepEqual(p2.rows.map((r) => r.seq), [3, 2]);
    const p3 = await queryAudit(engine.store, { limit: 2, cursor: p2.nextCursor });
    assert.deepEqual(p3.rows.map((r) => r.seq), [1]);
    assert.equal(p3.nextCursor, undefined);
    assert.deepEqual((await queryAudit(engine.store, { event: 'op', target: 'sql' })).rows.map((r) => r.event), ['op.done', 'op.failed']);
    assert.deepEqual((await queryAudit(engine.store, { actor: 'web:*' })).rows.map((r) => r.seq), [5]);
    assert.deepEqual((await queryAudit(engine.store, { personId: '1', since: '2026-03-29T22:00:00.000Z' })).rows.map((r) => r.seq), [4]);
    await assert.rejects(queryAudit(engine.store, { cursor: '1 or 1=1' }), AuditCursorError);
  });

  test('exportAudit: actor and target filters; CSV stays formula-safe', async () => {
    const csv = sink();
    assert.equal(await exportAudit(engine.store, 'csv', csv.stream, { actor: 'web:alice', target: 'ad' }), 1);
    assert.match(csv.text(), /helpdesk\.unlock/);
    assert.ok(!csv.text().split('\r\n').slice(1).some((line) => line.split(',').some((c) => /^[=+\-@\t\r]/.test(c))));
    const json = sink();
    assert.equal(await exportAudit(engine.store, 'json', json.stream, { target: 'sql' }), 2);
    assert.deepEqual((JSON.parse(json.text()) as { seq: number }[]).map((r) => r.seq), [3, 4], 'oldest first');
    const none = sink();
    assert.equal(await exportAudit(engine.store, 'ndjson', none.stream, { actor: 'web:bob' }), 0);
  });
});
