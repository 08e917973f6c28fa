/**
 * Resource-level SCIM calls shared by the connector: the ServiceProviderConfig, paged ListResponse reads,
 * filtered lookups, and writes that honour ETags (If-Match, one re-read and retry on 412) and fall back
 * from PATCH to PUT (read-modify-write) when the server lacks PATCH.
 */
import { eqFilter } from './filter.js';
import type { ScimHttp } from './http.js';
import { ScimTargetError } from './http.js';
import { PATCH_OP_URN } from './map.js';
import type { PatchOperation } from './map.js';

export type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the server says it supports (`/ServiceProviderConfig`, RFC 7643 §5). */
export interface ServiceProvider {
  readonly patch: boolean;
  readonly filter: boolean;
  readonly etag: boolean;
  readonly bulk: boolean;
  /** filter.maxResults, when given. */
  readonly maxResults?: number;
}

/** Read `/ServiceProviderConfig`; a server without it is treated as supporting nothing optional. */
export async function readServiceProvider(http: ScimHttp): Promise<ServiceProvider> {
  const r = await http.request('GET', '/ServiceProviderConfig', { accept: [404] });
  if (r.status === 404 || !isObj(r.body)) return { patch: false, filter: false, etag: false, bulk: false };
  const flag = (k: string): boolean => isObj(r.body) && isObj(r.body[k]) && (r.body[k] as Json).supported === true;
  const filter = isObj(r.body.filter) ? (r.body.filter as Json).maxResults : undefined;
  return { patch: flag('patch'), filter: flag('filter'), etag: flag('etag'), bulk: flag('bulk'), ...(typeof filter === 'number' ? { maxResults: filter } : {}) };
}

/** A resource with its version for If-Match (`meta.version`, else the ETag header). */
export interface Versioned {
  readonly resource: Json;
  readonly version?: string;
}

function versionOf(body: Json, etag: string | undefined): string | undefined {
  const meta = body.meta;
  if (isObj(meta) && typeof meta.version === 'string') return meta.version;
  return etag;
}

/** Typed access to one resource type (`/Users`, `/Groups`). */
export interface ResourceApi {
  get(id: string): Promise<Versioned | undefined>;
  /** Every resource (or every match of `filter`), page by page; robust to pages shorter than asked. */
  pages(filter?: string, attributes?: string): AsyncGenerator<Json[]>;
  /** Resources whose `path` equals `value`. */
  where(path: string, value: string, attributes?: string): Promise<Json[]>;
  create(body: Json): Promise<Json>;
  /**
   * Change a resource: PATCH with `ops(current)` when the server has PATCH, else PUT of `replace(current)`.
   * `current` is read first when needed (PUT, an etag server, or `needsCurrent`); a 412 re-reads and retries once.
   * Returns undefined when the resource does not exist.
   */
  modify(id: string, change: ResourceChange): Promise<Json | undefined>;
  remove(id: string): Promise<boolean>;
}

/** A change to one resource, in both forms. */
export interface ResourceChange {
  /** PatchOp operations; empty: nothing to do. */
  ops(current: Json | undefined): PatchOperation[];
  /** The whole new resource for PUT. */
  replace(current: Json): Json;
  /** PATCH needs the current resource (multi-valued values merged). */
  readonly needsCurrent?: boolean;
}

/** Resource API over the client. */
export function resourceApi(http: ScimHttp, endpoint: '/Users' | '/Groups', sp: () => Promise<ServiceProvider>, o: { pageSize: number; usePut: boolean }): ResourceApi {
  const path = (id: string): string => {
    // encodeURIComponent keeps dots, and URL parsers resolve `.`/`..`: `/Users/..` would address the base URL.
    if (id === '.' || id === '..' || id === '') throw new ScimTargetError('SCIM_INVALID_ID', `${endpoint}: "${id}" is not a resource id`);
    return `${endpoint}/${encodeURIComponent(id)}`;
  };

  const get = async (id: string): Promise<Versioned | undefined> => {
    const r = await http.request('GET', path(id), { accept: [404] });
    if (r.status === 404) return undefined;
    if (!isObj(r.body)) throw new ScimTargetError('SCIM_BAD_RESPONSE', `GET ${endpoint}/…: not a resource`);
    const version = versionOf(r.body, r.etag);
    return { resource: r.body, ...(version ? { version } : {}) };
  };

  async function* pages(filter?: string, attributes?: string): AsyncGenerator<Json[]> {
    let startIndex = 1;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const query: Record<string, string | number> = { startIndex, count: o.pageSize };
      if (filter !== undefined) query.filter = filter;
      if (attributes !== undefined) query.attributes = attributes;
      const r = await http.request('GET', endpoint, { query });
      const body = isObj(r.body) ? r.body : {};
      const list = Array.isArray(body.Resources) ? body.Resources.filter(isObj) : [];
      const total = typeof body.totalResults === 'number' ? body.totalResults : undefined;
      if (list.length > 0) yield list;
      // 1-based startIndex; advance by what came back, not by what was asked (servers may cap the page).
      startIndex += list.length;
      if (list.length === 0 || (total !== undefined && startIndex > total)) return;
    }
  }

  const where = async (attr: string, value: string, attributes?: string): Promise<Json[]> => {
    const out: Json[] = [];
    for await (const page of pages(eqFilter(attr, value), attributes)) out.push(...page);
    return out;
  };

  const create = async (body: Json): Promise<Json> => {
    const r = await http.request('POST', endpoint, { body });
    if (!isObj(r.body) || typeof r.body.id !== 'string') throw new ScimTargetError('SCIM_BAD_RESPONSE', `POST ${endpoint}: no id in the response`);
    return r.body;
  };

  const modifyOnce = async (id: string, change: ResourceChange, s: ServiceProvider): Promise<Json | undefined> => {
    const put = o.usePut || !s.patch;
    let cur: Versioned | undefined;
    if (put || s.etag || change.needsCurrent) {
      cur = await get(id);
      if (!cur) return undefined;
    }
    const ifMatch = s.etag && cur?.version ? cur.version : undefined;
    const req = (body: unknown): { body: unknown; accept: number[]; ifMatch?: string } => ({ body, accept: [404], ...(ifMatch ? { ifMatch } : {}) });
    let r;
    if (put) {
      // id and meta are the server's (readOnly); a PUT carries only what the client may set.
      const { id: _id, meta: _meta, ...body } = change.replace((cur as Versioned).resource);
      r = await http.request('PUT', path(id), req(body));
    } else {
      const ops = change.ops(cur?.resource);
      if (ops.length === 0) return cur?.resource ?? (await get(id))?.resource;
      r = await http.request('PATCH', path(id), req({ schemas: [PATCH_OP_URN], Operations: ops }));
    }
    if (r.status === 404) return undefined;
    // 204 (no body) is a valid PATCH answer.
    return isObj(r.body) ? r.body : (await get(id))?.resource;
  };

  const modify = async (id: string, change: ResourceChange): Promise<Json | undefined> => {
    const s = await sp();
    try {
      return await modifyOnce(id, change, s);
    } catch (e) {
      // Someone changed it between our read and write: read again and retry once.
      if (e instanceof ScimTargetError && e.code === 'SCIM_PRECONDITION_FAILED') return modifyOnce(id, change, s);
      throw e;
    }
  };

  const remove = async (id: string): Promise<boolean> => {
    const r = await http.request('DELETE', path(id), { accept: [404] });
    return r.status !== 404;
  };

  return { get, pages, where, create, modify, remove };
}
