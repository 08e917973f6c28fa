/** `cadre run --every 30s`: the daemon (incremental polling + periodic full sync). */
import Fastify from 'fastify';
import { loadConfigOrThrow } from '../../config/load.js';
import { createMetrics } from '../../engine/metrics.js';
import { startDaemon } from '../../engine/daemon.js';
import { openEngine } from '../../engine/engine.js';
import { exitCodeOf } from '../../engine/errors.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';
import { waitingLine } from './apply.js';

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...commonOptions, every: { type: 'string' }, 'full-every': { type: 'string' }, 'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' } });
  const config = await loadConfigOrThrow(configPath(values.config));
  const engine = await openEngine(config);
  const every = values.every ?? config.schedule.every;
  const fullEvery = values['full-every'] ?? config.schedule.fullSyncEvery;
  io.err(`cadre daemon: polling Personio every ${every}, full sync every ${fullEvery}. Ctrl-C stops.`);
  const metrics = createMetrics();
  const server = values['metrics-port'] === undefined ? undefined : Fastify();
  if (server) {
    server.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
    server.get('/healthz', async () => ({ ok: true }));
    const address = await server.listen({ port: Number(values['metrics-port']), host: values['metrics-host'] ?? '127.0.0.1' });
    io.err(`metrics: ${address}/metrics`);
  }
  let tickStart = performance.now();
  const daemon = startDaemon(engine, {
    every, fullEvery, actor: 'cadre-daemon',
    beforeTick() { tickStart = performance.now(); },
    onWait(holder) { io.err(`${new Date().toISOString()} ${waitingLine(holder)}`); },
    onTick(kind, result, error) {
      metrics.observe(kind, (performance.now() - tickStart) / 1000, result, error);
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
  await server?.close();
  await engine.close();
  return 0;
}
