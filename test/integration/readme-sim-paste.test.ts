/**
 * "Running against real systems" with the simulators, as a new user does it: start `cadre sim personio` and
 * `cadre sim graph`, paste the config lines they print into the `cadre init` example as they are, export the
 * printed credentials, and `cadre validate --live` logs in to both.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { exampleConfig } from '../../src/config/example.js';

const BIN = fileURLToPath(new URL('../../bin/cadre.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cadre-sim-paste-'));
const procs: ChildProcessWithoutNullStreams[] = [];
after(() => {
  for (const p of procs) p.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Start a simulator and return its banner once the "Control:" line is out. */
async function startSim(which: 'personio' | 'graph'): Promise<string> {
  const proc = spawn(process.execPath, [BIN, 'sim', which, '--port', '0']);
  procs.push(proc);
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const deadline = Date.now() + 60_000;
  while (!out.includes('Control:')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`sim ${which} did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

/** The lines between the "In cadre.yaml" line and the next line that is neither YAML nor indented. */
function pasted(banner: string, indented: boolean): string {
  const lines = banner.split('\n');
  const from = lines.findIndex((l) => l.startsWith('In cadre.yaml'));
  assert.ok(from >= 0, banner);
  const out: string[] = [];
  for (const l of lines.slice(from + 1)) {
    if (indented ? !l.startsWith('    ') : !/^(source:|\s{2}\S)/.test(l)) break;
    out.push(indented ? l.slice(4) : l);
  }
  assert.ok(out.length > 0, banner);
  return out.join('\n');
}

test('the config lines the simulators print work when pasted', async () => {
  const [personio, graph] = await Promise.all([startSim('personio'), startSim('graph')]);
  const env = /export (PERSONIO_CLIENT_ID)=(\S+) (PERSONIO_CLIENT_SECRET)=(\S+)/.exec(personio);
  assert.ok(env, personio);

  const config = parse(exampleConfig()) as Record<string, Record<string, unknown>>;
  Object.assign(config.source as object, (parse(pasted(personio, false)) as { source: object }).source);
  (config.targets as Record<string, unknown>).entra = {
    type: 'entra',
    options: { ...(parse(pasted(graph, true)) as object), clientId: 'cadre', clientSecret: 'env:ENTRA_CLIENT_SECRET' },
    identifiers: { upn: ['userPrincipalName'] },
    attributes: { userPrincipalName: '{{ id.upn }}', mailNickname: '{{ id.username }}', displayName: '{{ firstName }} {{ lastName }}' },
  };
  const file = join(dir, 'cadre.yaml');
  writeFileSync(file, stringify(config));

  const run = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'validate', '--live', '--config', file], {
      cwd: dir, timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', [env[1] as string]: env[2], [env[3] as string]: env[4], ENTRA_CLIENT_SECRET: 'sim-secret' },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
  });
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /authenticated at http:\/\/127\.0\.0\.1:\d+; 50 employees readable/);
  assert.match(run.out, /token issued for app cadre in tenant /);
  assert.match(run.out, /Ready/);
});
