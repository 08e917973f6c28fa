/**
 * A real SCIM 2.0 server for the SCIM connector's tests, run as its own process:
 * `node --import tsx test/support/scim-server-main.ts [--token T] [--basic user:pass] [--no-patch] [--etag] [--no-filter] [--max-page N]`.
 * Listens on 127.0.0.1:0 and prints `SCIM_URL=<base url>` on stdout.
 *
 * The protocol logic (routing, schemas, PatchOp, ListResponse paging, filter parsing and matching, error
 * messages) is scimmy's + scimmy-routers'; this file only holds the in-memory store and the switches.
 * Where scimmy deviates from RFC 7644 the store adapts, never the connector:
 * - scimmy compares `eq` strings case-sensitively; RFC 7643 §2.4 says case-insensitively for attributes with
 *   `caseExact: false` (userName, emails.value, externalId is caseExact): the store lower-cases both sides of
 *   a filter on such attributes before handing them to scimmy's matcher.
 * - scimmy's filter tokeniser ends a string literal at the first `"`, even an escaped one (`"Jo\"nes"` is a
 *   400 invalidFilter), and keeps backslash escapes; RFC 7644 §3.4.2.2 literals are JSON strings: the query
 *   parser swaps each literal for a placeholder and the matcher gets the JSON-decoded value back.
 * - scimmy's PATCH `add` to `members` appends a member that is already there (RFC 7644 §3.5.2.1 says no
 *   change): left as is, the connector checks membership before it adds.
 * - scimmy implements no ETags: with `--etag` the store keeps `meta.version`, sends `ETag` and answers a
 *   stale `If-Match` with 412.
 * - scimmy's filter matcher throws on a complex attribute a resource lacks (400 invalidValue "Cannot convert
 *   undefined or null to object"): the store matches one record at a time, and a throw is no match.
 * - `uniqueness` of userName is the store's job in scimmy (ingress): a duplicate is 409 `uniqueness`.
 * Test-only `/_admin/*` endpoints read and seed the store without going through SCIM.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

type Json = Record<string, unknown>;

interface Args { token?: string; basic?: string; patch: boolean; etag: boolean; filter: boolean; maxPage?: number }

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { patch: true, etag: false, filter: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--token') args.token = argv[++i];
    else if (a === '--basic') args.basic = argv[++i];
    else if (a === '--no-patch') args.patch = false;
    else if (a === '--etag') args.etag = true;
    else if (a === '--no-filter') args.filter = false;
    else if (a === '--max-page') args.maxPage = Number(argv[++i]);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface Stored { id: string; version: number; created: string; modified: string; data: Json }
const users = new Map<string, Stored>();
const groups = new Map<string, Stored>();

/** Attributes compared case-insensitively (caseExact false in RFC 7643 §4.1, §4.2). */
const CASE_INSENSITIVE = new Set(['username', 'displayname', 'value', 'emails', 'type']);

const lower = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/** A record copy with case-insensitive attributes lower-cased (recursively, for emails.value). */
function foldCase(o: unknown, key = ''): unknown {
  if (Array.isArray(o)) return o.map((x) => foldCase(x, key));
  if (o !== null && typeof o === 'object') {
    return Object.fromEntries(Object.entries(o as Json).map(([k, v]) => [k, foldCase(v, k.toLowerCase())]));
  }
  return CASE_INSENSITIVE.has(key) ? lower(o) : o;
}

/** scimmy's parsed filter with values JSON-decoded and case-folded, as a plain expression object. */
function adaptExpression(e: unknown, key = ''): unknown {
  if (Array.isArray(e)) {
    if (e.length > 0 && e.every((x) => !Array.isArray(x) && typeof x !== 'object')) {
      // [negate?, comparator, expected]
      return e.map((x, i) => (i === e.length - 1 && typeof x === 'string' && e.length >= 2 && typeof e[e.length - 2] === 'string' ? adaptValue(x, key) : x));
    }
    return e.map((x) => adaptExpression(x, key));
  }
  if (e !== null && typeof e === 'object') {
    return Object.fromEntries(Object.entries(e as Json).map(([k, v]) => [k, adaptExpression(v, k.toLowerCase())]));
  }
  return e;
}

/** Filter string literals, JSON-decoded, by the placeholder that replaced them before scimmy's tokeniser saw them. */
const literals = new Map<string, string>();
let literalSeq = 0;

/**
 * scimmy's tokeniser ends a string at the first `"` even after a backslash: each RFC 7644 string literal
 * (JSON string syntax) is swapped for a plain placeholder, and its decoded value restored when matching.
 */
function protectLiterals(filter: string): string {
  return filter.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => {
    const key = `cadrelit${++literalSeq}x`;
    let v: string;
    try {
      v = JSON.parse(lit) as string;
    } catch {
      v = lit.slice(1, -1);
    }
    literals.set(key, v);
    if (literals.size > 10_000) literals.delete(literals.keys().next().value as string);
    return `"${key}"`;
  });
}

