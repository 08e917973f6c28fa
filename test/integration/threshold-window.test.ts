/**
 * Thresholds across scoped runs: a mass termination that arrives as many small webhook batches (or incremental
 * ticks) is blocked once the last 24 hours of scoped runs together pass a limit, although each run alone stays under
 * it; one approval lets the wave through. Real engine, Personio simulator, SQL target on SQLite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const people: EmployeeSpec[] = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, first: `Wave${String.fromCharCode(97 + i)}`, last: 'Person', department: 'Sales', office: 'Berlin' }));
let dir: string;
let engine: Engine;
let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
let clock = new Date('2026-06-15T10:00:00.000Z');

/** One person-scoped run, as a webhook batch naming that person makes it. */
const scoped = (id: number, approve?: true) => withRunLease(engine, { command: 'sync' }, async (lease) => {
  const prepared = await preparePlan(engine, { at: clock.toISOString(), source: { kind: 'persons', ids: [String(id)] }, onlyPersons: [String(id)], storedAccounts: true });
  return applyPrepared(engine, prepared, { actor: 'webhook', kind: 'incremental', storePersons: 'merge', lease, ...(approve ? { approve } : {}) });
});
const enabledRows = (): string[] => {
  const db = new Database(join(dir, 'erp.db'), { readonly: true });
  try { return (db.prepare('SELECT employee_id FROM accounts WHERE active = 0 ORDER BY employee_id').all() as { employee_id: string }[]).map((r) => r.employee_id); } finally { db.close(); }
};
const leave = (id: number): void => { sim.company.upsert(employee({ ...(people[id - 1] as EmployeeSpec), terminationDate: '2026-06-10', status: 'inactive' })); };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-threshold-window-'));
  sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
  const config = await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: sim.url, thresholds: 'thresholds: { default: { count: 2 } }' }));
  engine = await openEngine(config, { now: () => clock });
  await fullSync(engine, { actor: 'test', at: clock.toISOString() });
});
after(async () => {
  await engine?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('leavers one per scoped run: the third within 24 h is blocked (2 before it + 1 > 2); an approval lets it and the wave through; the window ages out', async () => {
  leave(1);
  await scoped(1);
  leave(2);
  await scoped(2);
  leave(3);
  await assert.rejects(scoped(3), (e: Error & { code?: string }) => {
    assert.match(e.message, /disable on erp: 3 of \d+ .*2 of them applied by smaller runs in the last 24 h/);
    return true;
  }, 'each run alone disables one person, under the limit of 2; together three');
  const blocked = await engine.store.audit.query({ event: 'plan.blocked' }, { limit: 5 });
  assert.equal(blocked.length, 1, 'audited');
  await scoped(3, true);
  leave(4);
  await scoped(4);
  leave(5);
  await scoped(5);
  leave(6);
  await assert.rejects(scoped(6), /applied by smaller runs/, 'after the approval the window counts anew');
  clock = new Date(clock.getTime() + 25 * 3_600_000);
  await scoped(6);
  assert.deepEqual(enabledRows(), ['1', '2', '3', '4', '5', '6'], 'disabled in the table');
});
