/**
 * The CLI around the engine: daemon latency (a Personio change reaches the target in seconds), explain,
 * the human plan, audit export, and the whole flow on a PostgreSQL store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli, spawnCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { freshDatabase } from '../support/postgres.js';

const staff: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: 'Groß', department: 'Finance', office: 'Berlin' },
  { id: 2, first: 'Ömer', last: 'Öztürk', department: 'Sales', office: 'München', supervisorId: 1 },
  { id: 3, first: 'Lisa', last: '=cmd|calc', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
];

const rowOf = (dir: string, id: string) => {
  const db = new Database(join(dir, 'erp.db'), { readonly: true });
  try {
    return db.prepare('select * from accounts where employee_id = ?').get(id) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
};

async function waitFor<T>(fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = fn();
      if (v !== undefined) return v;
    } catch {
      // the target table may not exist yet
    }
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('engine CLI', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-cli-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff.map(employee) });
    config = writeEngineConfig({ dir, personioUrl: sim.url });
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('plan prints a readable, terraform-like plan', async () => {
    const r = await runCli(['plan', '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\+ .*create/);
    assert.match(r.stdout, /Greta Groß/);
    assert.match(r.stdout, /role:finance/);
    assert.match(r.stdout, /Plan: \d+ to create/);
  });

  test('the daemon applies a Personio change within seconds', async () => {
    const child = spawnCli(['run', '--every', '1s', '--full-every', '1h', '--metrics-port', '0', '--config', config]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => rowOf(dir, '2'), 30_000).catch((e: Error) => { throw new Error(`${e.message}: first sync did not finish\n${out}`); });
      const changedAt = Date.now();
      sim.company.upsert(employee({ ...(staff[1] as EmployeeSpec), department: 'Finance', position: 'Controller' }));
      const row = await waitFor(() => { const r = rowOf(dir, '2'); return r?.department === 'Finance' ? r : undefined; }, 20_000)
        .catch((e: Error) => { throw new Error(`${e.message}: change not applied\n${out}`); });
      assert.equal(row.title, 'Controller');
      const latency = Date.now() - changedAt;
      assert.ok(latency < 15_000, `change reached the target in ${latency} ms`);
      const url = /metrics: (http:\/\/\S+\/metrics)/.exec(out)?.[1];
      assert.ok(url, `the daemon announces its metrics endpoint\n${out}`);
      const text = await (await fetch(url)).text();
      assert.match(text, /cadre_runs_total\{[^}]*kind="incremental"[^}]*status="ok"/);
      assert.match(text, /cadre_operations_total\{[^}]*target="erp",action="update",status="done"/);
      assert.match(text, /cadre_last_sync_timestamp_seconds\{[^}]*kind="full"/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
    assert.match(out, /incremental sync/, out);
  });

  test('explain names the rule and lifecycle reason behind each grant', async () => {
    const r = await runCli(['explain', '2', '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Ömer Öztürk/);
    assert.match(r.stdout, /finance/);
    assert.match(r.stdout, /all-staff/);
    assert.match(r.stdout, /active/i);
    const byName = await runCli(['explain', 'oemer.oeztuerk', '--config', config]);
    assert.equal(byName.code, 0, byName.stderr);
    const missing = await runCli(['explain', 'nobody-here', '--config', config]);
    assert.equal(missing.code, 2);
  });

  test('audit export CSV is safe against formula injection and verify passes', async () => {
    const out = join(dir, 'audit.csv');
    const r = await runCli(['audit', 'export', '--format', 'csv', '--out', out, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    const csv = readFileSync(out, 'utf8');
    assert.ok(csv.split('\n').length > 10);
    assert.doesNotMatch(csv, /(^|,)"?=cmd/m, 'a cell starting with = is neutralised');
    assert.doesNotMatch(csv, /test-secret/);
    const v = await runCli(['audit', 'verify', '--json', '--config', config]);
    assert.equal(v.code, 0);
    assert.equal((JSON.parse(v.stdout) as { ok: boolean }).ok, true);
  });

  test('a saved plan is applied as saved, and refused once stale', async () => {
    sim.company.upsert(employee({ ...(staff[2] as EmployeeSpec), position: 'Team Lead' }));
    const file = join(dir, 'plan.json');
    const p = await runCli(['plan', '--out', file, '--config', config]);
    assert.equal(p.code, 0, p.stderr);
    sim.company.upsert(employee({ ...(staff[2] as EmployeeSpec), position: 'Head of Sales' }));
    const stale = await runCli(['apply', file, '--config', config]);
    assert.equal(stale.code, 2, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /stale/);
    await runCli(['plan', '--out', file, '--config', config]);
    const ok = await runCli(['apply', file, '--config', config]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(rowOf(dir, '3')?.title, 'Head of Sales');
  });

  test('a plan file saved by the previous version (operations with a `data` bag) is still applied: the ids are the same', async () => {
    sim.company.upsert(employee({ id: 4, first: 'Jana', last: 'Jung', department: 'Finance', office: 'Berlin', supervisorId: 1 }));
    const file = join(dir, 'plan-before-upgrade.json');
    assert.equal((await runCli(['plan', '--out', file, '--config', config])).code, 0);
    const BASE = new Set(['id', 'target', 'action', 'personId', 'anchor', 'changes', 'entitlement', 'reason', 'dependsOn']);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { operations: Record<string, unknown>[] };
    // The previous shape: every action-specific field in `data`, identifiers as `id.<kind>`.
    saved.operations = saved.operations.map((o) => {
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) {
        if (BASE.has(k)) continue;
        if (k === 'identifiers') for (const [kind, id] of Object.entries(v as Record<string, string>)) data[`id.${kind}`] = id;
        else data[k] = v;
      }
      return { ...Object.fromEntries(Object.entries(o).filter(([k]) => BASE.has(k))), ...(Object.keys(data).length > 0 ? { data } : {}) };
    });
    assert.ok(saved.operations.some((o) => o['action'] === 'create' && (o['data'] as { enabled?: unknown }).enabled === true), 'the joiner\'s create, old style');
    writeFileSync(file, JSON.stringify(saved));
    const r = await runCli(['apply', file, '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(rowOf(dir, '4')?.username, 'jana.jung');
  });

  test('the same flow on a PostgreSQL store', async () => {
    const db = await freshDatabase('cadre_engine');
    const pgDir = mkdtempSync(join(tmpdir(), 'cadre-pg-'));
    try {
      const pgConfig = writeEngineConfig({ dir: pgDir, personioUrl: sim.url, storeUrl: db.url });
      const r = await runCli(['sync', '--config', pgConfig]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const again = await runCli(['plan', '--json', '--config', pgConfig]);
      assert.deepEqual((JSON.parse(again.stdout) as { operations: unknown[] }).operations, []);
      const v = await runCli(['audit', 'verify', '--config', pgConfig]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
    } finally {
      await db.drop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  });

  test('write-back puts the generated address into a Personio custom attribute, once', async () => {
    const wbDir = mkdtempSync(join(tmpdir(), 'cadre-wb-'));
    try {
      const wbConfig = writeEngineConfig({ dir: wbDir, personioUrl: sim.url, extra: 'writeBack: { enabled: true, attributes: { dynamic_1003: "{{ id.mail }}" } }' });
      const r = await runCli(['sync', '--config', wbConfig]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const greta = sim.company.get('1') as { attributes: Record<string, { value: unknown }> };
      assert.equal(greta.attributes['dynamic_1003']?.value, 'greta.gross@example.com');
      const again = JSON.parse((await runCli(['plan', '--json', '--config', wbConfig])).stdout) as { operations: { action: string }[] };
      assert.ok(!again.operations.some((o) => o.action === 'writeBack'), 'nothing left to write back');
    } finally {
      rmSync(wbDir, { recursive: true, force: true });
    }
  });

  test('invalid config exits 2 with the path of every problem', async () => {
    const bad = join(dir, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'source:\n  type: personio\n  clientId: x\nlifecycle:\n  preHireDays: -1\ntargets: {}\n');
    const r = await runCli(['plan', '--config', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /source\.clientSecret/);
    assert.match(r.stderr, /lifecycle\.preHireDays/);
  });

  test('usage mistakes exit 2 with a clear message instead of a misleading result', async () => {
    const at = await runCli(['plan', '--at', 'next monday', '--config', config]);
    assert.equal(at.code, 2);
    assert.match(at.stderr, /USAGE: --at: "next monday" is not an ISO date/);
    const who = await runCli(['plan', '--person', '2', '--person', '424242', '--config', config]);
    assert.equal(who.code, 2, 'an unknown id is not "no changes"');
    assert.match(who.stderr, /no person with Personio id 424242/);
    assert.doesNotMatch(who.stdout, /No changes/);
    const known = await runCli(['plan', '--person', '2', '--config', config]);
    assert.equal(known.code, 0, known.stderr);
    for (const [args, message] of [[['--every', '0s'], /at least 1s/], [['--every', '1m', '--full-every', '30s'], /shorter than --every/], [['--every', 'soon'], /invalid duration "soon"/]] as const) {
      const r = await runCli(['run', ...args, '--config', config], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, `run ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