function adaptValue(raw: string, key: string): string {
  const v = literals.get(raw) ?? raw;
  return CASE_INSENSITIVE.has(key) ? v.toLowerCase() : v;
}

function filtered(all: readonly Out[], filter: unknown): Out[] {
  if (!filter) return [...all];
  const plain = JSON.parse(JSON.stringify([...(filter as unknown[])])) as unknown[];
  const adapted = new SCIMMY.Types.Filter(adaptExpression(plain) as Json[]);
  // One record at a time: scimmy's matcher throws on a complex attribute the record lacks (`members.value`
  // on a group without members); an absent attribute simply does not match.
  return all.filter((r) => {
    try {
      return adapted.match([foldCase(r) as Json]).length > 0;
    } catch {
      return false;
    }
  });
}

/** What scimmy's handlers must return; the store's records carry the required attributes. */
type Out = Json & { id: string; userName: string; displayName: string };

function out(s: Stored, resourceType: 'User' | 'Group'): Out {
  const meta: Json = { resourceType, created: s.created, lastModified: s.modified };
  if (args.etag) meta.version = `W/"${s.version}"`;
  const extra: Json = {};
  if (resourceType === 'User') {
    const held = [...groups.values()].filter((g) => ((g.data.members as Json[] | undefined) ?? []).some((m) => m.value === s.id));
    if (held.length > 0) extra.groups = held.map((g) => ({ value: g.id, display: g.data.displayName, type: 'direct' }));
  }
  return { ...s.data, ...extra, id: s.id, meta } as unknown as Out;
}

function scimError(status: number, scimType: string | undefined, detail: string): Error {
  // scimmy types scimType as string, but takes null for "no scimType" (RFC 7644: it is optional).
  return new SCIMMY.Types.Error(status, scimType ?? (null as unknown as string), detail) as Error;
}

/** Ingress: the validated instance as a plain object (scimmy's schema instances serialise to JSON). */
function plain(instance: unknown): Json {
  const o = JSON.parse(JSON.stringify(instance)) as Json;
  delete o.id;
  delete o.meta;
  delete o.schemas;
  delete o.groups;
  return o;
}

function write(store: Map<string, Stored>, id: string | undefined, data: Json, unique: (d: Json, id: string | undefined) => void): Stored {
  unique(data, id);
  const now = new Date().toISOString();
  if (id !== undefined) {
    const cur = store.get(id);
    if (!cur) throw scimError(404, undefined, `Resource ${id} not found`);
    const next = { ...cur, version: cur.version + 1, modified: now, data };
    store.set(id, next);
    return next;
  }
  const s: Stored = { id: randomUUID(), version: 1, created: now, modified: now, data };
  store.set(s.id, s);
  return s;
}

const userUnique = (d: Json, id: string | undefined): void => {
  const name = String(d.userName ?? '').toLowerCase();
  for (const u of users.values()) {
    if (u.id !== id && String(u.data.userName ?? '').toLowerCase() === name) throw scimError(409, 'uniqueness', `userName ${String(d.userName)} is already in use`);
  }
};
const groupUnique = (d: Json, id: string | undefined): void => {
  const name = String(d.displayName ?? '').toLowerCase();
  for (const g of groups.values()) {
    if (g.id !== id && String(g.data.displayName ?? '').toLowerCase() === name) throw scimError(409, 'uniqueness', `displayName ${String(d.displayName)} is already in use`);
  }
};

interface ResourceLike { id?: string; filter?: unknown }

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
  .ingress((resource: ResourceLike, instance: unknown) => out(write(users, resource.id, plain(instance), userUnique), 'User'))
  .egress((resource: ResourceLike) => {
    if (resource.id !== undefined) {
      const s = users.get(resource.id);
      if (!s) throw scimError(404, undefined, `Resource ${resource.id} not found`);
      return out(s, 'User');
    }
    return filtered([...users.values()].map((s) => out(s, 'User')), resource.filter);
  })
  .degress((resource: ResourceLike) => {
    if (resource.id === undefined || !users.delete(resource.id)) throw scimError(404, undefined, `Resource ${String(resource.id)} not found`);
    for (const g of groups.values()) {
      const members = (g.data.members as Json[] | undefined) ?? [];
      if (members.some((m) => m.value === resource.id)) g.data = { ...g.data, members: members.filter((m) => m.value !== resource.id) };
    }
  });

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource: ResourceLike, instance: unknown) => out(write(groups, resource.id, plain(instance), groupUnique), 'Group'))
  .egress((resource: ResourceLike) => {
    if (resource.id !== undefined) {
      const s = groups.get(resource.id);
      if (!s) throw scimError(404, undefined, `Resource ${resource.id} not found`);
      return out(s, 'Group');
    }
    return filtered([...groups.values()].map((s) => out(s, 'Group')), resource.filter);
  })
  .degress((resource: ResourceLike) => {
    if (resource.id === undefined || !groups.delete(resource.id)) throw scimError(404, undefined, `Resource ${String(resource.id)} not found`);
  });

