/**
 * Change-to-convergence latency: a person's department changes in the Personio simulator (v2) and the bench
 * measures until every target shows it: Active Directory on the shared Samba DC, Entra on the Graph simulator and
 * a SQL table. The real `cadre run` runs twice over the same store and targets: once with the webhook receiver
 * (the simulator delivers, the daemon syncs that person at once), once polling every 30 s. Each run makes
 * `--changes` changes at uniformly random times over its window, each to a different person (so changes overlap
 * and many fit into a bounded time); the bench reads all three targets every `--probe` ms.
 *
 * usage: npm run bench:latency -- [--changes 60] [--window 60] [--poll-window 90] [--every 30s] [--probe 150] [--no-polling]
 *   (package.json: "bench:latency": "node --import tsx bench/latency.ts")
 * Goal: p95 ≤ 5 s with webhooks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startPersonioSimulator } from '../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../src/targets/entra/simulator/index.js';
import { adE2eConfig, adE2eTree, createTree, one, rawAdmin, removeTree } from '../test/support/ad-e2e-config.js';
import { E2E_CLIENT } from '../test/support/entra-e2e-config.js';
import { employee } from '../test/support/personio-fixture.js';
import { registerSimWebhook, startCadre, withWebhooks, type CadreProcess } from '../test/support/webhook-daemon.js';

const { values: args } = parseArgs({
  options: {
    changes: { type: 'string', default: '60' },
    window: { type: 'string', default: '60' },
    'poll-window': { type: 'string', default: '90' },
    every: { type: 'string', default: '30s' },
    probe: { type: 'string', default: '150' },
    'no-polling': { type: 'boolean', default: false },
  },
});
const CHANGES = Number(args.changes);
const WINDOW_S = Number(args.window);
const POLL_WINDOW_S = Number(args['poll-window']);
const PROBE_MS = Number(args.probe);
if (![CHANGES, WINDOW_S, POLL_WINDOW_S, PROBE_MS].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('usage: bench/latency.ts [--changes 60] [--window 60] [--poll-window 90] [--every 30s] [--probe 150] [--no-polling]');
  process.exit(2);
}
const TOKEN = randomBytes(24).toString('hex');
const RUN = randomBytes(3).toString('hex');
const IDS = Array.from({ length: CHANGES }, (_, i) => 7000 + i);
const person = (id: number, department: string) => employee({ id, first: `Lat${id}`, last: `Bench${RUN}`, department, office: 'Berlin' });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

interface Phase { readonly label: string; readonly latencies: number[]; readonly note: string }

/** Print the table (after each phase, so a failure later keeps the figures). */
function report(phases: readonly Phase[]): void {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log('');
  console.log(`change → convergence in ad + entra + erp (probe every ${PROBE_MS} ms, so ± ${PROBE_MS} ms)`);
  console.log('mode           changes  p50       p95       max       window');
  for (const p of phases) {
    const l = p.latencies;
    console.log(`${p.label.padEnd(15)}${String(l.length).padEnd(9)}${s(pct(l, 50)).padEnd(10)}${s(pct(l, 95)).padEnd(10)}${s(l[l.length - 1] ?? NaN).padEnd(10)}${p.note}`);
  }
  const [hooks, poll] = phases;
  if (hooks && poll) {
    console.log(`ratio polling/webhooks: p50 ${(pct(poll.latencies, 50) / pct(hooks.latencies, 50)).toFixed(1)}×, p95 ${(pct(poll.latencies, 95) / pct(hooks.latencies, 95)).toFixed(1)}×`);
  }
  if (hooks) {
    const p95 = pct(hooks.latencies, 95);
    console.log(`goal p95 ≤ 5 s with webhooks: ${s(p95)} ${p95 <= 5000 ? 'OK' : 'OVER'}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-bench-latency-'));
  const tree = adE2eTree('latency', RUN);
  let admin = await rawAdmin();
  await createTree(admin, tree);
  // The shared DC may reset a long-lived connection or restart under another suite: reconnect for up to a minute.
  const withAdmin = async <T>(f: (c: typeof admin) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f(admin);
      } catch (err) {
        if (attempt >= 30) throw err;
        await admin.unbind().catch(() => undefined);
        await sleep(2000);
        admin = await rawAdmin().catch(() => admin);
      }
    }
  };
  const sim = await startPersonioSimulator({ employees: IDS.map((id) => person(id, 'Dept-0')), webhookTimeScale: 0.001 });
  const graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
  graph.state.createGroup({ displayName: 'All Staff', mailNickname: 'allstaff', mailEnabled: false, securityEnabled: true });
  const sqlTarget = `  erp:
    type: sql
    options: { driver: sqlite, path: ${JSON.stringify(join(dir, 'erp.db'))}, table: accounts, key: id, generateKey: true, correlationColumn: employee_id, enabledColumn: active, createTables: true, columns: { username: username, department: department } }
    attributes: { username: "{{ id.username }}", department: "{{ department }}" }
    identifiers: { username: [username] }
`;
  const base = adE2eConfig({ dir, personioUrl: sim.url, tree, entra: { graphUrl: graph.url, tenantId: graph.tenantId } }).replace('targets:\n', `targets:\n${sqlTarget}`);
  const hooked = join(dir, 'webhooks.yaml');
  const polled = join(dir, 'polling.yaml');
  writeFileSync(hooked, withWebhooks(base, 'enabled: true\ntoken: env:BENCH_HOOK_TOKEN\nlisten: { host: 127.0.0.1, port: 0 }'));
  writeFileSync(polled, withWebhooks(base, 'enabled: false'));
  const env = { BENCH_HOOK_TOKEN: TOKEN };

  // What the targets show now: person id -> department, per target.
  const sqlDepartments = (): Map<string, string> => {
    const db = new Database(join(dir, 'erp.db'), { readonly: true, fileMustExist: true });
    try { return new Map((db.prepare('SELECT employee_id, department FROM accounts').all() as { employee_id: string; department: string }[]).map((r) => [r.employee_id, r.department])); } finally { db.close(); }
  };
  const snapshot = async (): Promise<Map<string, string>[]> => {
    const ad = new Map<string, string>();
    const r = await withAdmin((c) => c.search(tree.base, { scope: 'sub', filter: '(&(objectClass=user)(employeeID=*))', attributes: ['employeeID', 'department'], paged: { pageSize: 500 } }));
    for (const e of r.searchEntries) ad.set(one(e, 'employeeID') ?? '', one(e, 'department') ?? '');
    const entra = new Map(graph.state.liveUsers().map((u) => [String(u.props.employeeId ?? ''), String(u.props.department ?? '')]));
    return [ad, entra, sqlDepartments()];
  };

  /** Make one change per person at random times over the window; resolve with each change-to-convergence time. */
  async function measure(windowS: number, dept: string): Promise<number[]> {
    const offsets = IDS.map(() => Math.random() * windowS * 1000).sort((a, b) => a - b);
    const started = new Map<string, number>();
    const done = new Map<string, number>();
    const t = performance.now();
    const changer = (async () => {
      for (const [i, id] of IDS.entries()) {
        const wait = t + (offsets[i] as number) - performance.now();
        if (wait > 0) await sleep(wait);
        started.set(String(id), performance.now());
        sim.company.upsert(person(id, dept));
      }
    })();
    const giveUp = performance.now() + windowS * 1000 + 180_000;
    while (done.size < IDS.length) {
      if (performance.now() > giveUp) throw new Error(`${IDS.length - done.size} changes did not converge within 3 minutes after the window`);
      const views = await snapshot();
      const at = performance.now();
      for (const [pid, t0] of started) {
        if (!done.has(pid) && views.every((v) => v.get(pid) === dept)) done.set(pid, at - t0);
      }
      await sleep(PROBE_MS);
    }
    await changer;
    return [...done.values()].sort((a, b) => a - b);
  }

  async function daemon(file: string, extra: string[]): Promise<CadreProcess> {
    const p = startCadre(['run', ...extra, '--config', file], env);
    await p.waitFor(/full sync: \d+ done/, 600_000);
    return p;
  }

  const phases: Phase[] = [];
  let current: CadreProcess | undefined;
  try {
    console.log(`latency bench: ${CHANGES} people, AD (Samba, ${tree.base}) + Entra (Graph simulator) + SQL; first sync…`);
    current = await daemon(hooked, ['--every', args.every, '--full-every', '1h']);
    const url = (await current.waitFor(/webhooks: receiving at (\S+)/))[1] as string;
    await registerSimWebhook(sim.url, url, TOKEN);
    console.log(`webhooks: ${CHANGES} changes at random times over ${WINDOW_S} s…`);
    phases.push({ label: 'webhooks', latencies: await measure(WINDOW_S, 'Dept-1'), note: `over ${WINDOW_S} s` });
    report(phases);
    await current.stop();
    current = undefined;
    for (const h of sim.webhooks.values()) h.status = 'DISABLED';
    if (!args['no-polling']) {
      current = await daemon(polled, ['--every', args.every, '--full-every', '1h']);
      console.log(`polling every ${args.every}: ${CHANGES} changes at random times over ${POLL_WINDOW_S} s…`);
      phases.push({ label: `polling ${args.every}`, latencies: await measure(POLL_WINDOW_S, 'Dept-2'), note: `over ${POLL_WINDOW_S} s` });
      report(phases);
      await current.stop();
      current = undefined;
    }
  } finally {
    await current?.kill();
    await withAdmin((c) => removeTree(c, tree)).catch(() => undefined);
    await admin.unbind().catch(() => undefined);
    await sim.close();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  }

}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
