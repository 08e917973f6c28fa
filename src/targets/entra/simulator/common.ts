/** Shared request/response plumbing for the simulator's routes. */
import type { SimResponse } from './errors.js';
import type { CursorStore, Cursor } from './query.js';
import type { JsonObject, Tenant } from './tenant.js';

/** A request as the dispatcher sees it (top-level or one `$batch` item). */
export interface SimRequest {
  readonly method: string;
  /** Decoded path segments after `/v1.0`. */
  readonly segments: readonly string[];
  /** Raw path after `/v1.0`, without the query string (for building nextLinks). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** What routes need from the simulator. */
export interface RouteEnv {
  readonly tenant: Tenant;
  /** The directory's id (`/organization`). */
  readonly tenantId?: string;
  readonly cursors: CursorStore;
  /** Graph base URL including `/v1.0`. */
  readonly base: string;
}

/** A JSON 200 (or other status) response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8', ...headers }, body };
}

/** 204 No Content. */
export function noContent(): SimResponse {
  return { status: 204, headers: {} };
}

/**
 * Serve one page of a cursor. `first` is merged into the first page only (e.g. `@odata.count`);
 * `last` supplies extra properties for the final page (e.g. `@odata.deltaLink`).
 */
export function page<T>(
  env: RouteEnv,
  req: SimRequest,
  cursor: Cursor<T>,
  at: { id?: string; pos: number },
  render: (item: T) => JsonObject | undefined,
  context: string,
  first: JsonObject = {},
  last?: () => JsonObject,
): SimResponse {
  const slice = cursor.items.slice(at.pos, at.pos + cursor.pageSize);
  const value: JsonObject[] = [];
  for (const item of slice) {
    const r = render(item);
    if (r) value.push(r);
  }
  const next = at.pos + slice.length;
  const body: JsonObject = { '@odata.context': context, ...(at.pos === 0 ? first : {}) };
  if (next < cursor.items.length) {
    const id = at.id ?? env.cursors.put(cursor);
    body['@odata.nextLink'] = `${env.base}${req.path}?$skiptoken=${id}~${next}`;
  } else if (last) {
    Object.assign(body, last());
  }
  body.value = value;
  return json(body);
}

/** `$metadata` context URL. */
export function ctxUrl(env: RouteEnv, fragment: string): string {
  return `${env.base}/$metadata#${fragment}`;
}

/** `@odata.id` body value → object id (accepts …/users/{id}, …/directoryObjects/{id}, …/groups/{id}). */
export function refId(body: unknown): string | undefined {
  const ref = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['@odata.id'] : undefined;
  if (typeof ref !== 'string') return undefined;
  const m = /\/(?:users|directoryObjects|groups)\/([^/?#]+)$/i.exec(ref) ?? /\/(?:users|directoryObjects|groups)\('([^']+)'\)$/i.exec(ref);
  return m ? decodeURIComponent(m[1] as string) : undefined;
}

/** Directory role template ids (the `wids` claim of an app-only token). */
export const DIRECTORY_ROLES = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
} as const;

/**
 * Application permissions (`roles`) and directory roles (`wids`) of the request's token. The server checked the
 * signature before dispatch; `$batch` items carry the outer Authorization header.
 */
export function callerClaims(req: SimRequest): { roles: string[]; wids: string[] } {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  try {
    const c = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown; wids?: unknown };
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    return { roles: list(c.roles), wids: list(c.wids) };
  } catch {
    return { roles: [], wids: [] };
  }
}
