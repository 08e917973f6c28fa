/**
 * Overrides in the engine, in process against a SQL-table target: a stored override is written by the next sync and
 * kept by every later one; when it expires (its last day ends in the lifecycle time zone) the daemon's incremental
 * tick plans the person although HR did not change them, and the rule's value returns.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { fullSync, incrementalSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const people: EmployeeSpec[] = [{ id: 1, first: 'Olga', last: 'Override', department: 'Sales', office: 'Berlin', position: 'Account Manager' }];

describe('engine overrides: kept by syncs, and the incremental tick after expiry', () => {
  let dir: string;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const title = (pid: string): unknown => {
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      return (db.prepare('SELECT title FROM accounts WHERE employee_id = ?').get(pid) as { title?: unknown } | undefined)?.title;
    } finally {
      db.close();
    }
  };
  // Nothing changes in HR after the cursor: only the override's expiry can make a tick plan anyone.
  const quietHr = () => engine.store.meta.set('personio.updated_since', new Date(Date.now() + 3_600_000).toISOString().slice(0, 19));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-engine-overrides-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    engine = await openEngine(await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: personio.url })));
    await fullSync(engine, { actor: 'test', at: '2026-06-10T10:00:00Z' });
    assert.equal(title('1'), 'Account Manager');
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an override is written and kept; after its last day (Europe/Berlin) the next tick restores the rule value', async () => {
    await engine.store.overrides.put({ personId: '1', target: 'erp', attribute: 'title', value: 'Interim Lead', actor: 'web:alice', createdAt: '2026-06-10T10:00:00.000Z', expiresAt: '2026-06-15', reason: 'form edit-title' });
    const written = await fullSync(engine, { actor: 'test', at: '2026-06-10T11:00:00Z' });
    const upd = written.prepared.plan.operations.find((o) => o.action === 'update');
    assert.deepEqual(upd?.reason, { kind: 'manual', source: 'override', detail: 'set by web:alice on 2026-06-10, until 2026-06-15 (form edit-title)' });
    assert.equal(title('1'), 'Interim Lead');
    const kept = await fullSync(engine, { actor: 'test', at: '2026-06-12T10:00:00Z' });
    assert.deepEqual(kept.prepared.plan.operations.filter((o) => o.target === 'erp'), []);
    assert.equal(title('1'), 'Interim Lead');

    await quietHr();
    // 21:30 UTC on the 15th is 23:30 in Berlin: still the last day, nobody to plan.
    assert.equal(await incrementalSync(engine, { actor: 'test', at: '2026-06-15T21:30:00Z' }), undefined);
    assert.equal(title('1'), 'Interim Lead');
    await quietHr();
    // 22:30 UTC is 00:30 on the 16th in Berlin: expired; the tick plans the person and the rule's value returns.
    const tick = await incrementalSync(engine, { actor: 'test', at: '2026-06-15T22:30:00Z' });
    assert.ok(tick, 'the tick planned the person whose override expired');
    assert.deepEqual(tick.prepared.input.onlyPersons, ['1']);
    assert.equal(title('1'), 'Account Manager');
  });
});
