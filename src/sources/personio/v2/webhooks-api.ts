/**
 * Personio's webhook management API (`/v2/webhooks`) for `cadre personio webhooks`. Personio creates webhooks
 * DISABLED by default, so {@link registerWebhook} enables the new one explicitly with a PATCH.
 */
import type { PersonioSourceConfig } from '../../../config/schema.js';
import { PersonioError } from '../errors.js';
import { createTransport } from '../http.js';
import type { PersonioClientDeps } from '../http.js';
import { isRecord } from '../raw.js';

/** Events Cadre subscribes to by default: person and employment changes. */
export const DEFAULT_WEBHOOK_EVENTS: readonly string[] = [
  'person.created', 'person.updated', 'person.deleted',
  'employment.created', 'employment.updated', 'employment.deleted', 'employment.started', 'employment.terminated',
];

/** A webhook as Personio lists it (never with its token). */
export interface WebhookInfo {
  readonly id: string;
  readonly url: string;
  readonly status: string;
  readonly events: readonly string[];
  readonly description?: string;
}

const info = (b: unknown): WebhookInfo => {
  if (!isRecord(b) || typeof b.id !== 'string') throw new PersonioError('PERSONIO_BAD_RESPONSE', 'Personio answered a webhook without an id');
  return {
    id: b.id, url: String(b.url ?? ''), status: String(b.status ?? ''),
    events: Array.isArray(b.enabled_events) ? b.enabled_events.map(String) : [],
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
  };
};

/** Webhook management over the v2 API (authenticates at `/v2/auth/token`). */
export function createWebhookApi(cfg: PersonioSourceConfig, deps: PersonioClientDeps) {
  const http = createTransport({ ...cfg, apiVersion: 'v2' }, deps);
  return {
    /** Creates the webhook (token sent verbatim by Personio in `Authorization`) and enables it. */
    async register(opts: { url: string; token: string; events?: readonly string[]; description?: string }): Promise<WebhookInfo> {
      const { body } = await http.call('POST', '/v2/webhooks', {
        body: { url: opts.url, auth_type: 'TOKEN', token: opts.token, enabled_events: opts.events ?? DEFAULT_WEBHOOK_EVENTS, description: opts.description ?? 'Cadre' },
      });
      const created = info(body);
      const { body: patched } = await http.call('PATCH', `/v2/webhooks/${encodeURIComponent(created.id)}`, { body: { status: 'ENABLED' } });
      return info(patched);
    },
    async list(): Promise<WebhookInfo[]> {
      const { body } = await http.call('GET', '/v2/webhooks');
      if (!isRecord(body) || !Array.isArray(body._data)) throw new PersonioError('PERSONIO_BAD_RESPONSE', 'Personio /v2/webhooks answered without a _data list');
      return body._data.map(info);
    },
    async remove(id: string): Promise<void> {
      await http.call('DELETE', `/v2/webhooks/${encodeURIComponent(id)}`);
    },
  };
}
