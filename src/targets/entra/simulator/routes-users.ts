/** `/users` routes: CRUD, query, delta, manager, licences, sessions. */
import { createHash } from 'node:crypto';
import { compileSearch } from './search.js';
import { GraphError, MSG } from './errors.js';
import type { SimResponse } from './errors.js';
import { callerClaims, ctxUrl, DIRECTORY_ROLES, json, noContent, page, refId } from './common.js';
import type { RouteEnv, SimRequest } from './common.js';
import { authenticationRoute } from './routes-authentication.js';
import { compileFilter, isAdvanced, parseExpand, parseSelect, parseTop } from './query.js';
import type { Cursor } from './query.js';
import { DEFAULT_USER_SELECT, GROUP_PROPS, USER_PROPS } from './tenant.js';
import type { Json, JsonObject, SimGroup, SimUser, Tenant } from './tenant.js';

const USER_KEYS = Object.keys(USER_PROPS);
type Expand = { manager: boolean; select?: string[] };

/** Render a user with `$select` (default property set without it) and optional `$expand=manager`. */
export function renderUser(tenant: Tenant, u: SimUser, select?: readonly string[], expand?: Expand): JsonObject {
  const out: JsonObject = {};
  for (const k of select ?? DEFAULT_USER_SELECT) {
    if (k === 'passwordProfile') {
      // The password is write-only: it reads back as null, beside the flags (never a hash or the value).
      const pp = u.props.passwordProfile;
      out[k] = typeof pp === 'object' && pp !== null && !Array.isArray(pp) ? { password: null, ...pp } : null;
      continue;
    }
    const v = u.props[k];
    out[k] = v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json);
  }
  if (expand?.manager && u.managerId) {
    const m = tenant.users.get(u.managerId);
    if (m && !m.deleted) out.manager = { '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, m, expand.select ?? ['id', 'displayName', 'userPrincipalName']) };
  }
  return out;
}

/**
 * App-only password resets (user-update.md): `User.ReadWrite.All` or `User-PasswordProfile.ReadWrite.All`, and at
 * least the User Administrator directory role; otherwise 403 Authorization_RequestDenied.
 */
function mayResetPasswords(req: SimRequest): void {
  const { roles, wids } = callerClaims(req);
  const permission = ['User.ReadWrite.All', 'User-PasswordProfile.ReadWrite.All', 'Directory.ReadWrite.All'].some((r) => roles.includes(r));
  const role = Object.values(DIRECTORY_ROLES).some((w) => wids.includes(w));
  if (!permission || !role) throw new GraphError(403, 'Authorization_RequestDenied', MSG.forbidden);
}

/** Render a group with `$select`. */
export function renderGroup(g: SimGroup, select?: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of select ?? GROUP_PROPS) out[k] = g.props[k] ?? null;
  return out;
}

const usersContext = (env: RouteEnv, select?: readonly string[]): string => ctxUrl(env, select ? `users(${select.join(',')})` : 'users');

