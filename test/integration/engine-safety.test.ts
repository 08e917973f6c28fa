/**
 * Safety: a Personio snapshot that loses 30 % of the people, comes back truncated or empty disables nobody.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { incrementalSync, fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { AuditReport } from '../../src/cli/commands/audit-report.js';
import { cliBin, runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const departments = ['Finance', 'Sales', 'IT'];
const everyone = Array.from({ length: 60 }, (_, i) => employee({ id: 100 + i, first: `Vorname${i}`, last: `Nachname${i}`, department: departments[i % 3] as string, office: 'Berlin' }));

function isActive(dir: string, target: string, employeeId: string): boolean {
  const db = new Database(join(dir, `${target}.db`), { readonly: true });
  try {
    return (db.prepare('select active from accounts where employee_id = ?').get(employeeId) as { active: number } | undefined)?.active === 1;
  } finally {
    db.close();
  }
}

const isoDay = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function activeCount(dir: string, target = 'erp'): number {
  const db = new Database(join(dir, `${target}.db`), { readonly: true });
  try {
    return (db.prepare('select count(*) as n from accounts where active = 1').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('engine safety: thresholds and source completeness', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-safety-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: everyone });
    config = writeEngineConfig({ dir, personioUrl: sim.url, thresholds: 'thresholds: { default: { count: 10, percent: 10 } }' });
    const r = await runCli(['sync', '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(activeCount(dir), 60);
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('losing 30 % of the people is blocked with exit code 3 and disables nobody', async () => {
    for (let i = 0; i < 18; i += 1) sim.company.remove(String(100 + i));
    const plan = await runCli(['plan', '--config', config]);
    assert.equal(plan.code, 3, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /disable/i);
    const r = await runCli(['sync', '--config', config]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /threshold/i);
    assert.equal(activeCount(dir), 60, 'nobody disabled');
    for (let i = 0; i < 18; i += 1) sim.company.upsert(everyone[i] as ReturnType<typeof employee>);
  });

  test('a truncated snapshot is refused with exit code 4', async () => {
    sim.faults.truncatePages = true;
    try {
      const r = await runCli(['sync', '--config', config]);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stderr, /incomplete|truncated|inconsistent/i);
      assert.equal(activeCount(dir), 60);
    } finally {
      sim.faults.truncatePages = false;
    }
  });

  test('an empty snapshot is refused with exit code 4', async () => {
    for (const e of everyone) sim.company.remove(String(e.attributes.id?.value));
    const r = await runCli(['sync', '--config', config]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.equal(activeCount(dir), 60);
    for (const e of everyone) sim.company.upsert(e);
  });

  test('an unreachable source is refused with exit code 4', async () => {
    const other = writeEngineConfig({ dir, personioUrl: 'http://127.0.0.1:1' });
    const r = await runCli(['plan', '--config', other]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    writeEngineConfig({ dir, personioUrl: sim.url, thresholds: 'thresholds: { default: { count: 10, percent: 10 } }' });
  });

  test('an operator can approve a blocked plan explicitly', async () => {
    for (let i = 0; i < 18; i += 1) sim.company.remove(String(100 + i));
    const r = await runCli(['sync', '--approve', '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(activeCount(dir), 42);
    const audit = await runCli(['audit', 'export', '--format', 'json', '--config', config]);
    assert.match(audit.stdout, /plan\.blocked/);
    assert.match(audit.stdout, /plan\.approved/);
  });

  test('audit report: operations per action and target, blocks and approvals, the chain state', async () => {
    const r = await runCli(['audit', 'report', '--json', '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rep = JSON.parse(r.stdout) as AuditReport;
    assert.deepEqual(rep.chain, { ok: true, count: rep.summary.total, problems: 0 });
    assert.equal(rep.summary.operations['done']?.['create']?.['erp'], 60, 'the first sync created everyone');
    assert.equal(rep.summary.operations['done']?.['disable']?.['erp'], 18, 'the approved plan disabled the 18 missing people');
    assert.equal(rep.summary.operations['failed'], undefined);
    assert.equal(rep.summary.byEvent['plan.blocked'], 1);
    assert.equal(rep.summary.byEvent['plan.approved'], 1);
    assert.deepEqual({ ...rep.summary.runsFinished }, { ok: 2 });
    const text = await runCli(['audit', 'report', '--config', config]);
    assert.match(text.stdout, /hash chain intact/);
    assert.match(text.stdout, /plans blocked by thresholds: 1, approved afterwards: 1/);
    assert.match(text.stdout, /^\s+disable\s+18\s+18$/m);
    const future = JSON.parse((await runCli(['audit', 'report', '--json', '--since', '2999-01-01', '--config', config])).stdout) as AuditReport;
    assert.equal(future.summary.total, 0);
    const bad = await runCli(['audit', 'report', '--since', 'last week', '--config', config]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since must be an ISO date/);
  });

  test('an export piped into a reader that stops early (| head) ends quietly with exit 0', async () => {
    const full = await runCli(['audit', 'export', '--format', 'ndjson', '--config', config]);
    assert.ok(full.stdout.length > 100_000, `the export (${full.stdout.length} bytes) outgrows the 64 KiB pipe buffer`);
    // A real shell pipe: head reads 100 bytes and exits, so Cadre's later writes fail with EPIPE.
    const script = 'node --max-semi-space-size=64 "$0" audit export --format ndjson --config "$1" | head -c 100 >/dev/null; exit "${PIPESTATUS[0]}"';
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script, cliBin, config], { env: { ...process.env, NO_COLOR: '1' } }, (err, _out, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
      });
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Error/);
  });
});

describe('engine safety: approvals per target and action, previews, blocked ticks', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-approve-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: everyone });
    config = writeEngineConfig({ dir, personioUrl: sim.url, targets: ['erp', 'crm'], thresholds: 'thresholds: { default: { count: 10, percent: 10 } }' });
    const r = await runCli(['sync', '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a partial approval applies nothing until every breach is approved', async () => {
    for (let i = 0; i < 18; i += 1) sim.company.remove(String(100 + i));
    const partial = await runCli(['sync', '--approve', 'erp:disable', '--config', config]);
    assert.equal(partial.code, 3, partial.stdout + partial.stderr);
    assert.match(partial.stderr, /Not covered by the approval: crm:disable/);
    assert.match(partial.stderr, /--approve crm:disable/);
    assert.equal(activeCount(dir, 'erp'), 60, 'erp untouched: the plan is applied whole or not at all');
    assert.equal(activeCount(dir, 'crm'), 60);
    for (const [scope, message] of [['nosuch:disable', /no target "nosuch"/], ['erp:disabel', /no action "disabel"/], ['erp', /expected TARGET:ACTION/]] as const) {
      const bad = await runCli(['sync', `--approve=${scope}`, '--config', config]);
      assert.equal(bad.code, 2, `${scope}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
    }
    const both = await runCli(['sync', '--approve', 'erp:disable', '--approve', 'crm:disable', '--config', config]);
    assert.equal(both.code, 0, both.stdout + both.stderr);
    assert.equal(activeCount(dir, 'erp'), 42);
    assert.equal(activeCount(dir, 'crm'), 42);
    const audit = JSON.parse((await runCli(['audit', 'export', '--format', 'json', '--config', config])).stdout) as { event: string; payload: { approvals?: unknown; notApproved?: unknown } }[];
    const blocked = audit.filter((e) => e.event === 'plan.blocked');
    assert.deepEqual(blocked.at(-1)?.payload.notApproved, ['crm:disable']);
    assert.deepEqual(audit.filter((e) => e.event === 'plan.approved').at(-1)?.payload.approvals, ['erp:disable', 'crm:disable']);
    for (let i = 0; i < 18; i += 1) sim.company.upsert(everyone[i] as ReturnType<typeof employee>);
    const back = await runCli(['sync', '--approve', '*:enable,erp:disable', '--config', config]);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.equal(activeCount(dir, 'erp'), 60);
  });

  test('a saved preview (plan --at) is applied only with apply --at of the same instant', async () => {
    const leaver = everyone[30] as ReturnType<typeof employee>;
    const id = String(leaver.attributes.id?.value);
    sim.company.upsert(employee({ id: Number(id), first: 'Vorname30', last: 'Nachname30', department: 'Finance', office: 'Berlin', terminationDate: isoDay(10) }));
    const future = isoDay(20);
    const file = join(dir, 'preview.json');
    const p = await runCli(['plan', '--at', future, '--out', file, '--config', config]);
    assert.equal(p.code, 0, p.stdout + p.stderr);
    assert.match(p.stdout, /disable/);
    assert.match(p.stdout, new RegExp(`cadre apply ${file.replace(/[.\\]/g, '\\$&')} --at ${future}`));
    const today = await runCli(['apply', file, '--config', config]);
    assert.equal(today.code, 2, today.stdout + today.stderr);
    assert.match(today.stderr, /PLAN_NOT_NOW: plan \S+ is a preview as of \S+, not a plan for now/);
    assert.ok(isActive(dir, 'erp', id) && isActive(dir, 'crm', id), 'the future disable was not executed today');
    const other = await runCli(['apply', file, '--at', isoDay(21), '--config', config]);
    assert.equal(other.code, 2, other.stdout + other.stderr);
    assert.match(other.stderr, /is not the instant of plan/);
    assert.ok(isActive(dir, 'erp', id));
    const same = await runCli(['apply', file, '--at', future, '--config', config]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.ok(!isActive(dir, 'erp', id) && !isActive(dir, 'crm', id), 'applied on purpose as of that instant');
  });

  test('a blocked incremental tick keeps the lifecycle transitions it held back', async () => {
    const tickDir = mkdtempSync(join(tmpdir(), 'cadre-tick-'));
    const leaving = new Set(Array.from({ length: 8 }, (_, i) => String(200 + i)));
    const staff = Array.from({ length: 30 }, (_, i) => employee({ id: 200 + i, first: `Tick${i}`, last: `Person${i}`, department: 'Sales', office: 'Berlin', ...(i < 8 ? { terminationDate: '2030-06-10' } : {}) }));
    const tickSim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff });
    let clock = Date.parse('2030-06-01T10:00:00Z');
    const open = async (limit: number) => openEngine(await loadConfigOrThrow(writeEngineConfig({ dir: tickDir, personioUrl: tickSim.url, thresholds: `thresholds: { default: { count: ${limit}, percent: 100 } }` })), { now: () => new Date(clock) });
    try {
      let engine = await open(5);
      try {
        await fullSync(engine, { actor: 'test' });
        assert.equal(activeCount(tickDir), 30);
        // The end of the last day passes for 8 people: more disables than the limit allows.
        clock = Date.parse('2030-06-12T10:00:00Z');
        await assert.rejects(incrementalSync(engine, { actor: 'test' }), (err: Error & { code?: string }) => err.code === 'THRESHOLD_BLOCKED');
        assert.equal(activeCount(tickDir), 30);
      } finally {
        await engine.close();
      }
      // The operator raises the limit; the next tick still knows whom the blocked one held back.
      clock += 60_000;
      engine = await open(50);
      try {
        const result = await incrementalSync(engine, { actor: 'test' });
        assert.ok(result?.report, 'the tick applied');
        assert.equal(activeCount(tickDir), 22);
        for (const id of leaving) assert.ok(!isActive(tickDir, 'erp', id), `person ${id} disabled`);
      } finally {
        await engine.close();
      }
    } finally {
      await tickSim.close();
      rmSync(tickDir, { recursive: true, force: true });
    }
  });
});
