/**
 * OData query options for the simulator: `$select`, `$filter` (with Graph's default vs advanced
 * query capabilities), `$top`, `$skip` (rejected), `$count`, `$expand=manager` and server-side
 * paging cursors behind `$skiptoken`.
 */
import { randomBytes } from 'node:crypto';
import { GraphError, MSG } from './errors.js';
import { evaluate, filterClauses, FilterSyntaxError, parseFilter } from './odata.js';
import type { FilterNode } from './odata.js';

/** Resource whose query rules apply. */
export type ResourceKind = 'user' | 'group';

const USER_EQ = new Set(['id', 'userprincipalname', 'mail', 'mailnickname', 'employeeid', 'displayname', 'givenname', 'surname', 'accountenabled',
  'department', 'jobtitle', 'usagelocation', 'employeetype', 'companyname', 'officelocation', 'city', 'country', 'usertype']);
const USER_STARTS = new Set(['userprincipalname', 'mail', 'mailnickname', 'displayname', 'givenname', 'surname', 'employeeid', 'department', 'jobtitle']);
const USER_ANY = new Set(['proxyaddresses', 'othermails']);
const GROUP_EQ = new Set(['id', 'displayname', 'mailnickname', 'securityenabled', 'mailenabled', 'mail']);
const GROUP_STARTS = new Set(['displayname', 'mailnickname', 'mail']);

/** Whether the request asks for an advanced query (ConsistencyLevel: eventual + $count=true). */
export function isAdvanced(headers: Record<string, string>, query: URLSearchParams): boolean {
  return (headers.consistencylevel ?? '').toLowerCase() === 'eventual' && (query.get('$count') ?? '').toLowerCase() === 'true';
}

const unsupported = (prop: string, kind: ResourceKind): GraphError =>
  new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${kind === 'user' ? 'User' : 'Group'}'.`);

/** Parse and capability-check a `$filter`; returns a predicate over a property getter. */
export function compileFilter(text: string | null, kind: ResourceKind, advanced: boolean, known: readonly string[]): ((get: (p: string) => unknown) => boolean) | undefined {
  if (text === null || text.trim() === '') return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(text);
  } catch (err) {
    throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${err instanceof FilterSyntaxError ? err.message : 'syntax error'}`);
  }
  const knownLc = new Set(known.map((k) => k.toLowerCase()));
  for (const { prop, clause } of filterClauses(node)) {
    if (clause === 'not') {
      if (!advanced) throw new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
      continue;
    }
    const p = prop.toLowerCase();
    const ext = /^onpremisesextensionattributes\/extensionattribute([1-9]|1[0-5])$/.test(p);
    if (!knownLc.has(p) && !ext) {
      throw new GraphError(400, 'BadRequest', `Could not find a property named '${prop}' on type 'microsoft.graph.${kind}'.`);
    }
    const eqSet = kind === 'user' ? USER_EQ : GROUP_EQ;
    const startSet = kind === 'user' ? USER_STARTS : GROUP_STARTS;
    const ok = clause === 'eq' ? eqSet.has(p) || (ext && advanced)
      : clause === 'startswith' ? startSet.has(p)
        : clause === 'any' ? kind === 'user' && USER_ANY.has(p)
          : advanced && (eqSet.has(p) || startSet.has(p) || ext); // ne, endswith, eq null: advanced only
    if (!ok) throw unsupported(prop, kind);
  }
  return (get) => evaluate(node, get);
}

/** Parse `$select` against the known properties; undefined when absent. */
export function parseSelect(text: string | null, kind: ResourceKind, known: readonly string[]): string[] | undefined {
  if (text === null || text.trim() === '') return undefined;
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match) throw new GraphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${kind}'.`);
    if (!out.includes(match)) out.push(match);
  }
  return out;
}

/** Parse `$top` (1–999); `$skip` is refused like Graph does for directory objects. */
export function parseTop(query: URLSearchParams, fallback: number): number {
  if (query.has('$skip')) throw new GraphError(400, 'Request_BadRequest', MSG.skip);
  const top = query.get('$top');
  if (top === null) return fallback;
  const n = Number(top);
  if (!/^\d+$/.test(top) || n < 1 || n > 999) throw new GraphError(400, 'Request_BadRequest', MSG.pageSize(top));
  return n;
}

/** `$expand=manager` or `$expand=manager($select=a,b)`. */
export function parseExpand(text: string | null): { manager: boolean; select?: string[] } {
  if (text === null || text.trim() === '') return { manager: false };
  const m = /^manager(?:\(\$select=([A-Za-z0-9,]+)\))?$/i.exec(text.trim());
  if (!m) throw new GraphError(400, 'BadRequest', `Parsing OData Select and Expand failed: Could not find a property named '${text.split('(')[0]}' on type 'microsoft.graph.user'.`);
  return m[1] ? { manager: true, select: m[1].split(',') } : { manager: true };
}

/** A server-side paging cursor: the complete result list, frozen when the first page was served. */
export interface Cursor<T> {
  readonly items: readonly T[];
  readonly pageSize: number;
  /** Extra data the route needs to render pages (select list, delta sequence…). */
  readonly meta: Record<string, unknown>;
}

/**
 * Stores cursors behind opaque `$skiptoken`s (`<cursor id>~<offset>`), so a nextLink can be replayed.
 * Bounded so abandoned cursors cannot grow without limit.
 */
export class CursorStore {
  private readonly cursors = new Map<string, Cursor<unknown>>();
  constructor(private readonly max = 10_000) {}

  /** Register a cursor and return its id. */
  put<T>(c: Cursor<T>): string {
    const id = randomBytes(12).toString('base64url');
    this.cursors.set(id, c as Cursor<unknown>);
    if (this.cursors.size > this.max) {
      const oldest = this.cursors.keys().next().value;
      if (oldest !== undefined) this.cursors.delete(oldest);
    }
    return id;
  }

  /** Resolve a skiptoken; Graph answers an unknown/expired one with 400. */
  get<T>(token: string): { id: string; cursor: Cursor<T>; pos: number } {
    const [id = '', pos = ''] = token.split('~');
    const c = this.cursors.get(id);
    if (!c || !/^\d+$/.test(pos)) throw new GraphError(400, 'Request_BadRequest', 'The specified page token value has expired and can no longer be included in your request.');
    return { id, cursor: c as Cursor<T>, pos: Number(pos) };
  }
}
