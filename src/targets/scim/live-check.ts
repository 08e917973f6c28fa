/**
 * `cadre validate --live` for the SCIM target: the service answers `/ServiceProviderConfig`, the credentials
 * work, filtering is supported (correlation needs it), and the groups rules grant exist.
 */
import type { LiveCheckScope, LiveFinding } from '../contract.js';
import type { ScimGroups } from './groups.js';
import type { ScimTargetOptions } from './guard.js';
import type { ScimHttp } from './http.js';
import { ScimTargetError } from './http.js';
import type { ServiceProvider } from './resources.js';

/** What the check needs. */
export interface LiveCheckDeps {
  readonly http: ScimHttp;
  readonly sp: (http: ScimHttp) => Promise<ServiceProvider>;
  readonly groups: ScimGroups;
  readonly scope: LiveCheckScope;
  readonly opts: ScimTargetOptions;
  readonly name: string;
}

const authHint = (o: ScimTargetOptions): string => o.auth.type === 'bearer'
  ? 'check options.auth.token (a token the SaaS issued for provisioning, not expired)'
  : 'check options.auth.username and options.auth.password';

/** Run the checks; never throws for a finding. */
export async function checkLive(d: LiveCheckDeps): Promise<readonly LiveFinding[]> {
  const out: LiveFinding[] = [];
  const fromError = (e: unknown, what: string): LiveFinding => {
    const err = e instanceof ScimTargetError ? e : undefined;
    const code = err?.code ?? 'SCIM_ERROR';
    const hint = code === 'ACCESS_DENIED' ? authHint(d.opts) : `check options.baseUrl (${d.opts.baseUrl}): it is the part before /Users`;
    return { severity: 'error', code, message: `${what}: ${e instanceof Error ? e.message : String(e)}`, hint, unreachable: true };
  };
  let sp: ServiceProvider;
  try {
    sp = await d.sp(d.http);
    // The ServiceProviderConfig may be public (RFC 7644 §4): a Users read proves the credentials.
    await d.http.request('GET', '/Users', { query: { startIndex: 1, count: 1, attributes: 'id' } });
  } catch (e) {
    return [fromError(e, 'SCIM service not usable')];
  }
  out.push({ severity: 'ok', code: 'SCIM_REACHABLE', message: `ServiceProviderConfig read, users readable (patch ${sp.patch ? 'yes' : 'no'}, etag ${sp.etag ? 'yes' : 'no'}, bulk ${sp.bulk ? 'yes' : 'no'})`, hint: '' });
  if (!sp.filter) {
    out.push({
      severity: 'error', code: 'SCIM_FILTER_UNSUPPORTED', message: 'the ServiceProviderConfig says filter.supported: false; correlation and identifier checks need `eq` filters',
      hint: 'enable filtering in the service, or use another target type',
    });
  }
  if (!sp.patch) {
    out.push({ severity: 'warning', code: 'SCIM_PATCH_UNSUPPORTED', message: 'no PATCH: every change is a PUT of the whole resource (read-modify-write)', hint: sp.etag ? '' : 'without ETags a concurrent edit elsewhere between read and write is lost' });
  }
  if (d.scope.entitlements.length > 0) {
    try {
      const known = new Set((await d.groups.listing()).names.map((n) => n.toLowerCase()));
      for (const e of d.scope.entitlements) {
        const dn = d.opts.groups[e] ?? e;
        if (!known.has(dn.toLowerCase()) && !known.has(e.toLowerCase())) {
          out.push({ severity: 'error', code: 'SCIM_GROUP_MISSING', message: `no SCIM group with displayName "${dn}" (entitlement ${e})`, hint: `create the group in the service or map it in targets.${d.name}.options.groups` });
        }
      }
    } catch (e) {
      out.push({ ...fromError(e, 'groups not readable'), unreachable: false });
    }
  }
  return out;
}
