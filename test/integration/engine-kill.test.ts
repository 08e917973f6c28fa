/**
 * Killing `cadre apply` with SIGKILL at random points, then rerunning, gives the exact end state:
 * no duplicate rows, no lost operations, and an intact audit chain.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli, spawnCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { randomUUID } from 'node:crypto';
import { employee } from '../support/personio-fixture.js';

const N = 240;
const departments = ['Finance', 'Sales', 'IT', 'HR'];
const company = Array.from({ length: N }, (_, i) => employee({ id: 1000 + i, first: ['Anna', 'Jürgen', 'Zoë', 'Mehmet'][i % 4] as string, last: ['Müller', 'Schmidt', 'Weiß', 'Yılmaz', 'Groß'][i % 5] as string, department: departments[i % 4] as string, office: i % 2 ? 'Berlin' : 'Hamburg', ...(i > 0 ? { supervisorId: 1000 + Math.floor((i - 1) / 8) } : {}) }));

describe('engine: crash safety of apply', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-kill-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: company });
    config = writeEngineConfig({ dir, personioUrl: sim.url, targets: ['erp', 'crm'] });
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL at random points, then rerun: exact end state', async () => {
    let kills = 0;
    for (let round = 0; round < 5; round += 1) {
      const child = spawnCli(['apply', '--yes', '--config', config]);
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      let timer: NodeJS.Timeout | undefined;
      // Kill once operations are being applied, at a random point after that.
      child.stderr?.on('data', (d: Buffer) => {
        if (timer || !d.toString().includes('apply:')) return;
        timer = setTimeout(() => { if (child.kill('SIGKILL')) kills += 1; }, Math.floor(Math.random() * 400));
      });
      const code = await exited;
      if (timer) clearTimeout(timer);
      if (code === 0) break;
    }
    assert.ok(kills >= 1, 'at least one apply was killed mid-way');
    const final = await runCli(['apply', '--yes', '--config', config]);
    assert.equal(final.code, 0, final.stdout + final.stderr);
    const plan = await runCli(['plan', '--json', '--config', config]);
    const rest = JSON.parse(plan.stdout) as { operations: { target: string; action: string }[] };
    assert.deepEqual(rest.operations.filter((o) => o.target !== 'notify'), [], 'converged: nothing left to do');
    for (const target of ['erp', 'crm']) {
      const db = new Database(join(dir, `${target}.db`), { readonly: true });
      try {
        const rows = db.prepare('select employee_id, count(*) as n from accounts group by employee_id').all() as { employee_id: string; n: number }[];
        assert.equal(rows.length, N, `${target}: every person has an account`);
        assert.ok(rows.every((r) => r.n === 1), `${target}: no duplicate accounts`);
        const names = db.prepare('select count(distinct username) as u, count(*) as n from accounts').get() as { u: number; n: number };
        assert.equal(names.u, names.n, `${target}: usernames unique`);
        const roles = db.prepare('select account_id, role, count(*) as n from account_roles group by account_id, role having n > 1').all();
        assert.deepEqual(roles, [], `${target}: no duplicate grants`);
        const staff = db.prepare("select count(*) as n from account_roles where role = 'role:staff'").get() as { n: number };
        assert.equal(staff.n, N, `${target}: no lost grants`);
      } finally {
        db.close();
      }
    }
    const crossTarget = new Database(join(dir, 'erp.db'), { readonly: true });
    crossTarget.exec(`attach database '${join(dir, 'crm.db').replace(/'/g, "''")}' as crm`);
    const mismatched = crossTarget.prepare('select count(*) as n from accounts a join crm.accounts c on c.employee_id = a.employee_id where c.username <> a.username').get() as { n: number };
    crossTarget.close();
    assert.equal(mismatched.n, 0, 'one person has the same identifier in every target');
    const verify = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);

    // Every journaled operation of every run, killed or not, has exactly one outcome in the audit log.
    const store = new Database(join(dir, 'cadre.db'), { readonly: true });
    try {
      const journal = store.prepare('select run_id, op_id, status from journal').all() as { run_id: string; op_id: string; status: string }[];
      const audited = new Map<string, string[]>();
      for (const r of store.prepare("select run_id, event, payload from audit where event like 'op.%'").all() as { run_id: string; event: string; payload: string }[]) {
        const k = `${r.run_id}/${String((JSON.parse(r.payload) as { opId?: string }).opId)}`;
        audited.set(k, [...(audited.get(k) ?? []), r.event]);
      }
      const missing = journal.filter((j) => (audited.get(`${j.run_id}/${j.op_id}`) ?? []).length !== 1);
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} journaled operations without exactly one audit outcome`);
      assert.equal(audited.size, journal.length, 'no audit outcome without a journaled operation');
      const interrupted = journal.filter((j) => audited.get(`${j.run_id}/${j.op_id}`)?.[0] === 'op.interrupted');
      assert.ok(interrupted.every((j) => j.status === 'skipped'), 'interrupted operations are closed as skipped');
    } finally {
      store.close();
    }
  });
});

describe('engine: crash safety of adoptions', () => {
  const M = 120;
  const legacyCompany = Array.from({ length: M }, (_, i) => employee({ id: 5000 + i, first: ['Lena', 'Lars'][i % 2] as string, last: `Legacy${i}`, department: departments[i % 4] as string, office: 'Berlin' }));
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const legacyIds = new Map<string, string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-kill-adopt-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: legacyCompany });
    config = writeEngineConfig({ dir, personioUrl: sim.url, targets: ['erp'], thresholds: 'thresholds: { default: { count: 1000, percent: 100 }, adopt: { count: 1000, percent: 100 } }' });
    // The table exists (createTables) and holds a row per person from before Cadre, carrying the person id.
    assert.equal((await runCli(['validate', '--config', config])).code, 0);
    const plan = await runCli(['plan', '--json', '--config', config]);
    assert.equal(plan.code, 0, plan.stderr);
    const db = new Database(join(dir, 'erp.db'));
    try {
      const insert = db.prepare("insert into accounts (id, employee_id, username, display_name, active) values (?, ?, ?, 'Old Name', 1)");
      for (let i = 0; i < M; i += 1) {
        const id = randomUUID();
        legacyIds.set(String(5000 + i), id);
        insert.run(id, String(5000 + i), `legacy${i}`);
      }
    } finally {
      db.close();
    }
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL while adopting, then rerun: every legacy row adopted once, nothing done to a row before its adoption', async () => {
    const first = JSON.parse((await runCli(['plan', '--json', '--config', config])).stdout) as { operations: { action: string }[] };
    assert.equal(first.operations.filter((o) => o.action === 'adopt').length, M, 'every legacy row is adopted, none created');
    assert.equal(first.operations.filter((o) => o.action === 'create').length, 0);
    let kills = 0;
    for (let round = 0; round < 5; round += 1) {
      const child = spawnCli(['apply', '--yes', '--config', config]);
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      let timer: NodeJS.Timeout | undefined;
      child.stderr?.on('data', (d: Buffer) => {
        if (timer || !d.toString().includes('apply:')) return;
        timer = setTimeout(() => { if (child.kill('SIGKILL')) kills += 1; }, Math.floor(Math.random() * 300));
      });
      const code = await exited;
      if (timer) clearTimeout(timer);
      if (code === 0) break;
    }
    assert.ok(kills >= 1, 'at least one apply was killed mid-way');
    const final = await runCli(['apply', '--yes', '--config', config]);
    assert.equal(final.code, 0, final.stdout + final.stderr);
    const rest = JSON.parse((await runCli(['plan', '--json', '--config', config])).stdout) as { operations: { target: string; action: string }[] };
    assert.deepEqual(rest.operations.filter((o) => o.target !== 'notify'), [], 'converged');

    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    const store = new Database(join(dir, 'cadre.db'), { readonly: true });
    try {
      const rows = db.prepare('select id, employee_id, username, display_name from accounts').all() as { id: string; employee_id: string; username: string; display_name: string }[];
      assert.equal(rows.length, M, 'no row created besides the legacy ones');
      for (const r of rows) {
        assert.equal(legacyIds.get(r.employee_id), r.id, `person ${r.employee_id} has the legacy row`);
        assert.notEqual(r.display_name, 'Old Name', 'brought to the rules');
      }
      const staff = db.prepare("select count(*) as n from account_roles where role = 'role:staff'").get() as { n: number };
      assert.equal(staff.n, M, 'no lost or duplicated grants');
      const linked = store.prepare("select count(*) as n from accounts where target = 'erp' and person_id is not null").get() as { n: number };
      assert.equal(linked.n, M, 'every adopted row is linked to its person in the store');
      // In audit order, no operation on a legacy row succeeded before that row's adoption did.
      const adoptedAt = new Map<string, number>();
      const early: string[] = [];
      for (const e of store.prepare("select seq, payload from audit where event = 'op.done' and target = 'erp' order by seq").all() as { seq: number; payload: string }[]) {
        const p = JSON.parse(e.payload) as { action: string; anchor?: string };
        if (p.action === 'adopt' && p.anchor) { if (!adoptedAt.has(p.anchor)) adoptedAt.set(p.anchor, e.seq); continue; }
        if (p.anchor && !adoptedAt.has(p.anchor)) early.push(`${p.action} ${p.anchor}`);
      }
      assert.equal(adoptedAt.size, M, 'one successful adoption per row');
      assert.deepEqual(early.slice(0, 5), [], 'nothing ran on a row before its adoption');
    } finally {
      db.close();
      store.close();
    }
    assert.equal((await runCli(['audit', 'verify', '--config', config])).code, 0);
  });
});
