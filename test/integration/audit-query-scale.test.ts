/**
 * The audit viewer's query on a million entries, on SQLite and PostgreSQL: every filter is answered through an index
 * (the plan of the very statement `store.audit.query` runs, from EXPLAIN), and pages come back right. Timings are
 * printed as diagnostics, never asserted (the machine is shared).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileAuditQuery } from '../../src/store/audit.js';
import BetterSqlite3 from 'better-sqlite3';
import type { AuditFilter, AuditPageRequest } from '../../src/store/types.js';
import { postgresHarness, sqliteHarness, withHarness, type StoreHarness } from './store-suite.js';

const N = 1_000_000;

/**
 * Row g: mostly `op.done` by `cadre`; every 1000th a `helpdesk.unlock` by `web:u<g % 7>` on target `rare`; person
 * `p<g % 20000>` (50 entries each); one second apart from 2025-01-01.
 */
async function seed(h: StoreHarness): Promise<void> {
  const cols = 'seq, at, actor, event, run_id, person_id, target, payload, prev_hash, hash';
  if (h.store.dialect === 'sqlite') {
    await h.raw(`INSERT INTO audit (${cols}) WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < ${N})
      SELECT g, strftime('%Y-%m-%dT%H:%M:%S.000Z', 1735689600 + g, 'unixepoch'),
        CASE WHEN g % 1000 = 0 THEN 'web:u' || (g % 7) ELSE 'cadre' END,
        CASE WHEN g % 1000 = 0 THEN 'helpdesk.unlock' WHEN g % 97 = 0 THEN 'op.failed' ELSE 'op.done' END,
        'r' || (g / 500), 'p' || (g % 20000), CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'ad' END, '{"action":"update"}', 'x', 'h' || g FROM c`);
  } else {
    await h.raw(`INSERT INTO audit (${cols}) SELECT g, to_char(timestamp '2025-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"'),
        CASE WHEN g % 1000 = 0 THEN 'web:u' || (g % 7) ELSE 'cadre' END,
        CASE WHEN g % 1000 = 0 THEN 'helpdesk.unlock' WHEN g % 97 = 0 THEN 'op.failed' ELSE 'op.done' END,
        'r' || (g / 500), 'p' || (g % 20000), CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'ad' END, '{"action":"update"}', 'x', 'h' || g
      FROM generate_series(1, ${N}) g`);
    await h.raw('ANALYZE audit');
  }
}

/** The plan's lines (SQLite: EXPLAIN QUERY PLAN details; PostgreSQL: node type and index of every plan node). */
async function planOf(h: StoreHarness, filter: AuditFilter, page: AuditPageRequest): Promise<string[][]> {
  const plans: string[][] = [];
  for (const q of compileAuditQuery(h.store.dialect, filter, page)) plans.push(await planOfStatement(h, q));
  return plans;
}

