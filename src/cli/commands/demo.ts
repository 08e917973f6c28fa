/**
 * `cadre demo`: a generated company in the Personio simulator, three SQL-table targets in SQLite, a
 * first full sync, then the daemon while the company changes — one simulated day per tick.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoConfig } from '../../config/example.js';
import { loadConfigOrThrow } from '../../config/load.js';
import type { Person } from '../../core/model.js';
import { startDaemon } from '../../engine/daemon.js';
import { openEngine } from '../../engine/engine.js';
import { cliInvocation } from '../invocation.js';
import type { OpOutcome } from '../../engine/executor.js';
import { generateCompany } from '../../sources/personio/generator.js';
import { mutateCompany } from '../../sources/personio/mutator.js';
import { startPersonioSimulator } from '../../sources/personio/simulator/index.js';
import { parse } from '../args.js';
import { startDemoConsole, type DemoConsole } from './demo-console.js';
import type { Io } from '../io.js';

const DAY = 86_400_000;

/** Tiny deterministic PRNG (mulberry32) so a seed replays the same story. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function describe(o: OpOutcome, persons: ReadonlyMap<string, Person>, io: Io): string {
  const p = persons.get(o.op.personId);
  const who = p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : `person ${o.op.personId}`;
  const { c } = io;
  const sym = { create: c.green('+'), delete: c.red('-'), grant: c.green('+'), revoke: c.red('-'), disable: c.red('⏻'), enable: c.green('⏻') }[o.op.action as string] ?? c.yellow('~');
  const what = o.op.entitlement ? `${o.op.action} ${o.op.entitlement}` : o.op.action === 'update' || o.op.action === 'rename' || o.op.action === 'move'
    ? `${o.op.action} ${o.op.changes.map((ch) => `${ch.attribute}: ${JSON.stringify(ch.from ?? null)} → ${JSON.stringify(ch.to ?? null)}`).join(', ')}`
    : o.op.action;
  const status = o.status === 'done' ? '' : c.red(` [${o.status}: ${o.error?.code ?? ''}]`);
  return `    ${sym} ${o.op.target.padEnd(8)} ${who.padEnd(28)} ${what}${status}`;
}

export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    people: { type: 'string', default: '150' }, seed: { type: 'string', default: '42' }, tick: { type: 'string', default: '8s' },
    dir: { type: 'string', default: '.cadre/demo' }, days: { type: 'string' }, keep: { type: 'boolean' },
    port: { type: 'string', default: '8080' }, 'no-web': { type: 'boolean' },
  });
  const n = Number(values.people);
  const seed = Number(values.seed);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw Object.assign(new Error('--people must be an integer between 1 and 100000'), { code: 'CONFIG_INVALID' });
  const dir = resolve(values.dir);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  let clock = Date.parse(`${new Date().toISOString().slice(0, 10)}T08:00:00Z`);
  const today = () => new Date(clock).toISOString().slice(0, 10);
  // The simulator shares the demo clock, so `updated_since` sees changes made on the simulated day.
  const sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: generateCompany(n, { seed, today: today() }), now: () => new Date(clock) });
  const file = join(dir, 'cadre.yaml');
  writeFileSync(file, demoConfig({ personioUrl: sim.url, storePath: join(dir, 'cadre.db'), sqlPath: join(dir, 'targets.db') }));
  const config = await loadConfigOrThrow(file);
  const engine = await openEngine(config, { now: () => new Date(clock) });
  const random = rng(seed);
  const c = io.c;
  io.out(c.bold(`Cadre demo — ${n} generated people in a Personio simulator at ${sim.url}`));
  io.out(`Config: ${file}   Store: SQLite in ${dir}   Targets: ${[...engine.targets.keys()].join(', ')} (SQL tables)`);
  io.out(`Each tick is one simulated day. Try in another shell: ${cliInvocation()} explain <id> --config ${file}\n`);

  // The console on the demo's own throwaway store, with one generated sign-in per role (printed once).
  let web: DemoConsole | undefined;
  if (values['no-web'] !== true) web = await startDemoConsole(engine, { port: Number(values.port), io });

  let ticks = 0;
  const maxDays = values.days ? Number(values.days) : Infinity;
  let stopped: () => void = () => undefined;
  const finished = new Promise<void>((r) => { stopped = r; });
  const daemon = startDaemon(engine, {
    every: values.tick, fullEvery: '1d', actor: 'cadre-demo',
    beforeTick() {
      if (ticks === 0) return;
      clock += DAY;
      const changes = mutateCompany(sim.company, random, today());
      io.out(c.bold(`\n── ${today()} ─────────────────────────────────────────────`));
      for (const ch of changes) io.out(`  Personio: ${ch.text}`);
    },
    async onTick(kind, result, error) {
      ticks += 1;
      web?.synced();
      if (error) io.err(c.red(`  sync failed: ${(error as Error).message}`));
      else if (!result?.report) io.out('  nothing to do');
      else {
        const persons = new Map(result.prepared.snapshot.persons.map((p) => [p.id, p]));
        const { summary } = result.prepared.plan;
        if (kind === 'full' && ticks === 1) {
          io.out(c.bold(`First full sync as of ${today()}:`));
          io.out(`  ${Object.entries(summary).filter(([, v]) => v > 0).map(([k, v]) => `${v} ${k}`).join(', ')}`);
          const sample = result.report.outcomes.filter((o) => o.op.action === 'create').slice(0, 8);
          for (const o of sample) io.out(describe(o, persons, io));
          if (result.report.outcomes.length > sample.length) io.out(`    … and ${result.report.outcomes.length - sample.length} more operations (cadre audit export shows all)`);
        } else {
          io.out(`  ${kind} sync: ${result.report.counts.done ?? 0} done, ${result.report.counts.failed ?? 0} failed`);
          for (const o of result.report.outcomes.filter((x) => x.op.target !== 'notify')) io.out(describe(o, persons, io));
        }
      }
      if (ticks === 1 && web) await web.printSignIns().catch((e: unknown) => io.err(c.red(`  demo users: ${(e as Error).message}`)));
      if (ticks > maxDays) stopped();
    },
  });
  const onSignal = () => stopped();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await finished;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await daemon.stop();
  await web?.close();
  await engine.close();
  await sim.close();
  io.out(`\nDemo stopped. State is in ${dir}; \`${cliInvocation()} audit verify --config ${file}\` checks the audit chain.`);
  return 0;
}