function countRefused(req: SimRequest): void {
  if ((req.query.get('$count') ?? '').toLowerCase() === 'true' && (req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
    throw new GraphError(400, 'Request_BadRequest', "$count is not currently supported without the ConsistencyLevel header set to 'eventual'.");
  }
}

function listUsers(env: RouteEnv, req: SimRequest): SimResponse {
  const skip = req.query.get('$skiptoken');
  if (skip !== null) {
    const { id, cursor, pos } = env.cursors.get<string>(skip);
    const meta = cursor.meta as { select?: string[]; expand?: Expand };
    return page(env, req, cursor, { id, pos }, (uid) => {
      const u = env.tenant.users.get(uid);
      return u && !u.deleted ? renderUser(env.tenant, u, meta.select, meta.expand) : undefined;
    }, usersContext(env, meta.select));
  }
  countRefused(req);
  const search = compileSearch(req.query.get('$search'), 'user', req.headers);
  const top = parseTop(req.query, 100);
  const select = parseSelect(req.query.get('$select'), 'user', USER_KEYS);
  const expand = parseExpand(req.query.get('$expand'));
  const filter = compileFilter(req.query.get('$filter'), 'user', isAdvanced(req.headers, req.query), USER_KEYS);
  let users = env.tenant.liveUsers();
  if (filter) users = users.filter((u) => filter((p) => getPath(u.props, p)));
  if (search) users = users.filter((u) => search((p) => getPath(u.props, p)));
  const orderby = req.query.get('$orderby');
  if (orderby) {
    const m = /^(displayName|userPrincipalName)( asc| desc)?$/i.exec(orderby.trim());
    if (!m) throw new GraphError(400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
    const key = (m[1] as string).toLowerCase() === 'displayname' ? 'displayName' : 'userPrincipalName';
    const dir = m[2]?.trim().toLowerCase() === 'desc' ? -1 : 1;
    users.sort((a, b) => dir * String(a.props[key]).localeCompare(String(b.props[key])));
  }
  const cursor: Cursor<string> = { items: users.map((u) => u.id), pageSize: top, meta: { select, expand } };
  const first: JsonObject = req.query.get('$count')?.toLowerCase() === 'true' ? { '@odata.count': users.length } : {};
  return page(env, req, cursor, { pos: 0 }, (uid) => {
    const u = env.tenant.users.get(uid);
    return u ? renderUser(env.tenant, u, select, expand) : undefined;
  }, usersContext(env, select), first);
}

/** Nested property lookup for filters (`onPremisesExtensionAttributes/extensionAttribute1`). */
export function getPath(props: JsonObject, path: string): unknown {
  let cur: unknown = props;
  for (const part of path.split('/')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const key = Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : (cur as Record<string, unknown>)[key];
  }
  return cur;
}

// ---------- delta ----------

interface DeltaItem { id: string; removed?: 'changed' | 'deleted' }
interface DeltaToken { s: number; sel?: string[] }

const encodeToken = (t: DeltaToken): string => Buffer.from(JSON.stringify(t)).toString('base64url');
function decodeToken(raw: string): DeltaToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof t === 'object' && t !== null && typeof (t as DeltaToken).s === 'number') return t as DeltaToken;
  } catch { /* fall through */ }
  throw new GraphError(400, 'Request_BadRequest', 'Badly formed token.');
}

function delta(env: RouteEnv, req: SimRequest): SimResponse {
  const { tenant } = env;
  const maxPage = /odata\.maxpagesize=(\d+)/i.exec(req.headers.prefer ?? '');
  const pageSize = maxPage ? Math.min(999, Math.max(1, Number(maxPage[1]))) : 100;
  const render = (sel: string[] | undefined) => (it: DeltaItem): JsonObject | undefined => {
    if (it.removed) return { '@odata.type': '#microsoft.graph.user', id: it.id, '@removed': { reason: it.removed } };
    const u = tenant.users.get(it.id);
    if (!u) return { '@odata.type': '#microsoft.graph.user', id: it.id, '@removed': { reason: 'deleted' } };
    if (u.deleted) return { '@odata.type': '#microsoft.graph.user', id: it.id, '@removed': { reason: 'changed' } };
    // Delta always carries the id, whatever $select says.
    return { ...renderUser(tenant, u, sel), id: u.id };
  };
  const finish = (seq: number, sel: string[] | undefined) => (): JsonObject => ({
    '@odata.deltaLink': `${env.base}/users/delta?$deltatoken=${encodeToken(sel ? { s: seq, sel } : { s: seq })}`,
  });
  const skip = req.query.get('$skiptoken');
  if (skip !== null) {
    const { id, cursor, pos } = env.cursors.get<DeltaItem>(skip);
    const meta = cursor.meta as { seq: number; select?: string[] };
    return page(env, req, cursor, { id, pos }, render(meta.select), usersContext(env, meta.select), {}, finish(meta.seq, meta.select));
  }
  tenant.purgeExpired();
  const seq = tenant.seq;
  const dt = req.query.get('$deltatoken');
  let items: DeltaItem[];
  let select: string[] | undefined;
  if (dt !== null) {
    const token = decodeToken(dt);
    select = token.sel;
    const changed = [...tenant.users.values()].filter((u) => u.seq > token.s).sort((a, b) => a.seq - b.seq);
    items = changed.map((u) => (u.deleted ? { id: u.id, removed: 'changed' as const } : { id: u.id }));
    for (const [id, s] of tenant.tombstones) if (s > token.s) items.push({ id, removed: 'deleted' });
  } else {
    select = parseSelect(req.query.get('$select'), 'user', USER_KEYS);
    const filterText = req.query.get('$filter');
    let ids: Set<string> | undefined;
    if (filterText) {
      const found = [...filterText.matchAll(/id\s+eq\s+'([^']*)'/gi)].map((m) => m[1] as string);
      const rest = filterText.replace(/id\s+eq\s+'[^']*'/gi, '').replace(/\bor\b/gi, '').trim();
      if (found.length === 0 || rest !== '' || found.length > 50) throw new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
      ids = new Set(found);
    }
    items = tenant.liveUsers().filter((u) => !ids || ids.has(u.id)).map((u) => ({ id: u.id }));
  }
  const cursor: Cursor<DeltaItem> = { items, pageSize, meta: select ? { seq, select } : { seq } };
  return page(env, req, cursor, { pos: 0 }, render(select), usersContext(env, select), {}, finish(seq, select));
}

