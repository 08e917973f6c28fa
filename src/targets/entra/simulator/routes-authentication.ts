/**
 * `/users/{id}/authentication/temporaryAccessPassMethods[/{methodId}]`: create (201, the pass in the body once),
 * list, get (the pass as null) and delete (204). Permissions as documented: reads need one of
 * UserAuthenticationMethod.Read.All / .ReadWrite.All or UserAuthMethod-TAP.Read.All / .ReadWrite.All; create and
 * delete need UserAuthenticationMethod.ReadWrite.All or UserAuthMethod-TAP.ReadWrite.All; otherwise 403.
 */
import { GraphError, MSG } from './errors.js';
import type { SimResponse } from './errors.js';
import { callerClaims, ctxUrl, json, noContent } from './common.js';
import type { RouteEnv, SimRequest } from './common.js';
import { createTap, renderTap, tapById } from './tenant-tap.js';

const WRITE = ['UserAuthenticationMethod.ReadWrite.All', 'UserAuthMethod-TAP.ReadWrite.All'];
const READ = [...WRITE, 'UserAuthenticationMethod.Read.All', 'UserAuthMethod-TAP.Read.All'];

function may(req: SimRequest, anyOf: readonly string[]): void {
  const { roles } = callerClaims(req);
  if (!anyOf.some((r) => roles.includes(r))) throw new GraphError(403, 'accessDenied', 'Request Authorization failed');
}

/** Handle `/users/{key}/authentication/…`; undefined when not one of these routes. */
export function authenticationRoute(env: RouteEnv, req: SimRequest): SimResponse | undefined {
  const [, key, , collection, methodId, ...more] = req.segments;
  if (key === undefined || collection !== 'temporaryAccessPassMethods' || more.length > 0) return undefined;
  const { tenant } = env;
  const m = req.method;
  may(req, m === 'GET' ? READ : WRITE);
  const u = tenant.user(key);
  const base = `users('${u.id}')/authentication/temporaryAccessPassMethods`;
  if (methodId === undefined) {
    if (m === 'POST') {
      const { tap, pass } = createTap(tenant, u.id, req.body);
      return json({ '@odata.context': ctxUrl(env, `${base}/$entity`), ...renderTap(tenant, tap, pass) }, 201);
    }
    if (m === 'GET') {
      const tap = tenant.taps.get(u.id);
      return json({ '@odata.context': ctxUrl(env, base), value: tap ? [renderTap(tenant, tap)] : [] });
    }
    return undefined;
  }
  if (m === 'GET') return json({ '@odata.context': ctxUrl(env, `${base}/$entity`), ...renderTap(tenant, tapById(tenant, u.id, methodId)) });
  if (m === 'DELETE') {
    tapById(tenant, u.id, methodId);
    tenant.taps.delete(u.id);
    return noContent();
  }
  if (m === 'PATCH' || m === 'PUT') throw new GraphError(405, 'Request_BadRequest', MSG.invalidValues);
  return undefined;
}