async function planOfStatement(h: StoreHarness, q: { sql: string; parameters: readonly unknown[] }): Promise<string[]> {
  // The harness takes `?` placeholders on both dialects.
  const text = h.store.dialect === 'postgres' ? q.sql.replace(/\$\d+/g, '?') : q.sql;
  if (h.store.dialect === 'sqlite') {
    // A fresh connection: it loads the statistics as the store's new connection did.
    const db = new BetterSqlite3((h.config as { path: string }).path, { readonly: true });
    try {
      return (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(q.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
    } finally {
      db.close();
    }
  }
  const [row] = await h.raw(`EXPLAIN (FORMAT JSON) ${text}`, q.parameters);
  const out: string[] = [];
  const walk = (n: Record<string, unknown>): void => {
    out.push(`${String(n['Node Type'])}${n['Index Name'] ? ` using ${String(n['Index Name'])}` : ''}${n['Relation Name'] ? ` on ${String(n['Relation Name'])}` : ''}`);
    for (const c of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(c);
  };
  const json = Object.values(row ?? {})[0];
  walk(((typeof json === 'string' ? JSON.parse(json) : json) as { Plan: Record<string, unknown> }[])[0]?.Plan ?? {});
  return out;
}

/**
 * True when the plan reads the audit table through an index, or in seq order through the primary key (SQLite: a
 * `SCAN audit` with no sort is the rowid (= seq) order and stops after `limit` matches; the planner picks it when the
 * filter is common, e.g. every `op.*` entry).
 */
function indexed(dialect: string, plan: readonly string[]): boolean {
  if (dialect === 'sqlite') return plan.some((l) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(l)) || (plan.length === 1 && plan[0] === 'SCAN audit');
  return !plan.some((l) => l.startsWith('Seq Scan')) && plan.some((l) => /Index/.test(l));
}

function scaleSuite(name: string, factory: () => Promise<StoreHarness>): void {
  test(`${name}: a page of a million entries under every filter comes from an index`, { timeout: 600_000 }, () => withHarness(factory, async (h) => {
    await seed(h);
    // What each seeded row holds (mirrors `seed`), to find the expected newest three by brute force.
    const at = (g: number): string => new Date(Date.UTC(2025, 0, 1) + g * 1000).toISOString();
    const actor = (g: number): string => (g % 1000 === 0 ? `web:u${g % 7}` : 'cadre');
    const event = (g: number): string => (g % 1000 === 0 ? 'helpdesk.unlock' : g % 97 === 0 ? 'op.failed' : 'op.done');
    const newest = (pred: (g: number) => boolean): number[] => {
      const out: number[] = [];
      for (let g = N; g >= 1 && out.length < 3; g -= 1) if (pred(g)) out.push(g);
      return out;
    };
    const cases: { filter: AuditFilter; expect: number[] }[] = [
      { filter: { personId: 'p42' }, expect: newest((g) => g % 20000 === 42) },
      { filter: { actor: 'web:u3' }, expect: newest((g) => actor(g) === 'web:u3') },
      { filter: { actor: 'web:*' }, expect: newest((g) => actor(g).startsWith('web:')) },
      { filter: { event: 'helpdesk' }, expect: newest((g) => event(g).startsWith('helpdesk.')) },
      { filter: { event: 'op.failed' }, expect: newest((g) => event(g) === 'op.failed') },
      { filter: { target: 'rare' }, expect: newest((g) => g % 1000 === 0) },
      { filter: { since: '2025-01-05T00:00:00.000Z', until: '2025-01-05T00:00:03.000Z' }, expect: newest((g) => at(g) >= '2025-01-05T00:00:00.000Z' && at(g) < '2025-01-05T00:00:03.000Z') },
      { filter: { event: 'helpdesk', personId: 'p0' }, expect: newest((g) => g % 20000 === 0 && event(g).startsWith('helpdesk.')) },
      { filter: { event: 'op' }, expect: newest((g) => event(g).startsWith('op.')) },
      { filter: { event: 'op.done', since: '2025-01-12T00:00:00.000Z' }, expect: newest((g) => event(g) === 'op.done' && at(g) >= '2025-01-12T00:00:00.000Z') },
    ];
    assert.deepEqual(cases[0]?.expect, [980042, 960042, 940042], 'the brute force mirrors the seed');
    // SQLite: no explicit ANALYZE. The next process that opens the file gathers the statistics it lacks (PRAGMA
    // optimize in openSqlite): close this store and open another, as a process starting on the file would.
    let store = h.store;
    if (store.dialect === 'sqlite') {
      await store.close();
      store = await h.open();
    }
    for (const c of cases) {
      const page = { limit: 3 } as const;
      const plan = await planOf(h, c.filter, page);
      t0 = performance.now();
      const rows = await store.audit.query(c.filter, page);
      const ms = performance.now() - t0;
      assert.deepEqual(rows.map((r) => r.seq), c.expect, JSON.stringify(c.filter));
      const text = plan.map((p) => p.join(' / ')).join(' ; ');
      process.stdout.write(`# ${name} ${JSON.stringify(c.filter)}: ${ms.toFixed(1)} ms; plan: ${text}\n`);
      for (const p of plan) assert.ok(indexed(h.store.dialect, p), `${JSON.stringify(c.filter)} is read through an index: ${text}`);
    }
  }));
}
let t0 = 0;

describe('audit query at scale', () => {
  scaleSuite('sqlite', () => sqliteHarness());
  scaleSuite('postgres', () => postgresHarness());
});
