/** `cadre run --every 30s`: the daemon (incremental polling + periodic full sync). */
import { loadConfigOrThrow } from '../../config/load.js';
import { startDaemon } from '../../engine/daemon.js';
import { openEngine } from '../../engine/engine.js';
import { exitCodeOf } from '../../engine/errors.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...commonOptions, every: { type: 'string' }, 'full-every': { type: 'string' } });
  const config = await loadConfigOrThrow(configPath(values.config));
  const engine = await openEngine(config);
  const every = values.every ?? config.schedule.every;
  const fullEvery = values['full-every'] ?? config.schedule.fullSyncEvery;
  io.err(`cadre daemon: polling Personio every ${every}, full sync every ${fullEvery}. Ctrl-C stops.`);
  const daemon = startDaemon(engine, {
    every, fullEvery, actor: 'cadre-daemon',
    onTick(kind, result, error) {
      const stamp = new Date().toISOString();
      if (error) {
        io.err(`${stamp} ${kind} sync failed (exit ${exitCodeOf(error)}): ${(error as Error).message}`);
        return;
      }
      const counts = result?.report?.counts;
      const line = counts ? `${counts.done ?? 0} done, ${counts.failed ?? 0} failed, ${counts.skipped ?? 0} skipped` : 'no changes';
      if (values.json) io.out(JSON.stringify({ at: stamp, kind, counts: counts ?? {} }));
      else io.out(`${stamp} ${kind} sync: ${line}`);
    },
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.err('stopping…');
  await daemon.stop();
  await engine.close();
  return 0;
}
