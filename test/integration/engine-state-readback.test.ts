/**
 * The account state a connector reports after an operation is what the store remembers, so incremental ticks
 * (which plan from the stored state) plan against reality: an account adopted at create time keeps the
 * memberships it really holds, and the next tick revokes the one no rule grants. In-process engine, Personio
 * simulator, a SQL-table target (SQLite).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/engine/log.js';
import { fullSync, incrementalSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

describe('stored state is what the connector read back', () => {
  let dir: string;
  let engine: Engine;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const db = (): Database.Database => new Database(join(dir, 'erp.db'));
  const roles = (pid: string): string[] => {
    const d = db();
    try {
      return (d.prepare('select r.role from account_roles r join accounts a on a.id = r.account_id where a.employee_id = ? order by r.role').all(pid) as { role: string }[]).map((r) => r.role);
    } finally {
      d.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-readback-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Anna', last: 'Alt', department: 'Sales', office: 'Berlin' })] });
    const config = await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: sim.url }));
    engine = await openEngine(config, { log: createLogger('silent') });
    await fullSync(engine, { actor: 'test' });
    assert.deepEqual(roles('1'), ['role:sales', 'role:staff']);
  });
  after(async () => {
    await engine?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an account adopted during an incremental tick is stored as it is, and the next tick corrects it', async () => {
    // Someone created the joiner's row by hand, with a role no rule gives them, before Cadre got to it.
    const d = db();
    d.prepare('insert into accounts (id, employee_id, username, department, active, location) values (?, ?, ?, ?, 1, ?)').run('hand-made', '2', 'bbau', 'Finance', 'berlin');
    d.prepare('insert into account_roles (account_id, role) values (?, ?)').run('hand-made', 'role:finance');
    d.close();
    sim.company.upsert(employee({ id: 2, first: 'Bert', last: 'Bau', department: 'Sales', office: 'Berlin' }));

    const tick1 = await incrementalSync(engine, { actor: 'test' });
    const ops1 = tick1?.report?.outcomes.filter((o) => o.op.personId === '2').map((o) => `${o.op.action}:${o.status}`) ?? [];
    assert.ok(ops1.includes('create:done'), ops1.join(', '));
    const stored = (await engine.store.accounts.all()).find((a) => a.personId === '2');
    assert.equal(stored?.anchor, 'hand-made', 'the hand-made row was adopted');
    assert.deepEqual([...(stored?.entitlements ?? [])].sort(), ['role:finance', 'role:sales', 'role:staff'], 'the store knows the role the row really holds');

    // The next change to the person is planned from the stored state: the unwanted role goes.
    sim.company.upsert(employee({ id: 2, first: 'Bert', last: 'Bau', department: 'Sales', office: 'Berlin', position: 'Account Manager' }));
    const tick2 = await incrementalSync(engine, { actor: 'test' });
    const ops2 = tick2?.report?.outcomes.filter((o) => o.op.personId === '2').map((o) => `${o.op.action}:${o.op.entitlement ?? ''}`) ?? [];
    assert.ok(ops2.includes('revoke:role:finance'), ops2.join(', '));
    assert.deepEqual(roles('2'), ['role:sales', 'role:staff']);
  });
});
