/**
 * Per-connector Graph plumbing shared by the Entra connector's read and write sides: the HTTP client
 * with batching, status checks, paging, user search and the soft-deleted-users index.
 */
import { readFileSync } from 'node:fs';
import { correlationCodec, type CorrelationCodec } from '../../core/correlation.js';
import type { TargetConfig } from '../../config/schema.js';
import { TokenProvider } from './auth.js';
import { Batcher, makeCaller } from './batch.js';
import type { GraphCall } from './batch.js';
import { createResolver } from './entitlements.js';
import type { EntitlementResolver } from './entitlements.js';
import { EntraError, mapGraphError } from './errors.js';
import type { GraphResponse } from './errors.js';
import type { EntraTargetOptions } from './guard.js';
import { GraphHttp } from './http.js';
import { MANAGER_EXPAND, USER_SELECT } from './mapping.js';
import { odataString } from './odata.js';

/** A Graph user as returned by the API (only `id` is certain). */
export type GraphUser = Record<string, unknown> & { id: string };

/** A soft-deleted user in deleted items. */
export interface DeletedUser { id: string; deletedDateTime: string }

/** Attributes `find`/`isFree` may filter on with a plain `eq` (no advanced query needed). */
export const FILTERABLE = new Set(['employeeId', 'userPrincipalName', 'mail', 'mailNickname', 'displayName', 'id']);
const DELETED_CACHE_MS = 60_000;

/** What every part of one connector instance shares. */
export interface EntraSession {
  /** The target's name (for messages). */
  readonly name: string;
  readonly opts: EntraTargetOptions;
  readonly http: GraphHttp;
  /** The app token cache (`cadre validate --live` reads the token's roles). */
  readonly tokens: TokenProvider;
  readonly batcher: Batcher | undefined;
  /** Sends one request, batched when batching is on. */
  readonly call: GraphCall;
  readonly resolver: EntitlementResolver;
  /** The target's correlation template: the `employeeId` a person's account carries, and whose a value is. */
  readonly codec: CorrelationCodec;
  /** The response when its status is one of `ok`; otherwise throws the mapped coded error. */
  expect(res: GraphResponse, ok: readonly number[], what: string): GraphResponse;
  /** The `value` array of a collection response. */
  valueOf(res: GraphResponse): GraphUser[];
  /** Follow nextLinks of a collection. */
  pages(first: string, what: string): AsyncGenerator<GraphUser[]>;
  /** Live users whose `attribute` equals `value` (attribute must be in {@link FILTERABLE}). */
  findUsers(attribute: string, value: string): Promise<GraphUser[]>;
  /** employeeId → soft-deleted users; cached briefly so bulk joiners cost one listing, not one each. */
  deletedByEmployeeId(fresh?: boolean): Promise<Map<string, DeletedUser[]>>;
  /** Drop the deleted-users cache (after a delete or restore). */
  forgetDeleted(): void;
}

/** The PEM text of `options.caFile`, if set. */
function readCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new EntraError('ENTRA_INVALID', `cannot read options.caFile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Build the shared plumbing for one connector instance. */
export function createSession(name: string, opts: EntraTargetOptions, target: TargetConfig): EntraSession {
  const ca = readCa(opts.caFile);
  const tokens = new TokenProvider({ authorityUrl: opts.authorityUrl, tenantId: opts.tenantId, clientId: opts.clientId, clientSecret: opts.clientSecret, timeoutMs: opts.timeoutMs, ...(ca ? { ca } : {}) });
  const http = new GraphHttp({ graphUrl: opts.graphUrl, concurrency: opts.concurrency, maxRetries: opts.maxRetries, maxThrottleRetries: opts.maxThrottleRetries, timeoutMs: opts.timeoutMs, ...(ca ? { ca } : {}) }, tokens);
  const batcher = opts.batchSize > 1 ? new Batcher(http, { batchSize: opts.batchSize, lingerMs: 4, concurrency: opts.concurrency, maxRetries: opts.maxRetries, maxThrottleRetries: opts.maxThrottleRetries }) : undefined;
  const call: GraphCall = makeCaller(http, batcher);
  const resolver = createResolver(opts, target.managedEntitlements, call);
  let deletedIndex: { at: number; map: Promise<Map<string, DeletedUser[]>> } | undefined;

  const expect = (res: GraphResponse, ok: readonly number[], what: string): GraphResponse => {
    if (!ok.includes(res.status)) throw mapGraphError(res, what);
    return res;
  };
  const valueOf = (res: GraphResponse): GraphUser[] => ((res.body as { value?: GraphUser[] } | undefined)?.value ?? []);

  async function* pages(first: string, what: string): AsyncGenerator<GraphUser[]> {
    let url: string | undefined = first;
    while (url) {
      const res = expect(await call('GET', url), [200], what);
      yield valueOf(res);
      url = (res.body as { '@odata.nextLink'?: string })['@odata.nextLink'];
    }
  }

  async function findUsers(attribute: string, value: string): Promise<GraphUser[]> {
    if (!FILTERABLE.has(attribute)) throw new EntraError('ENTRA_INVALID', `find: attribute '${attribute}' cannot be searched (use one of ${[...FILTERABLE].join(', ')})`);
    const out: GraphUser[] = [];
    const filter = encodeURIComponent(`${attribute} eq ${odataString(value)}`);
    for await (const page of pages(`/users?$filter=${filter}&$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}`, `find ${attribute}=${value}`)) out.push(...page);
    return out;
  }

  function deletedByEmployeeId(fresh = false): Promise<Map<string, DeletedUser[]>> {
    if (!fresh && deletedIndex && Date.now() - deletedIndex.at < DELETED_CACHE_MS) return deletedIndex.map;
    const map = (async () => {
      const m = new Map<string, DeletedUser[]>();
      for await (const page of pages('/directory/deletedItems/microsoft.graph.user?$select=id,employeeId,deletedDateTime&$top=999', 'reading deleted users')) {
        for (const u of page) {
          if (typeof u.employeeId !== 'string' || !u.employeeId) continue;
          const list = m.get(u.employeeId) ?? [];
          list.push({ id: u.id, deletedDateTime: String(u.deletedDateTime ?? '') });
          m.set(u.employeeId, list);
        }
      }
      return m;
    })();
    deletedIndex = { at: Date.now(), map };
    map.catch(() => { deletedIndex = undefined; });
    return map;
  }

  return {
    name, opts, http, tokens, batcher, call, resolver, codec: correlationCodec(target.correlation?.value), expect, valueOf, pages, findUsers, deletedByEmployeeId,
    forgetDeleted: () => { deletedIndex = undefined; },
  };
}