// ---------- licences ----------

function licenseDetails(env: RouteEnv, u: SimUser): SimResponse {
  const assigned = (u.props.assignedLicenses as JsonObject[] | null) ?? [];
  const value = assigned.map((l) => {
    const sku = env.tenant.skus.find((s) => s.skuId === l.skuId);
    const disabled = (l.disabledPlans as string[] | null) ?? [];
    return {
      id: createHash('sha1').update(`${u.id}:${String(l.skuId)}`).digest('base64url'),
      skuId: l.skuId ?? null,
      skuPartNumber: sku?.skuPartNumber ?? null,
      servicePlans: (sku?.servicePlans ?? []).map((p) => ({
        servicePlanId: p.servicePlanId, servicePlanName: p.servicePlanName,
        provisioningStatus: disabled.includes(p.servicePlanId) ? 'Disabled' : 'Success', appliesTo: 'User',
      })),
    } as JsonObject;
  });
  return json({ '@odata.context': ctxUrl(env, `users('${u.id}')/licenseDetails`), value });
}

// ---------- router ----------

/** Handle `/users…`; undefined when the path is not a users route. */
export function usersRoute(env: RouteEnv, req: SimRequest): SimResponse | undefined {
  const { tenant } = env;
  const [, key, sub, sub2, ...more] = req.segments;
  const m = req.method;
  if (key === undefined) {
    if (m === 'GET') return listUsers(env, req);
    if (m === 'POST') {
      const u = tenant.createUser(req.body);
      return json({ '@odata.context': ctxUrl(env, 'users/$entity'), ...renderUser(tenant, u) }, 201, { location: `${env.base}/users/${u.id}` });
    }
    return undefined;
  }
  if (sub === 'authentication') return authenticationRoute(env, req);
  if (key === '$count' && sub === undefined && m === 'GET') {
    if ((req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') throw new GraphError(400, 'Request_BadRequest', "$count is not currently supported without the ConsistencyLevel header set to 'eventual'.");
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(tenant.liveUsers().length) };
  }
  if (key === 'delta' && sub === undefined && m === 'GET') return delta(env, req);
  if (more.length > 0) return undefined;
  if (sub === undefined) {
    if (m === 'GET') {
      const select = parseSelect(req.query.get('$select'), 'user', USER_KEYS);
      const u = tenant.user(key);
      return json({ '@odata.context': ctxUrl(env, select ? `users(${select.join(',')})/$entity` : 'users/$entity'), ...renderUser(tenant, u, select, parseExpand(req.query.get('$expand'))) });
    }
    if (m === 'PATCH') {
      if (typeof req.body === 'object' && req.body !== null && 'passwordProfile' in req.body) mayResetPasswords(req);
      tenant.updateUser(key, req.body);
      return noContent();
    }
    if (m === 'DELETE') { tenant.deleteUser(key); return noContent(); }
    return undefined;
  }
  if (sub === 'manager') {
    const u = tenant.user(key);
    if (sub2 === undefined && m === 'GET') {
      const mgr = u.managerId ? tenant.users.get(u.managerId) : undefined;
      if (!mgr || mgr.deleted) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound('manager'));
      const select = parseSelect(req.query.get('$select'), 'user', USER_KEYS);
      return json({ '@odata.context': ctxUrl(env, 'directoryObjects/$entity'), '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, mgr, select) });
    }
    if (sub2 === '$ref') {
      if (m === 'PUT') {
        const id = refId(req.body);
        if (!id) throw new GraphError(400, 'Request_BadRequest', 'Invalid object identifier \'undefined\'.');
        tenant.setManager(u.id, id);
        return noContent();
      }
      if (m === 'DELETE') { tenant.removeManager(u.id); return noContent(); }
      if (m === 'GET') {
        if (!u.managerId) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound('manager'));
        return json({ '@odata.context': ctxUrl(env, 'directoryObjects/$entity'), '@odata.id': `${env.base}/directoryObjects/${u.managerId}/Microsoft.DirectoryServices.User` });
      }
    }
    return undefined;
  }
  if (sub2 !== undefined) return undefined;
  if ((sub === 'getMemberGroups' || sub === 'checkMemberGroups') && m === 'POST') {
    const u = tenant.user(key);
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const all = tenant.transitiveMemberOf(u.id);
    if (sub === 'getMemberGroups') {
      if (typeof b['securityEnabledOnly'] !== 'boolean') throw new GraphError(400, 'Request_BadRequest', "Invalid request: the parameter 'securityEnabledOnly' is required.");
      const value = all.filter((g) => !b['securityEnabledOnly'] || g.props['securityEnabled'] === true).map((g) => g.id);
      return json({ '@odata.context': `${env.base}/$metadata#Collection(Edm.String)`, value });
    }
    const ids = b['groupIds'];
    if (!Array.isArray(ids) || ids.length > 20) throw new GraphError(400, 'Request_BadRequest', "Invalid request: 'groupIds' must be a list of at most 20 group ids.");
    const mine = new Set(all.map((g) => g.id));
    return json({ '@odata.context': `${env.base}/$metadata#Collection(Edm.String)`, value: ids.map(String).filter((id) => mine.has(id)) });
  }
  if ((sub === 'memberOf' || sub === 'transitiveMemberOf') && m === 'GET') {
    const u = tenant.user(key);
    const skip = req.query.get('$skiptoken');
    const select = parseSelect(req.query.get('$select'), 'group', GROUP_PROPS);
    const render = (sel: string[] | undefined) => (gid: string): JsonObject | undefined => {
      const g = tenant.groups.get(gid);
      return g ? { '@odata.type': '#microsoft.graph.group', ...renderGroup(g, sel) } : undefined;
    };
    if (skip !== null) {
      const { id, cursor, pos } = env.cursors.get<string>(skip);
      return page(env, req, cursor, { id, pos }, render(cursor.meta.select as string[] | undefined), ctxUrl(env, 'directoryObjects'));
    }
    const groups = sub === 'memberOf' ? tenant.memberOf(u.id) : tenant.transitiveMemberOf(u.id);
    const cursor: Cursor<string> = { items: groups.map((g) => g.id), pageSize: parseTop(req.query, 100), meta: { select } };
    return page(env, req, cursor, { pos: 0 }, render(select), ctxUrl(env, 'directoryObjects'));
  }
  if (sub === 'directReports' && m === 'GET') {
    const u = tenant.user(key);
    const value = tenant.liveUsers().filter((x) => x.managerId === u.id).map((x) => ({ '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, x) }));
    return json({ '@odata.context': ctxUrl(env, 'directoryObjects'), value });
  }
  if (sub === 'assignLicense' && m === 'POST') {
    const u = tenant.assignLicense(key, req.body);
    return json({ '@odata.context': ctxUrl(env, 'users/$entity'), ...renderUser(tenant, u) });
  }
  if (sub === 'licenseDetails' && m === 'GET') return licenseDetails(env, tenant.user(key));
  if (sub === 'revokeSignInSessions' && m === 'POST') {
    tenant.revokeSessions(key);
    return json({ '@odata.context': ctxUrl(env, 'Edm.Boolean'), value: true });
  }
  return undefined;
}
