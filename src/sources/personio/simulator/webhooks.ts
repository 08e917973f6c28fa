/**
 * The simulator's webhook management API (`/v2/webhooks`): Personio creates webhooks DISABLED unless `status`
 * says otherwise; `auth_type: TOKEN` (default) keeps a token that deliveries send verbatim in `Authorization`.
 * Delivery of events is not simulated yet.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecord } from '../raw.js';
import { problem } from './v2.js';

/** Events the simulator accepts in `enabled_events`. */
export const WEBHOOK_EVENTS: readonly string[] = [
  'person.created', 'person.updated', 'person.deleted',
  'employment.created', 'employment.updated', 'employment.deleted', 'employment.started', 'employment.terminated',
];

/** One registered webhook (the token is never rendered back). */
export interface SimWebhook {
  id: string;
  url: string;
  description: string | null;
  status: 'ENABLED' | 'DISABLED';
  auth_type: 'TOKEN' | 'NONE';
  token?: string;
  enabled_events: string[];
  created_at: string;
  updated_at: string;
}

const view = (w: SimWebhook): Omit<SimWebhook, 'token'> => {
  const { token: _token, ...rest } = w;
  return rest;
};

/** Registers `/v2/webhooks` routes; `authorized` answers 401 itself. Returns the live registry. */
export function registerWebhooks(app: FastifyInstance, authorized: (req: FastifyRequest, reply: FastifyReply) => boolean, now: () => Date): Map<string, SimWebhook> {
  const hooks = new Map<string, SimWebhook>();
  /** Validates the writable fields; a string is the problem detail. */
  const check = (b: Record<string, unknown>, partial: boolean): string | undefined => {
    if (!partial || b.url !== undefined) {
      if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) return 'url must be an absolute URL';
    }
    if (!partial || b.enabled_events !== undefined) {
      if (!Array.isArray(b.enabled_events) || b.enabled_events.length === 0) return 'enabled_events is required';
      const bad = b.enabled_events.find((e) => typeof e !== 'string' || !WEBHOOK_EVENTS.includes(e));
      if (bad !== undefined) return `unknown event '${String(bad)}'`;
    }
    if (b.status !== undefined && b.status !== 'ENABLED' && b.status !== 'DISABLED') return 'status must be ENABLED or DISABLED';
    if (b.auth_type !== undefined && b.auth_type !== 'TOKEN' && b.auth_type !== 'NONE') return 'auth_type must be TOKEN or NONE';
    return undefined;
  };

  app.post('/v2/webhooks', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const b = isRecord(req.body) ? req.body : {};
    const bad = check(b, false);
    if (bad) return problem(reply, 422, 'Unprocessable entity', bad);
    if ([...hooks.values()].some((w) => w.url === b.url)) return problem(reply, 409, 'Conflict', 'A webhook for this url exists already.');
    const at = now().toISOString();
    const w: SimWebhook = {
      id: randomUUID(), url: String(b.url), description: typeof b.description === 'string' ? b.description : null,
      status: b.status === 'ENABLED' ? 'ENABLED' : 'DISABLED', auth_type: b.auth_type === 'NONE' ? 'NONE' : 'TOKEN',
      ...(typeof b.token === 'string' ? { token: b.token } : {}),
      enabled_events: (b.enabled_events as string[]).slice(), created_at: at, updated_at: at,
    };
    hooks.set(w.id, w);
    return reply.code(201).send(view(w));
  });
  app.get('/v2/webhooks', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    return { _data: [...hooks.values()].map(view), _meta: { links: {} } };
  });
  app.get<{ Params: { id: string } }>('/v2/webhooks/:id', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const w = hooks.get(req.params.id);
    return w ? view(w) : problem(reply, 404, 'Not found', 'The webhook does not exist.');
  });
  app.patch<{ Params: { id: string } }>('/v2/webhooks/:id', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const w = hooks.get(req.params.id);
    if (!w) return problem(reply, 404, 'Not found', 'The webhook does not exist.');
    const b = isRecord(req.body) ? req.body : {};
    const bad = check(b, true);
    if (bad) return problem(reply, 422, 'Unprocessable entity', bad);
    if (typeof b.url === 'string') w.url = b.url;
    if (typeof b.description === 'string') w.description = b.description;
    if (b.status === 'ENABLED' || b.status === 'DISABLED') w.status = b.status;
    if (b.auth_type === 'TOKEN' || b.auth_type === 'NONE') w.auth_type = b.auth_type;
    if (typeof b.token === 'string') w.token = b.token;
    if (Array.isArray(b.enabled_events)) w.enabled_events = b.enabled_events.map(String);
    w.updated_at = now().toISOString();
    return view(w);
  });
  app.delete<{ Params: { id: string } }>('/v2/webhooks/:id', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    if (!hooks.delete(req.params.id)) return problem(reply, 404, 'Not found', 'The webhook does not exist.');
    return reply.code(204).send();
  });
  return hooks;
}
