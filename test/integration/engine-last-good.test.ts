/**
 * A person whose new HR record fails validation but who is known from before keeps the last good record; an end
 * date or status inactive in the failed record still disables on time; the problem is reported on every run.
 * Personio simulator → the real CLI → a SQL-table target (SQLite).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const NEXT = '2026-06-16T10:00:00Z';

interface Row { employee_id: string; active: number; department: string | null; roles: string | null }
function rows(dir: string): Map<string, Row> {
  const db = new Database(join(dir, 'erp.db'), { readonly: true });
  try {
    const list = db.prepare(`select a.employee_id, a.active, a.department, group_concat(r.role) as roles from accounts a
      left join account_roles r on r.account_id = a.id group by a.id`).all() as Row[];
    return new Map(list.map((r) => [String(r.employee_id), r]));
  } finally {
    db.close();
  }
}

describe('failed HR records: last good record, terminal signals, reported every run', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const cli = async (args: string[], code = 0): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 120_000 });
    assert.equal(r.code, code, `cadre ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-last-good-'));
    sim = await startPersonioSimulator({
      port: 0, host: '127.0.0.1',
      employees: [
        employee({ id: 1, first: 'Sina', last: 'Sales', department: 'Sales', office: 'Berlin' }),
        employee({ id: 2, first: 'Tom', last: 'Term', department: 'Sales', office: 'Berlin' }),
        employee({ id: 3, first: 'Ines', last: 'Inaktiv', department: 'Finance', office: 'Berlin' }),
      ],
    });
    config = writeEngineConfig({ dir, personioUrl: sim.url });
    await cli(['sync', '--quiet', '--at', AT]);
    assert.deepEqual([...rows(dir).values()].map((r) => r.active), [1, 1, 1]);
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('bad records: the known keep their last good record; end date and status inactive still disable', async () => {
    // Each new record fails validation (a name is missing); 1 also "moves" to Finance, which must not count.
    sim.company.upsert(employee({ id: 1, first: 'Sina', last: null, department: 'Finance', office: 'Berlin' }));
    sim.company.upsert(employee({ id: 2, first: 'Tom', last: null, department: 'Sales', office: 'Berlin', terminationDate: '2026-06-15' }));
    sim.company.upsert(employee({ id: 3, first: null, last: 'Inaktiv', department: 'Finance', office: 'Berlin', status: 'inactive' }));
    sim.company.upsert(employee({ id: 4, first: 'Neu', last: null, department: 'Sales', office: 'Berlin' }));

    const plan = JSON.parse(await cli(['plan', '--json', '--at', NEXT])) as Plan;
    assert.deepEqual(plan.problems.map((p) => [p.personId, p.keptLastGood ?? false]).sort(), [['1', true], ['2', true], ['3', true], ['4', false]]);
    const ops = plan.operations.filter((o) => o.target === 'erp').map((o) => `${o.action}:${o.personId}`).sort();
    assert.deepEqual(ops, ['disable:2', 'disable:3']);
    const text = await cli(['plan', '--at', NEXT]);
    assert.match(text, /Source problems \(4\)[\s\S]*planned from the last good record/);

    await cli(['sync', '--quiet', '--at', NEXT]);
    const after1 = rows(dir);
    assert.equal(after1.get('1')?.active, 1);
    assert.equal(after1.get('1')?.department, 'Sales', 'the failed record\'s department change is not applied');
    assert.deepEqual((after1.get('1')?.roles ?? '').split(',').sort(), ['role:sales', 'role:staff'], 'no revoke, no finance grant');
    assert.equal(after1.get('2')?.active, 0, 'end date in the failed record disables');
    assert.equal(after1.get('3')?.active, 0, 'status inactive in the failed record disables');
    assert.equal(after1.has('4'), false, 'an unknown person with a failed record gets nothing');

    // Reported again on the next run, and audited each time.
    await cli(['sync', '--quiet', '--at', NEXT]);
    const audit = JSON.parse(await cli(['audit', 'export', '--format', 'json'])) as { event: string; payload: { problems?: { personId: string; keptLastGood: boolean }[] } }[];
    const reports = audit.filter((e) => e.event === 'source.problems');
    assert.equal(reports.length, 2);
    for (const r of reports) assert.deepEqual(r.payload.problems?.map((p) => p.personId).sort(), ['1', '2', '3', '4']);
    assert.equal(rows(dir).get('1')?.active, 1);
  });
});
