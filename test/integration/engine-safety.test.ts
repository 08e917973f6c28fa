/**
 * Safety: a Personio snapshot that loses 30 % of the people, comes back truncated or empty disables nobody.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
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
});
