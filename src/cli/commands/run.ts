/** `cadre run --every 30s`: the daemon (incremental polling + periodic full sync). */
import Fastify from 'fastify';
import { loadConfigOrThrow } from '../../config/load.js';
import { createMetrics } from '../../engine/metrics.js';
import { startDaemon } from '../../engine/daemon.js';
import { openEngine } from '../../engine/engine.js';
import { exitCodeOf } from '../../engine/errors.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';
import { startWebhookListener, webhookToken, type WebhookListener } from '../../web/webhook-route.js';
import { waitingLine } from './apply.js';

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...commonOptions, every: { type: 'string' }, 'full-every': { type: 'string' }, 'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' } });
  const config = await loadConfigOrThrow(configPath(values.config));
  const hooks = config.source.webhooks?.enabled === true ? config.source.webhooks : undefined;
  // Before anything opens: a token that cannot be resolved is a config error naming the setting.
  const token = hooks ? webhookToken(hooks) : undefined;
  const engine = await openEngine(config);
  const every = values.every ?? config.schedule.every;
  const fullEvery = values['full-every'] ?? config.schedule.fullSyncEvery;
  io.err(hooks
    ? `cadre daemon: Personio webhooks (no polling), lifecycle ticks every ${every}, full sync every ${fullEvery}. Ctrl-C stops.`
    : `cadre daemon: polling Personio every ${every}, full sync every ${fullEvery}. Ctrl-C stops.`);
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
    every, fullEvery, actor: 'cadre-daemon', webhooks: hooks !== undefined,
    beforeTick() { tickStart = performance.now(); },
    onDrain(n, error) {
      const stamp = new Date().toISOString();
      if (error) io.err(`${stamp} webhook sync failed (exit ${exitCodeOf(error)}): ${(error as Error).message}`);
      else if (values.json) io.out(JSON.stringify({ at: stamp, kind: 'webhook', events: n }));
      else io.out(`${stamp} webhook sync: ${n} event${n === 1 ? '' : 's'}`);
    },
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
  let listener: WebhookListener | undefined;
  if (hooks && token !== undefined) {
    try {
      listener = await startWebhookListener({ engine, hooks, token, onQueued: () => daemon.wake() });
    } catch (err) {
      await daemon.stop();
      await server?.close();
      await engine.close();
      throw err;
    }
    io.err(`webhooks: receiving at ${listener.url}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.err('stopping…');
  await listener?.close();
  await daemon.stop();
  await server?.close();
  await engine.close();
  return 0;
}
