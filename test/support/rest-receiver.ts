/**
 * A webhook receiver for the REST target's tests (node:http): verifies `X-Cadre-Signature` over
 * `<timestamp>.<body>` and refuses stale timestamps (401), honours `Idempotency-Key` by replaying the first
 * response, stores accounts in memory (`POST /users` → 201 with an id, `PATCH|DELETE /users/:id`,
 * `GET /users?offset&limit`, `GET /users?cursor&limit` with a next link, `GET /users?<field>=<value>`,
 * `PUT|DELETE /users/:id/entitlements/:name`), and can answer the next requests with a fault (e.g. 503 with Retry-After).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/targets/rest/signing.js';

/** One received request, as the receiver saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly idempotencyKey?: string;
  readonly verdict: string;
  readonly status: number;
}

/** A running receiver. */
export interface RestReceiver {
  readonly url: string;
  readonly accounts: Map<string, Record<string, unknown>>;
  readonly requests: ReceivedRequest[];
  /** The next `count` requests (after the signature check) get `status`, with an optional Retry-After. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** Extra JSON fields every successful answer carries (response-check tests). */
  respondWith(extra: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (free port) checking signatures with `secret`. */
export async function startRestReceiver(secret: string): Promise<RestReceiver> {
  const accounts = new Map<string, Record<string, unknown>>();
  const requests: ReceivedRequest[] = [];
  const replies = new Map<string, { status: number; body: string }>();
  let faults: { count: number; status: number; retryAfter?: number } = { count: 0, status: 503 };
  let extra: Record<string, unknown> = {};

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://receiver.invalid');
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      const verdict = verifySignature(secret, { method: req.method ?? '', target: req.url ?? '', body }, {
        ...(typeof req.headers['x-cadre-timestamp'] === 'string' ? { timestamp: req.headers['x-cadre-timestamp'] } : {}),
        ...(typeof req.headers['x-cadre-signature'] === 'string' ? { signature: req.headers['x-cadre-signature'] } : {}),
      });
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
        requests.push({ method: req.method ?? '', path: url.pathname + url.search, body, ...(key ? { idempotencyKey: key } : {}), verdict, status });
        const text = json === undefined ? '' : JSON.stringify(json);
        res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
        res.end(text);
      };
      if (verdict !== 'ok') return answer(401, { error: `signature ${verdict}` });
      if (faults.count > 0) {
        faults.count -= 1;
        return answer(faults.status, { error: 'injected fault' }, faults.retryAfter !== undefined ? { 'retry-after': String(faults.retryAfter) } : {});
      }
      if (key && replies.has(key) && req.method !== 'GET') {
        const r = replies.get(key) as { status: number; body: string };
        return answer(r.status, r.body === '' ? undefined : JSON.parse(r.body), { 'idempotent-replayed': 'true' });
      }
      const parsed = body === '' ? undefined : JSON.parse(body) as Record<string, unknown>;
      const remember = (status: number, json: unknown): void => {
        if (key && req.method !== 'GET') replies.set(key, { status, body: json === undefined ? '' : JSON.stringify(json) });
        answer(status, json);
      };
      const g = /^\/users\/([^/]+)\/entitlements\/([^/]+)$/.exec(url.pathname);
      if (g) {
        const user = accounts.get(decodeURIComponent(g[1] as string));
        if (!user) return remember(404, { error: 'no such user' });
        const ent = decodeURIComponent(g[2] as string);
        const held = Array.isArray(user.entitlements) ? (user.entitlements as string[]).filter((e) => e !== ent) : [];
        if (req.method === 'PUT') held.push(ent);
        else if (req.method !== 'DELETE') return answer(405, { error: 'method not allowed' });
        user.entitlements = held;
        return remember(200, { ...user, ...extra });
      }
      const m = /^\/users(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return answer(404, { error: 'not found' });
      const id = m[1] ? decodeURIComponent(m[1]) : undefined;
      if (req.method === 'GET' && !id) {
        // `?<field>=<value>` filters (the find endpoint); `cursor` pages by next link instead of offset.
        const filters = [...url.searchParams].filter(([k]) => !['offset', 'limit', 'cursor'].includes(k));
        const all = [...accounts.values()].filter((a) => filters.every(([k, v]) => a[k] === v));
        if (url.searchParams.has('cursor')) {
          const at = Number(url.searchParams.get('cursor'));
          const limit = Number(url.searchParams.get('limit') ?? 100);
          const next = at + limit < all.length ? `/users?cursor=${at + limit}&limit=${limit}` : null;
          return answer(200, { items: all.slice(at, at + limit), next, ...extra });
        }
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 100);
        return answer(200, { items: all.slice(offset, offset + limit), total: all.length, ...extra });
      }
      if (req.method === 'POST' && !id) {
        const created = { ...parsed, id: randomUUID() };
        accounts.set(created.id, created);
        return remember(201, { ...created, ...extra });
      }
      if (!id || !accounts.has(id)) return remember(404, { error: 'no such user' });
      if (req.method === 'GET') return answer(200, { ...accounts.get(id), ...extra });
      if (req.method === 'PATCH' || req.method === 'PUT') {
        const next = { ...(req.method === 'PATCH' ? accounts.get(id) : {}), ...parsed, id };
        accounts.set(id, next);
        return remember(200, { ...next, ...extra });
      }
      if (req.method === 'DELETE') { accounts.delete(id); return remember(204, undefined); }
      return answer(405, { error: 'method not allowed' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, accounts, requests,
    failNext: (count, status, retryAfterSeconds) => { faults = { count, status, ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}) }; },
    respondWith: (e) => { extra = e; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
