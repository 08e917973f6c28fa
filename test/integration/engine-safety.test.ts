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
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import type { AuditReport } from '../../src/cli/commands/audit-report.js';
import { cliBin, runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const departments = ['Finance', 'Sales', 'IT'];
const everyone = Array.from({ length: 60 }, (_, i) => employee({ id: 100 + i, first: `Vorname${i}`, last: `Nachname${i}`, department: departments[i % 3] as string, office: 'Berlin' }));

function activeCount(dir: string): number {
  const db = new Database(join(dir, 'erp.db'), { readonly: true });
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
