/** `/groups`, `/directory/deletedItems`, `/subscribedSkus`, `/domains` and `/organization` routes. */
import { GraphError } from './errors.js';
import type { SimResponse } from './errors.js';
import { ctxUrl, json, noContent, page, refId } from './common.js';
import type { RouteEnv, SimRequest } from './common.js';
import { compileSearch } from './search.js';
import { compileFilter, isAdvanced, parseSelect, parseTop } from './query.js';
import type { Cursor } from './query.js';
import { renderGroup, renderUser, getPath } from './routes-users.js';
import { GROUP_PROPS, USER_PROPS } from './tenant.js';
import type { JsonObject } from './tenant.js';

const USER_KEYS = Object.keys(USER_PROPS);

/** Serve a list either from a `$skiptoken` or freshly built. */
function listing(env: RouteEnv, req: SimRequest, context: string, build: () => Cursor<string>, render: (id: string, meta: Record<string, unknown>) => JsonObject | undefined): SimResponse {
  const skip = req.query.get('$skiptoken');
  if (skip !== null) {
    const { id, cursor, pos } = env.cursors.get<string>(skip);
    return page(env, req, cursor, { id, pos }, (x) => render(x, cursor.meta), context);
  }
  const cursor = build();
  return page(env, req, cursor, { pos: 0 }, (x) => render(x, cursor.meta), context);
}

