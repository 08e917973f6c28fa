/**
 * `cadre sim personio`: runs the Personio v1 simulator in the foreground until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { generateCompany } from '../../sources/personio/generator.js';
import { fixtureEmployees, startPersonioSimulator } from '../../sources/personio/simulator/index.js';
import { serveUntilSignal } from '../serve-until-signal.js';
import { durationMs } from '../../engine/duration.js';
import { parseSimArgs, stringArg } from '../sim-args.js';

const USAGE = `usage: cadre sim personio [options]
  --port N              port to listen on (default 8790; 0 = any free port)
  --host H              interface to bind (default 127.0.0.1)
  --fixture FILE        JSON array of Personio employees (API "data" items) or a full API response
  --generate N          generate N realistic employees instead (default 50 when no fixture)
  --seed S              seed for --generate and --mutate-every (default 1)
  --mutate-every DUR    apply realistic HR changes every DUR (e.g. 30s, 5m)
  --client-id ID        accepted client id (with --client-secret; default: accept any)
  --client-secret S     accepted client secret
  --rate-limit N        GET employees limit per minute (bursts of 15/s), like Personio's 300/min`;

function intArg(name: string, v: string | undefined, min: number): number | undefined | Error {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) return new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return Number(v);
}

/** Entry point; returns the process exit code (0 after a signal, 2 on bad arguments, 1 on start failure). */
export async function simPersonioCommand(args: string[]): Promise<number> {
  const values = parseSimArgs(args, {
    port: { type: 'string' }, host: { type: 'string' }, fixture: { type: 'string' }, generate: { type: 'string' },
    seed: { type: 'string' }, 'mutate-every': { type: 'string' }, 'client-id': { type: 'string' },
    'client-secret': { type: 'string' }, 'rate-limit': { type: 'string' },
  }, USAGE);
  if (typeof values === 'number') return values;
  const str = (k: string): string | undefined => stringArg(values, k);
  const port = intArg('port', str('port'), 0);
  const generate = intArg('generate', str('generate'), 0);
  const seed = intArg('seed', str('seed'), 0);
  const rateLimit = intArg('rate-limit', str('rate-limit'), 1);
  const mutateEvery = str('mutate-every');
  const mutateMs = mutateEvery === undefined ? undefined : durationMs(mutateEvery);
  const problems: string[] = [];
  for (const v of [port, generate, seed, rateLimit]) if (v instanceof Error) problems.push(v.message);
  if (typeof port === 'number' && port > 65535) problems.push(`--port must be at most 65535, got ${port}`);
  if (mutateEvery !== undefined && (mutateMs === undefined || mutateMs < 100)) problems.push(`--mutate-every must be a duration like 30s or 5m (≥ 100ms), got '${mutateEvery}'`);
  if (str('fixture') !== undefined && generate !== undefined) problems.push('use either --fixture or --generate, not both');
  if ((str('client-id') === undefined) !== (str('client-secret') === undefined)) problems.push('--client-id and --client-secret go together');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }

  let employees: unknown[];
  const fixture = str('fixture');
  try {
    employees = fixture !== undefined
      ? fixtureEmployees(JSON.parse(readFileSync(fixture, 'utf8')) as unknown)
      : generateCompany(typeof generate === 'number' ? generate : 50, { seed: typeof seed === 'number' ? seed : 1 });
  } catch (e) {
    process.stderr.write(`cannot load ${fixture ?? 'generated company'}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  const clientId = str('client-id');
  const clientSecret = str('client-secret');
  let sim;
  try {
    sim = await startPersonioSimulator({
      port: typeof port === 'number' ? port : 8790,
      host: str('host') ?? '127.0.0.1',
      employees,
      credentials: clientId !== undefined && clientSecret !== undefined ? { clientId, clientSecret } : undefined,
      rateLimit: typeof rateLimit === 'number' ? { perMinute: rateLimit, burstPerSecond: 15 } : undefined,
      seed: typeof seed === 'number' ? seed : 1,
    });
  } catch (e) {
    process.stderr.write(`cannot start the Personio simulator: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }

  process.stdout.write(`Personio simulator (API v1 and v2) listening at ${sim.url} with ${sim.company.size} employees\n`);
  // Lines a user pastes as they are (test/integration/readme-sim-paste.test.ts pastes them).
  process.stdout.write(clientId !== undefined && clientSecret !== undefined
    ? 'Client credentials: the --client-id and --client-secret given (export them as PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET).\n'
    : 'Any client id and secret are accepted: export PERSONIO_CLIENT_ID=sim PERSONIO_CLIENT_SECRET=sim\n');
  process.stdout.write(`In cadre.yaml (or write one with: cadre init --personio-url ${sim.url}):\nsource:\n  baseUrl: ${sim.url}\n`);
  process.stdout.write(`Control: GET ${sim.url}/_sim/state, POST ${sim.url}/_sim/faults|mutate. Ctrl-C stops.\n`);

  const running = sim;
  const timer = mutateMs === undefined ? undefined : setInterval(() => {
    for (const c of running.mutate()) process.stdout.write(`${new Date().toISOString()} ${c.kind.padEnd(6)} ${c.text}\n`);
  }, mutateMs);

  await serveUntilSignal(async () => {
    if (timer) clearInterval(timer);
    await running.close();
  });
  process.stdout.write('Personio simulator stopped\n');
  return 0;
}
