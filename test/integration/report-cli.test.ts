/**
 * `cadre report …` and `cadre audit export --actor/--target` through the real CLI, on a SQLite store filled by a
 * real sync (Personio simulator → a SQL-table target), plus a hand-made account in the target and helpdesk entries in
 * the audit log (the console writes those).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createAuditLog } from '../../src/audit/log.js';
import { createStore } from '../../src/store/index.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const DAY = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

const staff: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: 'Groß', department: 'Finance', office: 'Berlin' },
  { id: 2, first: 'Ömer', last: 'Öztürk', department: 'Sales', office: 'München', supervisorId: 1 },
  { id: 3, first: 'Lisa', last: '=cmd|calc', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
  // Left five days ago; the last sync ran before that (as if the daemon had been down since).
  { id: 4, first: 'Leo', last: 'Weg', department: 'Sales', office: 'Berlin', lastWorkingDay: day(-5) },
];

/** Parse RFC 4180 CSV (enough for these reports). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += c;
  }
  return rows;
}

describe('cadre report (CLI, SQLite store after a real sync)', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const cli = async (args: string[], code = 0) => {
    const r = await runCli([...args, '--config', config]);
    assert.equal(r.code, code, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-report-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff.map(employee) });
    config = writeEngineConfig({ dir, personioUrl: sim.url });
    await cli(['sync', '--quiet', '--at', `${day(-10)}T10:00:00Z`]);
    // Someone creates an account in the target by hand: no correlation id.
    const db = new Database(join(dir, 'erp.db'));
    db.prepare("insert into accounts (id, username, display_name, active) values ('hand-1', '=svc|backup', 'Backup Service', 1)").run();
    db.prepare("insert into account_roles (account_id, role) values ('hand-1', 'role:sales')").run();
    db.close();
    // Helpdesk actions, as the console records them.
    const store = await createStore({ driver: 'sqlite', path: join(dir, 'cadre.db') });
    const log = createAuditLog(store);
    await log.record({ actor: 'web:alice', event: 'helpdesk.unlock', personId: '2', target: 'erp', payload: {} });
    await log.record({ actor: 'web:alice', event: 'helpdesk.resetPassword', personId: '3', target: 'erp', payload: {} });
    await log.record({ actor: 'web:bob', event: 'helpdesk.resetPassword.refused', personId: '1', target: 'erp', payload: { reason: 'protected' } });
    await store.close();
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('orphans: the hand-made account, listed live; CSV is formula-safe', async () => {
    const csv = parseCsv(await cli(['report', 'orphans', '--format', 'csv']));
    assert.deepEqual(csv[0], ['target', 'anchor', 'name', 'dn', 'enabled', 'correlation', 'why']);
    assert.equal(csv.length, 2, JSON.stringify(csv));
    assert.equal(csv[1]?.[1], 'hand-1');
    assert.equal(csv[1]?.[2], "'=svc|backup");
    assert.equal(csv[1]?.[6], 'no correlation id and no HR person matches it');
    // The store keeps linked accounts only: without the live listing there is no orphan.
    assert.deepEqual(JSON.parse(await cli(['report', 'orphans', '--stored', '--json'])).rows, []);
    assert.match(await cli(['report', 'orphans']), /hand-1/);
  });

  test('leavers-enabled: the leaver, the day access should have closed, and that the disable is pending', async () => {
    const r = JSON.parse(await cli(['report', 'leavers-enabled', '--format', 'json'])) as { rows: Record<string, unknown>[] };
    assert.deepEqual(r.rows.map((x) => [x.personId, x.target, x.accessClosedOn, x.daysOver, x.cause]), [['4', 'erp', day(-5), 5, 'pending']]);
    // Once a sync runs, the account is disabled and the report is empty.
    await cli(['sync', '--quiet']);
    assert.match(await cli(['report', 'leavers-enabled']), /nothing to report/);
  });

  test('access-matrix and who-has', async () => {
    const m = JSON.parse(await cli(['report', 'access-matrix', '--json'])) as { matrices: { target: string; departments: string[]; entitlements: string[]; counts: number[][] }[] };
    const erp = m.matrices.find((x) => x.target === 'erp');
    assert.ok(erp);
    const cell = (d: string, e: string) => erp.counts[erp.departments.indexOf(d)]?.[erp.entitlements.indexOf(e)];
    assert.equal(cell('Sales', 'role:sales'), 2, 'Ömer and Lisa (Leo is disabled now)');
    assert.equal(cell('Finance', 'role:finance'), 1);
    assert.equal(cell('(no HR person)', 'role:sales'), 1);
    const who = parseCsv(await cli(['report', 'who-has', 'role:sales', '--format', 'csv', '--target', 'erp']));
    const byPerson = new Map(who.slice(1).map((r) => [r[2], r]));
    assert.equal(byPerson.get('2')?.[7], 'sales');
    assert.match(byPerson.get('2')?.[8] ?? '', /Sales/);
    assert.equal(byPerson.get('')?.[1 + 6], '', 'the hand-made account: no rule');
    assert.match(byPerson.get('')?.[8] ?? '', /not granted by any rule/);
    assert.equal(who.length, 1 + 4, 'Ömer, Lisa, Leo (still holds it while disabled) and the hand-made account');
  });

  test('helpdesk: counts by actor and type for the period', async () => {
    const r = JSON.parse(await cli(['report', 'helpdesk', '--since', day(-1), '--json'])) as { rows: unknown[]; entries: unknown[] };
    assert.deepEqual(r.rows, [
      { actor: 'web:alice', type: 'resetPassword', done: 1, refused: 0, failed: 0 },
      { actor: 'web:alice', type: 'unlock', done: 1, refused: 0, failed: 0 },
      { actor: 'web:bob', type: 'resetPassword', done: 0, refused: 1, failed: 0 },
    ]);
    assert.equal(r.entries.length, 3);
    assert.match(await cli(['report', 'helpdesk', '--until', day(-20)]), /nothing to report/);
  });

  test('licences: a target without licences has nothing to report; usage errors exit 2', async () => {
    assert.match(await cli(['report', 'licences']), /nothing to report/);
    await cli(['report', 'bogus'], 2);
    await cli(['report', 'who-has'], 2);
    await cli(['report', 'orphans', '--target', 'nope'], 2);
    await cli(['report', 'orphans', '--format', 'xml'], 2);
    await cli(['report', 'orphans', '--since', day(-1)], 2);
  });

  test('audit export --actor and --target', async () => {
    const csv = parseCsv(await cli(['audit', 'export', '--format', 'csv', '--actor', 'web:*', '--target', 'erp']));
    assert.deepEqual(csv.slice(1).map((r) => r[3]), ['helpdesk.unlock', 'helpdesk.resetPassword', 'helpdesk.resetPassword.refused']);
    const bob = JSON.parse(await cli(['audit', 'export', '--format', 'json', '--actor', 'web:bob'])) as { event: string }[];
    assert.deepEqual(bob.map((r) => r.event), ['helpdesk.resetPassword.refused']);
  });
});