function groupsRoute(env: RouteEnv, req: SimRequest): SimResponse | undefined {
  const { tenant } = env;
  const [, gid, sub, mid, ref, ...more] = req.segments;
  const m = req.method;
  if (more.length > 0) return undefined;
  if (gid === undefined) {
    if (m === 'POST') {
      const g = tenant.createGroup(req.body);
      return json({ '@odata.context': ctxUrl(env, 'groups/$entity'), ...renderGroup(g) }, 201);
    }
    if (m !== 'GET') return undefined;
    return listing(env, req, ctxUrl(env, 'groups'), () => {
      const select = parseSelect(req.query.get('$select'), 'group', GROUP_PROPS);
      const filter = compileFilter(req.query.get('$filter'), 'group', isAdvanced(req.headers, req.query), GROUP_PROPS);
      const search = compileSearch(req.query.get('$search'), 'group', req.headers);
      const groups = [...tenant.groups.values()].filter((g) => (!filter || filter((p) => getPath(g.props, p))) && (!search || search((p) => getPath(g.props, p))));
      return { items: groups.map((g) => g.id), pageSize: parseTop(req.query, 100), meta: { select } };
    }, (id, meta) => {
      const g = tenant.groups.get(id);
      return g ? renderGroup(g, meta.select as string[] | undefined) : undefined;
    });
  }
  if (sub === undefined) {
    if (m === 'GET') return json({ '@odata.context': ctxUrl(env, 'groups/$entity'), ...renderGroup(tenant.group(gid), parseSelect(req.query.get('$select'), 'group', GROUP_PROPS)) });
    if (m === 'DELETE') { tenant.group(gid); tenant.groups.delete(gid); return noContent(); }
    if (m === 'PATCH') {
      // Bulk add: {"members@odata.bind": [...]}, at most 20, all or nothing.
      const g = tenant.group(gid);
      const binds = (req.body as Record<string, unknown> | null)?.['members@odata.bind'];
      if (binds !== undefined) {
        if (!Array.isArray(binds) || binds.length > 20) throw new GraphError(400, 'Request_BadRequest', 'One or more properties contains invalid values.');
        const ids = binds.map((b) => refId({ '@odata.id': b }) ?? '');
        for (const id of ids) {
          if (!tenant.directoryObjectExists(id)) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
          if (g.members.includes(id)) throw new GraphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
        }
        if (new Set(ids).size !== ids.length) throw new GraphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
        for (const id of ids) tenant.addMember(gid, id); // one at a time: a licensed group licenses each new member
      }
      return noContent();
    }
    return undefined;
  }
  if (sub === 'assignLicense' && mid === undefined && m === 'POST') {
    tenant.assignGroupLicense(gid, req.body);
    return json({ '@odata.context': ctxUrl(env, 'groups/$entity'), ...renderGroup(tenant.group(gid), undefined) });
  }
  if (sub !== 'members') return undefined;
  if (mid === undefined && m === 'GET') {
    const g = tenant.group(gid);
    return listing(env, req, ctxUrl(env, 'directoryObjects'), () => ({
      items: [...g.members], pageSize: parseTop(req.query, 100), meta: { select: parseSelect(req.query.get('$select'), 'user', USER_KEYS) },
    }), (id, meta): JsonObject | undefined => {
      const u = tenant.users.get(id);
      if (u && !u.deleted) return { '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, u, meta.select as string[] | undefined) };
      const sg = tenant.groups.get(id);
      return sg ? { '@odata.type': '#microsoft.graph.group', id: sg.id, displayName: sg.props.displayName ?? null } : undefined;
    });
  }
  if (mid === '$ref' && ref === undefined && m === 'POST') {
    const id = refId(req.body);
    if (!id) throw new GraphError(400, 'Request_BadRequest', "Invalid object identifier 'undefined'.");
    tenant.addMember(gid, id);
    return noContent();
  }
  if (mid !== undefined && ref === '$ref' && m === 'DELETE') {
    tenant.removeMember(gid, mid);
    return noContent();
  }
  return undefined;
}

function deletedItemsRoute(env: RouteEnv, req: SimRequest): SimResponse | undefined {
  const { tenant } = env;
  const [, , id, action, ...more] = req.segments;
  const m = req.method;
  if (more.length > 0 || id === undefined) return undefined;
  if (id.toLowerCase() === 'microsoft.graph.user' && action === undefined && m === 'GET') {
    return listing(env, req, ctxUrl(env, 'directory/deletedItems/microsoft.graph.user'), () => {
      const select = parseSelect(req.query.get('$select'), 'user', USER_KEYS);
      const filter = compileFilter(req.query.get('$filter'), 'user', isAdvanced(req.headers, req.query), USER_KEYS);
      const users = tenant.deletedUsers().filter((u) => !filter || filter((p) => getPath(u.props, p)));
      return { items: users.map((u) => u.id), pageSize: parseTop(req.query, 100), meta: { select } };
    }, (uid, meta) => {
      const u = tenant.users.get(uid);
      return u?.deleted ? renderUser(tenant, u, (meta.select as string[] | undefined) ?? ['id', 'displayName', 'userPrincipalName', 'mail', 'deletedDateTime']) : undefined;
    });
  }
  if (action === undefined) {
    if (m === 'GET') {
      const u = tenant.deletedUser(id);
      return json({ '@odata.context': ctxUrl(env, 'directory/deletedItems/$entity'), '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, u, parseSelect(req.query.get('$select'), 'user', USER_KEYS) ?? ['id', 'displayName', 'userPrincipalName', 'mail', 'deletedDateTime']) });
    }
    if (m === 'DELETE') { tenant.deletedUser(id); tenant.hardDelete(id); return noContent(); }
    return undefined;
  }
  if (action === 'restore' && m === 'POST') {
    const u = tenant.restoreUser(id);
    return json({ '@odata.context': ctxUrl(env, 'directoryObjects/$entity'), '@odata.type': '#microsoft.graph.user', ...renderUser(tenant, u, ['id', 'displayName', 'userPrincipalName', 'mail', 'deletedDateTime']) });
  }
  return undefined;
}

/** Handle directory routes; undefined when the path matches none. */
export function directoryRoute(env: RouteEnv, req: SimRequest): SimResponse | undefined {
  const [root, second] = req.segments;
  if (root === 'groups') return groupsRoute(env, req);
  if (root === 'directory' && second === 'deletedItems') return deletedItemsRoute(env, req);
  if (root === 'subscribedSkus' && req.segments.length === 1 && req.method === 'GET') {
    const value = env.tenant.skus.map((s) => {
      const consumed = env.tenant.consumed(s.skuId);
      return {
        capabilityStatus: 'Enabled', consumedUnits: consumed, id: `tenant_${s.skuId}`,
        prepaidUnits: { enabled: s.prepaidUnits, suspended: 0, warning: 0, lockedOut: 0 },
        servicePlans: s.servicePlans.map((p) => ({ ...p, provisioningStatus: 'Success', appliesTo: 'User' })),
        skuId: s.skuId, skuPartNumber: s.skuPartNumber, appliesTo: 'User',
      };
    });
    return json({ '@odata.context': ctxUrl(env, 'subscribedSkus'), value });
  }
  if (root === 'domains' && req.segments.length === 1 && req.method === 'GET') {
    const value = env.tenant.verifiedDomains.map((d, i) => ({ id: d, isVerified: true, isDefault: i === 0, isInitial: d.endsWith('.onmicrosoft.com'), authenticationType: 'Managed' }));
    return json({ '@odata.context': ctxUrl(env, 'domains'), value });
  }
  if (root === 'organization' && req.segments.length === 1 && req.method === 'GET') {
    const domains = env.tenant.verifiedDomains;
    const initial = domains.find((d) => d.endsWith('.onmicrosoft.com')) ?? domains[0];
    const value = [{
      id: env.tenantId ?? '', displayName: 'Cadre Simulator', tenantType: 'AAD', countryLetterCode: 'DE', preferredLanguage: 'de',
      verifiedDomains: domains.map((d, i) => ({ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: i === 0, isInitial: d === initial, name: d, type: 'Managed' })),
    }];
    return json({ '@odata.context': ctxUrl(env, 'organization'), value });
  }
  return undefined;
}
