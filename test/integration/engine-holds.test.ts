/**
 * The holds API of the engine (what `cadre hold` and the web console call), in process against a SQL-table target:
 * validation with coded errors, audit in the same transaction, and the daemon's incremental tick catching up on a
 * person whose hold was removed although HR did not change them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { addHold, listHolds, removeHold } from '../../src/engine/holds.js';
import { fullSync, incrementalSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const people: EmployeeSpec[] = [
  { id: 1, first: 'Holger', last: 'Halter', department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Frida', last: 'Frei', department: 'Sales', office: 'Berlin' },
];

describe('engine holds: validation, audit, and the incremental tick', () => {
  let dir: string;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const department = (pid: string): unknown => {
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      return (db.prepare('SELECT department FROM accounts WHERE employee_id = ?').get(pid) as { department?: unknown } | undefined)?.department;
    } finally {
      db.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-engine-holds-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    const file = writeEngineConfig({ dir, personioUrl: personio.url });
    engine = await openEngine(await loadConfigOrThrow(file));
    await fullSync(engine, { actor: 'test', at: AT });
    assert.equal(department('1'), 'Sales');
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a hold needs a reason, a known target and an end that is not past; errors are coded', async () => {
    const code = (p: Promise<unknown>, c: string) => assert.rejects(p, (e: { code?: string }) => e.code === c);
    await code(addHold(engine, { personId: '1', reason: '  ', actor: 'test' }), 'HOLD_INVALID');
    await code(addHold(engine, { personId: '1', reason: 'x', target: 'nope', actor: 'test' }), 'HOLD_INVALID');
    await code(addHold(engine, { personId: '1', reason: 'x', until: '2020-01-01', actor: 'test' }), 'HOLD_INVALID');
    await code(addHold(engine, { personId: '1', reason: 'x', until: 'next week', actor: 'test' }), 'HOLD_INVALID');
    await code(removeHold(engine, { personId: '1', actor: 'test' }), 'HOLD_NOT_FOUND');
    assert.deepEqual(await listHolds(engine), []);
  });

  test('held: the department change waits; removed: the next incremental tick applies it', async () => {
    const hold = await addHold(engine, { personId: '1', reason: 'works council review', actor: 'web:alice', until: '2999-12-31T00:00:00+01:00' });
    assert.equal(hold.until, '2999-12-30T23:00:00.000Z', 'an instant is stored in UTC');
    assert.deepEqual((await listHolds(engine)).map((h) => [h.hold.personId, h.active]), [['1', true]]);
    for (const p of people) personio.company.upsert(employee({ ...p, department: 'Finance' }));
    const held = await fullSync(engine, { actor: 'test', at: '2026-06-16T10:00:00Z' });
    assert.deepEqual(held.prepared.plan.held.map((h) => [h.personId, h.withheld]), [['1', ['update', 'grant', 'revoke']]]);
    assert.equal(department('1'), 'Sales', 'held');
    assert.equal(department('2'), 'Finance', 'others are not held');

    await removeHold(engine, { personId: '1', actor: 'web:alice', reason: 'review done' });
    // Nothing changed in HR since the cursor: only the removed hold can make the tick plan anyone.
    const quietHr = () => engine.store.meta.set('personio.updated_since', new Date(Date.now() + 3_600_000).toISOString().slice(0, 19));
    await quietHr();
    const tick = await incrementalSync(engine, { actor: 'test', at: '2026-06-16T10:05:00Z' });
    assert.ok(tick, 'the tick planned the person whose hold was removed');
    assert.deepEqual(tick.prepared.input.onlyPersons, ['1']);
    assert.equal(department('1'), 'Finance');
    await quietHr();
    assert.equal(await incrementalSync(engine, { actor: 'test', at: '2026-06-16T10:06:00Z' }), undefined, 'and only once');

    const events: { event: string; actor: string; personId?: string; payload: string }[] = [];
    for await (const page of engine.store.audit.iterate()) events.push(...page.filter((r) => r.event.startsWith('hold.')));
    assert.deepEqual(events.map((e) => [e.event, e.actor, e.personId]), [['hold.added', 'web:alice', '1'], ['hold.removed', 'web:alice', '1']]);
    assert.match(events[0]?.payload ?? '', /works council review/);
    assert.match(events[1]?.payload ?? '', /review done/);
    assert.equal((await engine.audit.verify()).ok, true);
  });
});
