/**
 * `cadre serve`: the web console and, in the same process, the sync schedule of `cadre run` (each tick takes the
 * store's run lease, so a manual `cadre sync` elsewhere waits its turn). `--no-scheduler` serves only.
 */
import { loadConfigOrThrow } from '../../config/load.js';
import { webSecrets } from '../../config/web-secrets.js';
import { startDaemon } from '../../engine/daemon.js';
import { openEngine } from '../../engine/engine.js';
import { CadreError, EXIT, exitCodeOf } from '../../engine/errors.js';
import { createMetrics } from '../../engine/metrics.js';
import { buildApp } from '../../web/app.js';
import { createPersonIndex } from '../../web/person-index.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';
import { serveUntilSignal } from '../serve-until-signal.js';
import { startWebhookListener, webhookToken, type WebhookListener } from '../../web/webhook-route.js';
import { waitingLine } from './apply.js';

/** Expired session rows are deleted this often. */
const PURGE_MS = 15 * 60_000;

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...commonOptions, port: { type: 'string', short: 'p' }, host: { type: 'string' }, every: { type: 'string' }, 'full-every': { type: 'string' },
    'no-scheduler': { type: 'boolean' },
  });
  const config = await loadConfigOrThrow(configPath(values.config));
  // Before anything opens: a missing session secret is a config error naming the setting.
  const secrets = webSecrets(config.web);
  const port = values.port !== undefined ? Number(values.port) : config.web.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CadreError('USAGE', `--port ${values.port}: expected a port number`, EXIT.usage);
  const host = values.host ?? config.web.host;
  const hooks = config.source.webhooks?.enabled === true ? config.source.webhooks : undefined;
  const token = hooks ? webhookToken(hooks) : undefined;
  const engine = await openEngine(config);
  let daemon: ReturnType<typeof startDaemon> | undefined;
  // The receiver wakes the scheduler; with --no-scheduler the events wait for whichever daemon drains the store.
  const webhook = hooks && token !== undefined ? { hooks, token, onQueued: () => daemon?.wake() } : undefined;
  const metrics = createMetrics();
  const persons = createPersonIndex(engine.store, { now: () => engine.now().getTime() });
  const app = await buildApp(engine, {
    sessionSecret: secrets.sessionSecret, ...(secrets.oidcClientSecret !== undefined ? { oidcClientSecret: secrets.oidcClientSecret } : {}),
    metrics, persons, ...(webhook && !webhook.hooks.listen ? { webhook } : {}),
  });
  let listener: WebhookListener | undefined;
  try {
    const address = await app.listen({ port, host });
    io.err(`cadre console: ${address} (public URL ${config.web.publicUrl}). Ctrl-C stops.`);
    if (values['no-scheduler'] !== true) {
      const every = values.every ?? config.schedule.every;
      const fullEvery = values['full-every'] ?? config.schedule.fullSyncEvery;
      io.err(webhook
        ? `scheduler: Personio webhooks (no polling), lifecycle ticks every ${every}, full sync every ${fullEvery}`
        : `scheduler: polling Personio every ${every}, full sync every ${fullEvery}`);
      let tickStart = performance.now();
      daemon = startDaemon(engine, {
        every, fullEvery, actor: 'cadre-serve', webhooks: webhook !== undefined,
        beforeTick() { tickStart = performance.now(); },
        onDrain(n, error) {
          persons.invalidate();
          const stamp = new Date().toISOString();
          if (error) io.err(`${stamp} webhook sync failed (exit ${exitCodeOf(error)}): ${(error as Error).message}`);
          else io.out(`${stamp} webhook sync: ${n} event${n === 1 ? '' : 's'}`);
        },
        onWait(holder) { io.err(`${new Date().toISOString()} ${waitingLine(holder)}`); },
        onTick(kind, result, error) {
          metrics.observe(kind, (performance.now() - tickStart) / 1000, result, error);
          persons.invalidate();
          const stamp = new Date().toISOString();
          if (error) { io.err(`${stamp} ${kind} sync failed (exit ${exitCodeOf(error)}): ${(error as Error).message}`); return; }
          const c = result?.report?.counts;
          io.out(`${stamp} ${kind} sync: ${c ? `${c.done ?? 0} done, ${c.failed ?? 0} failed, ${c.skipped ?? 0} skipped` : 'no changes'}`);
        },
      });
    } else io.err('scheduler: off (--no-scheduler)');
    if (webhook?.hooks.listen) listener = await startWebhookListener({ ...webhook, engine });
    if (webhook) io.err(`webhooks: receiving at ${listener ? listener.url : `${address}${webhook.hooks.path}`}`);
  } catch (err) {
    await daemon?.stop();
    await app.close();
    await engine.close();
    throw err;
  }
  const purge = setInterval(() => {
    engine.store.sessions.purgeExpired(engine.now().toISOString()).catch((e: unknown) => engine.log.warn({ err: (e as Error).message }, 'session purge failed'));
  }, PURGE_MS);
  purge.unref();
  await serveUntilSignal(async () => {
    io.err('stopping…');
    clearInterval(purge);
    // The scheduler first (a tick in flight finishes or gives up its lease wait), then the server drains.
    await listener?.close();
    await daemon?.stop();
    await app.close();
    await engine.close();
  });
  return EXIT.ok;
}
