/**
 * bench:apply — times applying a full initial plan (N generated persons × 3 SQL targets: creates, grants, manager
 * updates) through Cadre, against a bare better-sqlite3 loop doing the same writes one statement at a time into
 * fresh copies of the same tables, in the same run. The difference is Cadre's bookkeeping: correlation checks,
 * reservations, journal, account state and the hash-chained audit entry of every operation.
 * usage: npm run bench:apply -- [--n 5000]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Operation } from '../src/core/model.js';
import { loadConfigOrThrow } from '../src/config/load.js';
import { applyPrepared } from '../src/engine/apply.js';
import { withRunLease } from '../src/engine/lease.js';
import { openEngine } from '../src/engine/engine.js';
import { createLogger } from '../src/engine/log.js';
import { preparePlan } from '../src/engine/planning.js';
import { engineConfig } from '../test/support/engine-config.js';
import { startPersonioProcess } from './personio-process.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' } } });
const n = Number(values.n);
const targets = ['erp', 'crm', 'phone'];
const dir = mkdtempSync(join(tmpdir(), 'cadre-bench-apply-'));
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

console.log(`bench:apply — ${n} persons × ${targets.length} SQL targets (SQLite store and targets)`);
const sim = await startPersonioProcess(n, 11);
const simUrl = sim.url;

/** The bare loop: the plan's writes as plain statements, autocommitted one by one. */
function bareApply(path: string, ops: readonly Operation[]): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const cols: Record<string, string> = { username: 'username', mail: 'mail', displayName: 'display_name', department: 'department', title: 'title', aliases: 'mail_aliases', manager: 'manager' };
  const insert = db.prepare('insert into accounts (id, employee_id, active, location, username, mail, display_name, department, title, mail_aliases, manager) values (?,?,?,?,?,?,?,?,?,?,?)');
  const grant = db.prepare('insert into account_roles (account_id, role) values (?, ?)');
  const anchor = (personId: string) => `a-${personId}`;
  for (const op of ops) {
    const v = (a: string) => { const x = op.changes.find((c) => c.attribute === a)?.to; return x === undefined || x === null ? null : String(x); };
    if (op.action === 'create') {
      insert.run(anchor(op.personId), op.personId, op.enabled ? 1 : 0, op.container ?? null, v('username'), v('mail'), v('displayName'), v('department'), v('title'), v('aliases'), null);
    } else if (op.action === 'grant' && op.entitlement) {
      grant.run(anchor(op.personId), op.entitlement);
    } else if (op.action === 'update') {
      for (const c of op.changes) {
        const col = cols[c.attribute];
        if (!col) continue;
        const to = c.to === undefined || c.to === null ? null : String(c.to);
        db.prepare(`update accounts set ${col} = ? where id = ?`).run(col === 'manager' && to ? anchor(to.replace(/^ref:/, '')) : to, anchor(op.personId));
      }
    }
  }
  db.close();
}

try {
  const file = join(dir, 'cadre.yaml');
  writeFileSync(file, engineConfig({ dir, personioUrl: simUrl, targets, thresholds: 'thresholds: { default: { count: 1000000, percent: 100 } }' }));
  const config = await loadConfigOrThrow(file);
  const engine = await openEngine(config, { log: createLogger(process.env.CADRE_LOG_LEVEL ?? 'error') });
  try {
    const prepared = await preparePlan(engine);
    const ops = prepared.plan.operations;
    // Empty copies of the target tables (the connectors created them) for the bare loop.
    const bare = mkdtempSync(join(dir, 'bare-'));
    for (const t of targets) {
      // VACUUM INTO: a consistent copy even while the connector's WAL is not yet checkpointed.
      const src = new Database(join(dir, `${t}.db`), { readonly: true });
      src.prepare('vacuum into ?').run(join(bare, `${t}.db`));
      src.close();
    }

    let t0 = process.hrtime.bigint();
    for (const t of targets) bareApply(join(bare, `${t}.db`), ops.filter((o) => o.target === t));
    const bareS = seconds(t0);

    t0 = process.hrtime.bigint();
    const report = await withRunLease(engine, { command: 'apply' }, (lease) => applyPrepared(engine, prepared, { actor: 'bench', lease }));
    const cadreS = seconds(t0);
    const rows = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare('select (select count(*) from accounts) + (select count(*) from account_roles) as n').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const same = targets.every((t) => rows(join(dir, `${t}.db`)) === rows(join(bare, `${t}.db`)));
    console.log(`  operations: ${ops.length} (${report.counts.done ?? 0} done, ${report.counts.failed ?? 0} failed); same rows as the bare loop: ${same ? 'yes' : 'NO'}`);
    console.log(`  bare loop: ${bareS.toFixed(2)} s  ${(ops.length / bareS).toFixed(0)} ops/s`);
    console.log(`  Cadre:     ${cadreS.toFixed(2)} s  ${(ops.length / cadreS).toFixed(0)} ops/s  ratio ${(cadreS / bareS).toFixed(2)}×`);
  } finally {
    await engine.close();
  }
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
