/**
 * Routes one Graph request (top-level or a `$batch` item) to its handler and turns thrown
 * {@link GraphError}s into Graph error responses. `$batch` follows concepts/json-batching.md:
 * ≤ 20 requests, unique ids, `dependsOn` with 424 for failed dependencies, per-item throttling,
 * responses not in request order.
 */
import { errorResponse, GraphError } from './errors.js';
import type { SimResponse } from './errors.js';
import { json } from './common.js';
import type { RouteEnv, SimRequest } from './common.js';
import { usersRoute } from './routes-users.js';
import { directoryRoute } from './routes-directory.js';

/** Hooks the server provides: admission control (throttling) per request or batch item. */
export interface DispatchHooks {
  /** Returns a 429 response when the request must be throttled, undefined to proceed. */
  admit(): SimResponse | undefined;
  /** Called for every batch item after it was answered (request log). */
  itemDone?(req: SimRequest, res: SimResponse): void;
}

/** Build a {@link SimRequest} from a path-with-query relative to `/v1.0`. */
export function makeRequest(method: string, pathAndQuery: string, headers: Record<string, string>, body: unknown): SimRequest {
  const u = new URL(pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`, 'http://graph.invalid');
  let path = u.pathname.replace(/\/+$/, '');
  if (path.toLowerCase().startsWith('/v1.0')) path = path.slice(5);
  const segments = path.split('/').filter((s) => s !== '').map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
  // Graph also accepts key-as-function syntax: users('id') → users/id
  const expanded = segments.flatMap((s) => {
    const m = /^([A-Za-z.]+)\('(.+)'\)$/.exec(s);
    return m ? [m[1] as string, m[2] as string] : [s];
  });
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { method: method.toUpperCase(), segments: expanded, path, query: u.searchParams, headers: lower, body };
}

/** Dispatch one request. Never throws. */
export function dispatch(env: RouteEnv, req: SimRequest, hooks: DispatchHooks, inBatch = false): SimResponse {
  const crid = req.headers['client-request-id'];
  try {
    if (req.segments[0] === '$batch' && req.segments.length === 1) {
      if (inBatch) throw new GraphError(400, 'BadRequest', 'Nested batch requests are not supported.');
      if (req.method !== 'POST') throw new GraphError(405, 'Request_BadRequest', 'The HTTP method is not allowed for $batch.');
      return batch(env, req, hooks);
    }
    const root = req.segments[0];
    const res = root === 'users' ? usersRoute(env, req) : directoryRoute(env, req);
    if (res) {
      if (crid) res.headers['client-request-id'] = crid;
      return res;
    }
    if (root === undefined) return json({ '@odata.context': `${env.base}/$metadata`, value: [] });
    // Every simulator token is app-only (client credentials).
    if (root === 'me') throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    const known = ['users', 'groups', 'directory', 'subscribedSkus', 'domains', 'organization'];
    if (known.includes(root)) throw new GraphError(400, 'Request_BadRequest', `Unsupported request: ${req.method} ${req.path}`);
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${root}'.`);
  } catch (err) {
    if (err instanceof GraphError) return errorResponse(err.status, err.code, err.message, crid, err.details, err.headers);
    return errorResponse(500, 'InternalServerError', err instanceof Error ? err.message : 'unexpected error', crid);
  }
}

interface BatchItem { id: string; method: string; url: string; headers: Record<string, string>; body: unknown; dependsOn: string[] }

function parseBatch(body: unknown): BatchItem[] {
  const reqs = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).requests : undefined;
  if (!Array.isArray(reqs)) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  if (reqs.length === 0 || reqs.length > 20) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: a JSON batch must contain between 1 and 20 requests.');
  const items: BatchItem[] = [];
  for (const r of reqs) {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id === '' || typeof o.method !== 'string' || typeof o.url !== 'string') throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
    if (items.some((i) => i.id === o.id)) throw new GraphError(400, 'BadRequest', `Request Id '${o.id}' is used more than once in a batch request. Request Id must be unique.`);
    const headers: Record<string, string> = {};
    if (typeof o.headers === 'object' && o.headers !== null) for (const [k, v] of Object.entries(o.headers)) headers[k.toLowerCase()] = String(v);
    if (o.body !== undefined && !headers['content-type']) throw new GraphError(400, 'BadRequest', `Write request id : ${o.id} does not contain Content-Type header or body.`);
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    items.push({ id: o.id, method: o.method.toUpperCase(), url: o.url, headers, body: o.body, dependsOn });
  }
  for (const it of items) {
    for (const d of it.dependsOn) if (!items.some((x) => x.id === d)) throw new GraphError(400, 'BadRequest', `Request '${it.id}' depends on '${d}', which is not in the batch.`);
  }
  return items;
}

function batch(env: RouteEnv, req: SimRequest, hooks: DispatchHooks): SimResponse {
  const items = parseBatch(req.body);
  const results = new Map<string, SimResponse>();
  const order: string[] = [];
  // Run in dependency order; a cycle is a bad payload.
  while (results.size < items.length) {
    const ready = items.find((it) => !results.has(it.id) && it.dependsOn.every((d) => results.has(d)));
    if (!ready) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: circular dependsOn.');
    const failedDep = ready.dependsOn.find((d) => (results.get(d)?.status ?? 0) >= 400);
    let res: SimResponse;
    if (failedDep !== undefined) {
      res = errorResponse(424, 'FailedDependency', `Request '${ready.id}' was not executed because request '${failedDep}' it depends on failed.`, req.headers['client-request-id']);
    } else {
      res = hooks.admit() ?? dispatch(env, makeRequest(ready.method, ready.url, { ...req.headers, ...ready.headers }, ready.body), hooks, true);
    }
    hooks.itemDone?.(makeRequest(ready.method, ready.url, {}, undefined), res);
    results.set(ready.id, res);
    order.push(ready.id);
  }
  // Graph does not keep request order in the response; neither do we (clients must match by id).
  const responses = order.reverse().map((id) => {
    const r = results.get(id) as SimResponse;
    return { id, status: r.status, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) };
  });
  return json({ responses });
}
