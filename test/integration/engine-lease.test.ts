/**
 * One writer at a time, with real processes: `cadre sync` racing the daemon never executes an operation twice or
 * audits one twice; `--no-wait` refuses with exit 5; a SIGKILLed holder's lease is taken over and its run closed; a
 * suspended holder's lease expires by heartbeat, and the holder, resumed, stops without committing anything. On
 * SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { createStore } from '../../src/store/index.js';
import type { LeaseHolder, Store } from '../../src/store/types.js';
import { runCli, spawnCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';
import { freshDatabase } from '../support/postgres.js';

const N = 120;
const departments = ['Finance', 'Sales', 'IT'];
const company = Array.from({ length: N }, (_, i) => employee({ id: 3000 + i, first: `Vorname${i}`, last: `Nachname${i}`, department: departments[i % 3] as string, office: 'Berlin' }));
// Generous for a loaded CI machine: a live holder must not miss its heartbeat by accident (only the suspended-holder
// test needs an expiry, and sets its own).
const LEASE = 'runLease: { heartbeat: 1s, timeout: 30s }';

interface Proc { child: ChildProcess; out: () => string; exited: Promise<number | null> }

function start(args: string[]): Proc {
  const child = spawnCli(args);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, out: () => out, exited };
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fresh store (SQLite file or PostgreSQL database) with its config. */
async function setup(driver: 'sqlite' | 'postgres', personioUrl: string, lease = LEASE) {
  const dir = mkdtempSync(join(tmpdir(), `cadre-lease-${driver}-`));
  const db = driver === 'postgres' ? await freshDatabase('cadre_lease') : undefined;
  const config = writeEngineConfig({ dir, personioUrl, targets: ['erp', 'crm'], extra: lease, ...(db ? { storeUrl: db.url } : {}) });
  const open = async (): Promise<Store> => {
    const store = await createStore((await loadConfigOrThrow(config)).store);
    await store.migrate();
    return store;
  };
  return {
    dir, config, open,
    async holder(): Promise<LeaseHolder | undefined> {
      const store = await open();
      try {
        return await store.lease.current();
      } finally {
        await store.close();
      }
    },
    async cleanup() {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every journaled operation and its audit outcomes, plus the runs. */
async function ledger(store: Store) {
  const runs = await store.runs.recent(1000);
  const outcomes = new Map<string, string[]>();
  const events: { event: string; at: string; runId?: string; payload: string }[] = [];
  for await (const page of store.audit.iterate()) {
    for (const row of page) {
      events.push(row);
      if (!row.event.startsWith('op.')) continue;
      const k = `${row.runId}/${String((JSON.parse(row.payload) as { opId?: string }).opId)}`;
      outcomes.set(k, [...(outcomes.get(k) ?? []), row.event]);
    }
  }
  const journal = (await Promise.all(runs.map((r) => store.journal.entries(r.id)))).flat();
  return { runs, journal, outcomes, events };
}

function assertConsistent(l: Awaited<ReturnType<typeof ledger>>): void {
  const wrong = l.journal.filter((j) => (l.outcomes.get(`${j.runId}/${j.opId}`) ?? []).length !== 1);
  assert.deepEqual(wrong.slice(0, 5).map((j) => ({ run: j.runId, op: j.opId, audit: l.outcomes.get(`${j.runId}/${j.opId}`) })), [], `${wrong.length} journaled operations without exactly one audit outcome`);
  assert.equal(l.outcomes.size, l.journal.length, 'no audit outcome without a journaled operation');
  assert.ok(l.journal.every((j) => j.status !== 'pending'), 'nothing left pending');
}

function assertNoDuplicates(dir: string): void {
  for (const target of ['erp', 'crm']) {
    const db = new Database(join(dir, `${target}.db`), { readonly: true });
    try {
      const rows = db.prepare('select employee_id, count(*) as n from accounts group by employee_id').all() as { n: number }[];
      assert.equal(rows.length, N, `${target}: every person has an account`);
      assert.ok(rows.every((r) => r.n === 1), `${target}: no duplicate accounts`);
      assert.deepEqual(db.prepare('select account_id, role from account_roles group by account_id, role having count(*) > 1').all(), [], `${target}: no duplicate grants`);
    } finally {
      db.close();
    }
  }
}

describe('engine: run lease across processes', () => {
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  before(async () => {
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: company });
  });
  after(async () => {
    await sim.close();
  });

  for (const driver of ['sqlite', 'postgres'] as const) {
    test(`${driver}: cadre sync racing cadre run executes and audits every operation once`, async () => {
      const s = await setup(driver, sim.url);
      try {
        // Slow reads widen the window in which both processes want the lease.
        sim.faults.slowMs = 150;
        const daemon = start(['run', '--every', '1s', '--full-every', '1h', '--config', s.config]);
        const sync = start(['sync', '--config', s.config]);
        try {
          const code = await sync.exited;
          assert.equal(code, 0, sync.out());
          await until('a daemon tick after the sync', () => (/(full|incremental) sync: /.test(daemon.out()) ? true : undefined));
        } finally {
          sim.faults.slowMs = 0;
          daemon.child.kill('SIGTERM');
          await daemon.exited;
        }
        const store = await s.open();
        try {
          const l = await ledger(store);
          assertConsistent(l);
          const creates = l.events.filter((e) => e.event === 'op.done' && (JSON.parse(e.payload) as { action?: string }).action === 'create');
          assert.equal(creates.length, 2 * N, 'each account created once, by one of the two processes');
          assert.ok(!l.events.some((e) => e.event === 'op.interrupted' || e.event === 'run.interrupted'), 'the live run was never taken for an interrupted one');
          assert.ok(l.runs.every((r) => r.status === 'ok'), JSON.stringify(l.runs));
          assert.equal(await store.lease?.current(), undefined, 'both gave the lease back');
        } finally {
          await store.close();
        }
        assertNoDuplicates(s.dir);
        assert.match(sync.out() + daemon.out(), /waiting for run run-\S+ \(cadre (sync|run), pid \d+ on \S+, started at \S+\) to finish…/, 'the later one waited for the earlier one');
        assert.doesNotMatch(daemon.out(), /sync failed/, daemon.out());
      } finally {
        await s.cleanup();
      }
    });

    test(`${driver}: --no-wait refuses with exit 5 while another run holds the lease`, async () => {
      const s = await setup(driver, sim.url);
      // This test process holds the lease, as any other live run would.
      const store = await s.open();
      try {
        const got = await store.lease.tryAcquire({ holder: 'run-held-by-test', command: 'sync', timeoutMs: 60_000 });
        assert.ok(got.acquired);
        const lease = await store.lease.current();
        assert.ok(lease);
        const r = await runCli(['sync', '--no-wait', '--config', s.config]);
        assert.equal(r.code, 5, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`RUN_IN_PROGRESS: another run is in progress: run run-held-by-test \\(cadre sync, pid ${process.pid} on \\S+, started at ${lease.startedAt.replace(/\./g, '\\.')}\\)`));
        const a = await runCli(['apply', '--yes', '--no-wait', '--config', s.config]);
        assert.equal(a.code, 5, a.stdout + a.stderr);
        assert.match(a.stderr, /another run is in progress/);
        const l = await ledger(store);
        assert.deepEqual(l.runs, [], 'the refused runs did nothing');
        await got.session.release();
        const free = await runCli(['sync', '--no-wait', '--config', s.config]);
        assert.equal(free.code, 0, free.stdout + free.stderr);
      } finally {
        await store.close();
        await s.cleanup();
      }
    });

    test(`${driver}: a SIGKILLed holder's lease is taken over and its run closed as interrupted`, async () => {
      const s = await setup(driver, sim.url);
      try {
        // The lease is taken before the source is read: a slow source keeps the run in that phase long enough to
        // see the row (a loaded machine could otherwise finish the short apply before the row is read).
        sim.faults.slowMs = 300;
        const killed = start(['sync', '--config', s.config]);
        let seen: LeaseHolder | undefined;
        await until('operations being applied', async () => {
          seen ??= await s.holder();
          return /apply: \d+/.test(killed.out()) ? true : undefined;
        });
        killed.child.kill('SIGKILL');
        sim.faults.slowMs = 0;
        const lease = seen;
        assert.ok(lease, 'the lease row was seen while the run held it');
        await killed.exited;
        const r = await runCli(['sync', '--config', s.config], { timeoutMs: 60_000 });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const store = await s.open();
        try {
          const l = await ledger(store);
          assertConsistent(l);
          const dead = l.runs.find((run) => run.id === lease.holder);
          assert.equal(dead?.status, 'failed', 'the dead run is closed');
          assert.ok(l.events.some((e) => e.event === 'run.interrupted' && e.runId === lease.holder), 'and audited as interrupted');
          if (driver === 'sqlite') {
            // Same host, pid gone: no need to wait for the heartbeat to expire.
            assert.ok(l.events.some((e) => e.event === 'lease.takeover' && JSON.parse(e.payload).previous.holder === lease.holder), 'the takeover is audited');
          }
        } finally {
          await store.close();
        }
        assertNoDuplicates(s.dir);
      } finally {
        await s.cleanup();
      }
    });

    test(`${driver}: a suspended holder's lease expires after the heartbeat timeout; resumed, it stops (exit 5)`, async () => {
      // A timeout well above the time a loaded machine needs to start the second process, so that it really waits.
      const s = await setup(driver, sim.url, 'runLease: { heartbeat: 500ms, timeout: 15s }');
      sim.faults.slowMs = 4000;
      const stalled = start(['sync', '--config', s.config]);
      try {
        await until('the lease row', () => s.holder());
        // Suspended while it waits for Personio: alive (its pid exists), but it no longer renews the lease.
        stalled.child.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, 1000));
        const lease = await s.holder();
        assert.ok(lease);
        sim.faults.slowMs = 0;
        const r = await runCli(['sync', '--config', s.config], { timeoutMs: 120_000 });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`waiting for run ${lease.holder} \\(cadre sync, pid ${lease.pid}`));
        stalled.child.kill('SIGCONT');
        assert.equal(await stalled.exited, 5, stalled.out());
        assert.match(stalled.out(), /LEASE_LOST: run \S+ lost the run lease/);
        const store = await s.open();
        try {
          const l = await ledger(store);
          assertConsistent(l);
          const takeover = l.events.find((e) => e.event === 'lease.takeover' && JSON.parse(e.payload).previous.holder === lease.holder) as { at?: string } | undefined;
          assert.ok(takeover, 'the takeover is audited');
          assert.ok(String(takeover.at) >= lease.expiresAt, `taken over (${String(takeover.at)}) only once the heartbeat expired (${lease.expiresAt})`);
          assert.ok(!l.runs.some((run) => run.id === lease.holder), 'the suspended run never started applying');
        } finally {
          await store.close();
        }
        assertNoDuplicates(s.dir);
      } finally {
        sim.faults.slowMs = 0;
        stalled.child.kill('SIGCONT');
        stalled.child.kill('SIGKILL');
        await s.cleanup();
      }
    });
  }
});