const app = express();
// Numbers for the paging parameters, and the page size capped: a server may return fewer than asked (RFC 7644 §3.4.2.4).
app.set('query parser', (qs: string): Json => {
  const q: Json = Object.fromEntries(new URLSearchParams(qs));
  for (const k of ['startIndex', 'count']) if (typeof q[k] === 'string' && q[k] !== '' && !Number.isNaN(Number(q[k]))) q[k] = Number(q[k]);
  if (typeof q.filter === 'string') q.filter = protectLiterals(q.filter);
  if (args.maxPage !== undefined && typeof q.count === 'number' && q.count > args.maxPage) q.count = args.maxPage;
  return q;
});

const sendError = (res: Response, status: number, scimType: string | undefined, detail: string): void => {
  res.status(status).type('application/scim+json').send(JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail,
  }));
};

// Test-only store access (not SCIM): inspect and seed.
app.use('/_admin', express.json());
app.get('/_admin/users/:id', (req: Request, res: Response) => {
  const s = users.get(String(req.params.id));
  if (!s) return void res.status(404).json({});
  res.json(out(s, 'User'));
});
app.get('/_admin/groups', (_req: Request, res: Response) => {
  res.json([...groups.values()].map((g) => out(g, 'Group')));
});
app.post('/_admin/users', (req: Request, res: Response) => {
  const s = write(users, undefined, req.body as Json, () => undefined);
  res.json(out(s, 'User'));
});
app.post('/_admin/groups', (req: Request, res: Response) => {
  const s = write(groups, undefined, { members: [], ...(req.body as Json) }, () => undefined);
  res.json(out(s, 'Group'));
});
/** Bump a user's version behind the client's back (an edit elsewhere), for If-Match tests. */
app.post('/_admin/users/:id/touch', (req: Request, res: Response) => {
  const s = users.get(String(req.params.id));
  if (!s) return void res.status(404).json({});
  s.version++;
  res.json(out(s, 'User'));
});

/** The next N SCIM requests are answered with this status (429 or 503) and `Retry-After: 0`. */
let faults: { left: number; status: number } = { left: 0, status: 429 };
app.post('/_admin/faults', (req: Request, res: Response) => {
  const b = req.body as { count?: number; status?: number };
  faults = { left: Number(b.count ?? 0), status: Number(b.status ?? 429) };
  res.json(faults);
});
app.use('/scim', (_req: Request, res: Response, next: NextFunction) => {
  if (faults.left <= 0) return next();
  faults.left--;
  res.setHeader('Retry-After', '0');
  sendError(res, faults.status, undefined, faults.status === 429 ? 'Too many requests' : 'Service unavailable');
});

if (!args.patch) {
  app.patch('/scim/*rest', (_req: Request, res: Response) => sendError(res, 501, undefined, 'PATCH is not supported by this service provider'));
}

if (args.etag) {
  app.use('/scim', (req: Request, res: Response, next: NextFunction) => {
    const m = /^\/(Users|Groups)\/([^/?]+)/.exec(req.path);
    const ifMatch = req.header('if-match');
    if (m && ifMatch && ['PUT', 'PATCH', 'DELETE'].includes(req.method)) {
      const s = (m[1] === 'Users' ? users : groups).get(decodeURIComponent(m[2] ?? ''));
      if (s && ifMatch !== '*' && !ifMatch.split(',').map((t) => t.trim()).includes(`W/"${s.version}"`)) {
        return sendError(res, 412, undefined, `version mismatch: current is W/"${s.version}"`);
      }
    }
    // ETag header mirrors meta.version of single-resource responses.
    const json = res.json.bind(res);
    res.json = (body: unknown): Response => {
      const version = (body as { meta?: { version?: unknown } } | null)?.meta?.version;
      if (typeof version === 'string') res.setHeader('ETag', version);
      return json(body);
    };
    next();
  });
}

app.use('/scim', new SCIMMYRouters({
  type: args.basic !== undefined ? 'basic' : 'bearer',
  handler: (req: Request) => {
    const auth = req.header('authorization') ?? '';
    const expected = args.basic !== undefined ? `Basic ${Buffer.from(args.basic).toString('base64')}` : `Bearer ${args.token ?? ''}`;
    if (auth !== expected) throw new Error('Authorization failure');
    return 'cadre';
  },
  context: () => ({}),
}));
// scimmy-routers switches every feature on when constructed; the switches are applied after.
SCIMMY.Config.set({ patch: args.patch, etag: args.etag, filter: args.filter ? 200 : false });

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`SCIM_URL=http://127.0.0.1:${port}/scim\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
