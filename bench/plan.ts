/**
 * bench:plan — times a full initial plan and a no-change full resync of N generated persons × 3 SQL
 * targets, each as a ratio against reading and parsing the same snapshot from the simulator (the
 * baseline, measured in the same run), plus Cadre's peak RSS. The simulator runs in its own process, as
 * Personio would, so the RSS is Cadre's alone.
 * usage: npm run bench:plan -- [--n 100000]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../src/config/load.js';
import { openEngine } from '../src/engine/engine.js';
import { createLogger } from '../src/engine/log.js';
import { preparePlan } from '../src/engine/planning.js';
import { createPersonioClient } from '../src/sources/personio/client.js';
import { engineConfig } from '../test/support/engine-config.js';
import { startPersonioProcess } from './personio-process.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100000' } } });
const n = Number(values.n);
const targets = ['erp', 'crm', 'phone'];
const dir = mkdtempSync(join(tmpdir(), 'cadre-bench-plan-'));
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);

console.log(`bench:plan — ${n} persons × ${targets.length} SQL targets (SQLite store)`);
const t = process.hrtime.bigint();
const sim = await startPersonioProcess(n, 7);
const simUrl = sim.url;
console.log(`  simulator with ${n} generated employees ready in ${seconds(t).toFixed(1)} s (own process)`);
try {
  const file = join(dir, 'cadre.yaml');
  writeFileSync(file, engineConfig({ dir, personioUrl: simUrl, targets, thresholds: 'thresholds: { default: { count: 1000000, percent: 100 } }' }));
  const config = await loadConfigOrThrow(file);

  // Baseline: read and parse the whole snapshot through the Personio client.
  const client = createPersonioClient(config.source, { log: createLogger('error') });
  let t0 = process.hrtime.bigint();
  const snap = await client.fetchAll();
  const baseline = seconds(t0);
  console.log(`  baseline  read+parse snapshot: ${baseline.toFixed(2)} s (${snap.persons.length} persons, ${snap.problems.length} problems)`);

  const engine = await openEngine(config, { log: createLogger(process.env.CADRE_LOG_LEVEL ?? 'error') });
  try {
    t0 = process.hrtime.bigint();
    const initial = await preparePlan(engine);
    const initialS = seconds(t0);
    console.log(`  initial   full plan:           ${initialS.toFixed(2)} s  ratio ${(initialS / baseline).toFixed(2)}×  (${initial.plan.operations.length} operations)`);

    // Seed the synced state directly (not timed): rows in every target, reservations and links in the store.
    const creates = initial.plan.operations.filter((o) => o.action === 'create');
    const supervisor = new Map(initial.snapshot.persons.map((p) => [p.id, p.supervisorId]));
    const created = new Set(creates.map((o) => `${o.target}:${o.personId}`));
    const grants = initial.plan.operations.filter((o) => o.action === 'grant');
    for (const target of targets) {
      const db = new Database(join(dir, `${target}.db`));
      const insert = db.prepare('insert into accounts (id, employee_id, active, location, username, mail, display_name, department, title, mail_aliases, manager) values (?,?,?,?,?,?,?,?,?,?,?)');
      const grant = db.prepare('insert into account_roles (account_id, role) values (?, ?)');
      db.transaction(() => {
        for (const op of creates.filter((o) => o.target === target)) {
          const v = (a: string) => { const x = op.changes.find((c) => c.attribute === a)?.to; return x === undefined || x === null ? null : String(x); };
          insert.run(`a-${op.personId}`, op.personId, op.enabled ? 1 : 0, op.container ?? null, v('username'), v('mail'), v('displayName'), v('department'), v('title'), v('aliases'), created.has(`${target}:${supervisor.get(op.personId)}`) ? `a-${supervisor.get(op.personId)}` : null);
        }
        for (const op of grants.filter((o) => o.target === target)) grant.run(`a-${op.personId}`, op.entitlement);
      })();
      db.close();
    }
    await engine.store.reservations.reserve(initial.plan.reservations);
    await engine.store.persons.replaceAll(initial.snapshot.persons);
    const resync0 = await preparePlan(engine);
    for (const target of targets) {
      await engine.store.accounts.replaceTarget(target, resync0.input.accounts.filter((a) => a.target === target).map((a) => ({ ...a, personId: a.correlation ?? '' })));
    }

    t0 = process.hrtime.bigint();
    const resync = await preparePlan(engine);
    const resyncS = seconds(t0);
    const left = resync.plan.operations;
    console.log(`  no-change full resync plan:    ${resyncS.toFixed(2)} s  ratio ${(resyncS / baseline).toFixed(2)}×  (${left.length} operations left)`);
    console.log(`  peak RSS of the Cadre process: ${peak()} MiB`);
  } finally {
    await engine.close();
  }
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
