/** The Personio simulator in its own process (`cadre sim personio --generate N`), as the benchmarks use it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A running simulator process. */
export interface SimProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Start the simulator with N generated employees and wait until it listens. */
export async function startPersonioProcess(n: number, seed: number): Promise<SimProcess> {
  const bin = new URL('../bin/cadre.mjs', import.meta.url).pathname;
  const sim = spawn(process.execPath, ['--max-semi-space-size=64', bin, 'sim', 'personio', '--port', '0', '--generate', String(n), '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    sim.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening at (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    sim.on('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening:\n${out}`)));
  });
  sim.stdout.resume();
  return {
    url,
    async stop() {
      sim.kill('SIGTERM');
      if (sim.exitCode === null) await once(sim, 'exit');
    },
  };
}
