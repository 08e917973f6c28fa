/**
 * The Personio webhook receiver over HTTP(S): mounted on the console (`cadre serve`) or on a listener of its own
 * (`cadre run`, or `source.webhooks.listen`). It only parses the request and answers: the token check, the
 * envelope and the durable enqueue are `acceptWebhook`'s; the sync is the daemon's, woken through `onQueued`.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type RawServerBase } from 'fastify';
import { ConfigError } from '../config/errors.js';
import { resolveSecret } from '../config/secrets.js';
import type { WebhooksConfig } from '../config/schema-webhooks.js';
import type { Engine } from '../engine/engine.js';
import { acceptWebhook } from '../sources/personio/webhooks/receiver.js';

/** Personio gives up on a delivery after 3 s; past this we answer 503 so it retries (the retry de-duplicates). */
const ANSWER_WITHIN_MS = 2500;

/** What the receiver needs. */
export interface WebhookReceiverOptions {
  readonly engine: Engine;
  readonly hooks: WebhooksConfig;
  /** The resolved token ({@link webhookToken}). */
  readonly token: string;
  /** An event was queued (not a duplicate): wake whoever drains the queue. */
  readonly onQueued?: () => void;
}


/** Resolve `source.webhooks.token` (when the receiver starts, like the console's secrets); never logged. */
export function webhookToken(hooks: WebhooksConfig): string {
  if (hooks.token === undefined) throw new ConfigError([{ path: 'source.webhooks.token', message: 'webhooks need a token (token: env:PERSONIO_WEBHOOK_TOKEN)' }]);
  const token = resolveSecret(hooks.token, 'source.webhooks.token');
  // The receiver answers anyone; a short token could be guessed by trying (the README makes one with openssl rand -hex 32).
  if (token.length < MIN_WEBHOOK_TOKEN) {
    throw new ConfigError([{ path: 'source.webhooks.token', message: `the webhook token has ${token.length} characters; it needs at least ${MIN_WEBHOOK_TOKEN} (openssl rand -hex 32)` }]);
  }
  return token;
}

/** Shortest webhook token accepted. */
export const MIN_WEBHOOK_TOKEN = 16;

/**
 * Register `POST <path>`. On the console the route carries `config.webhook`, so the authorisation table's row
 * `POST /webhooks/personio` (public, no CSRF: the token is the credential) applies at whatever path is configured.
 */
export function registerWebhookRoute<S extends RawServerBase>(app: FastifyInstance<S>, o: WebhookReceiverOptions): void {
  const { engine } = o;
  app.post(o.hooks.path, { bodyLimit: o.hooks.bodyLimit, config: { webhook: true } }, async (req, reply) => {
    const work = acceptWebhook(
      { authorization: req.headers.authorization, body: req.body, token: o.token, now: () => engine.now() },
      (e) => engine.store.sourceEvents.enqueue(e), engine.log,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), ANSWER_WITHIN_MS); });
    let r: Awaited<typeof work> | 'late';
    try {
      r = await Promise.race([work, late]);
    } catch (err) {
      engine.log.error({ err: (err as Error).message }, 'Personio webhook could not be queued; Personio retries');
      return reply.code(503).send({ outcome: 'error' });
    } finally {
      clearTimeout(timer);
    }
    if (r === 'late') {
      // Not acknowledged: Personio sends it again, and the stored copy (if the write still lands) de-duplicates it.
      work.catch(() => undefined);
      engine.log.warn({}, 'Personio webhook: the store did not answer in time; answered 503 so Personio retries');
      return reply.code(503).send({ outcome: 'busy' });
    }
    if (r.outcome === 'unauthorized') engine.log.warn({ ip: req.ip, path: o.hooks.path }, 'Personio webhook refused: wrong or missing token');
    else if (r.outcome === 'invalid') engine.log.warn({ ip: req.ip }, 'Personio webhook refused: not a Personio envelope');
    if (r.outcome === 'queued') o.onQueued?.();
    return reply.code(r.status).send({ outcome: r.outcome });
  });
}

/** A running listener of the receiver's own. */
export interface WebhookListener {
  readonly url: string;
  close(): Promise<void>;
}

/** Start the receiver's own listener (HTTPS when `tls` is configured) with `GET /healthz` beside it. */
export async function startWebhookListener(o: WebhookReceiverOptions): Promise<WebhookListener> {
  const tls = o.hooks.tls;
  const listen = o.hooks.listen ?? { host: '127.0.0.1', port: 8090 };
  const pem = (file: string, key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError([{ path: `source.webhooks.tls.${key}`, message: `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
    }
  };
  const serve = async <S extends RawServerBase>(app: FastifyInstance<S>): Promise<WebhookListener> => {
    registerWebhookRoute(app, o);
    app.get('/healthz', async () => ({ ok: true }));
    const address = await app.listen({ host: listen.host, port: listen.port });
    return { url: `${address}${o.hooks.path}`, close: () => app.close() };
  };
  const common = { bodyLimit: o.hooks.bodyLimit, return503OnClosing: true };
  return tls ? serve(Fastify({ ...common, https: { cert: pem(tls.cert, 'cert'), key: pem(tls.key, 'key') } })) : serve(Fastify(common));
}
