/**
 * `cadre validate --live` for Entra: the token (tenant, client id, secret), the application permissions the
 * token carries (its `roles` claim), a harmless read, and the configured licences and groups.
 */
import type { TargetConfig } from '../../config/schema.js';
import { closestName } from '../../core/similar.js';
import type { LiveCheckScope, LiveFinding } from '../contract.js';
import { EntraError } from './errors.js';
import type { EntraSession } from './session.js';

/** Application permissions, each satisfied by any of the listed roles. */
function requiredRoles(s: EntraSession, target: TargetConfig, scope: LiveCheckScope): { need: string; anyOf: string[] }[] {
  const out = [{ need: 'User.ReadWrite.All', anyOf: ['User.ReadWrite.All', 'Directory.ReadWrite.All'] }];
  const groups = Object.keys(s.opts.groups).length > 0 || scope.entitlements.some((e) => !Object.hasOwn(s.opts.licences, e)) || (s.opts.managedGroups ?? []).length > 0;
  if (groups) out.push({ need: 'GroupMember.ReadWrite.All', anyOf: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] });
  if (Object.keys(s.opts.licences).length > 0) out.push({ need: 'LicenseAssignment.ReadWrite.All', anyOf: ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'] });
  if (scope.temporaryAccessPasses === true) out.push({ need: 'UserAuthenticationMethod.ReadWrite.All', anyOf: ['UserAuthenticationMethod.ReadWrite.All', 'UserAuthMethod-TAP.ReadWrite.All'] });
  if (Object.keys(target.attributes).some((a) => a.toLowerCase() === 'employeeleavedatetime')) {
    out.push({ need: 'User-LifeCycleInfo.ReadWrite.All', anyOf: ['User-LifeCycleInfo.ReadWrite.All'] });
  }
  return out;
}

/** The `roles` claim of an access token (a JWT); undefined when the token is not readable. */
function tokenRoles(token: string): string[] | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  } catch {
    return undefined;
  }
}

function authHint(err: EntraError, s: EntraSession): string {
  const m = err.message;
  if (/7000215|invalid_client/.test(m)) return `options.clientSecret is not valid for app ${s.opts.clientId}: use the secret's Value (not its Secret ID), and check that it has not expired (App registrations → Certificates & secrets)`;
  if (/700016|unauthorized_client/.test(m)) return `options.clientId ${s.opts.clientId} is not an app registration in tenant ${s.opts.tenantId}: check clientId and tenantId`;
  if (/90002|not found/i.test(m)) return `options.tenantId ${s.opts.tenantId} is not a tenant: use the Directory (tenant) ID or a verified domain`;
  return `check options.authorityUrl (${s.opts.authorityUrl}) and the network path to it`;
}

/** Run the checks; never throws for a finding. */
export async function entraLiveCheck(s: EntraSession, target: TargetConfig, scope: LiveCheckScope): Promise<LiveFinding[]> {
  const out: LiveFinding[] = [];
  let token: string;
  try {
    token = await s.tokens.get();
  } catch (e) {
    const err = e instanceof EntraError ? e : new EntraError('ENTRA_AUTH', (e as Error).message);
    return [{ severity: 'error', code: err.code, message: err.message, hint: authHint(err, s), unreachable: true }];
  }
  out.push({ severity: 'ok', code: 'ENTRA_TOKEN', message: `token issued for app ${s.opts.clientId} in tenant ${s.opts.tenantId}`, hint: '' });

  const roles = tokenRoles(token);
  if (roles === undefined) {
    out.push({ severity: 'warning', code: 'ENTRA_ROLES_UNKNOWN', message: 'the access token is not a readable JWT: its application permissions could not be checked', hint: 'check the app registration\'s API permissions in the Entra admin centre' });
  } else {
    for (const r of requiredRoles(s, target, scope)) {
      if (r.anyOf.some((x) => roles.includes(x))) continue;
      out.push({
        severity: 'error', code: 'ENTRA_PERMISSION_MISSING', message: `app ${s.opts.clientId} lacks the application permission ${r.need} (the token grants ${roles.length > 0 ? roles.join(', ') : 'no roles'})`,
        hint: `add the Microsoft Graph application permission ${r.need} to the app registration and grant admin consent`,
      });
    }
  }

  try {
    const res = await s.call('GET', '/users?$top=1&$select=id');
    if (res.status !== 200) {
      out.push({ severity: 'error', code: 'ENTRA_READ_DENIED', message: `reading users answered HTTP ${res.status}`, hint: 'grant User.ReadWrite.All (application) and admin consent' });
      return out;
    }
    out.push({ severity: 'ok', code: 'ENTRA_READ', message: 'users are readable', hint: '' });
  } catch (e) {
    out.push({ severity: 'error', code: e instanceof EntraError ? e.code : 'ENTRA_ERROR', message: (e as Error).message, hint: `check options.graphUrl (${s.opts.graphUrl})`, unreachable: true });
    return out;
  }

  const skus = await s.resolver.subscribedSkus();
  for (const [name, ref] of Object.entries(s.opts.licences)) {
    if (skus.some((k) => k.skuId.toLowerCase() === ref.toLowerCase() || k.skuPartNumber.toLowerCase() === ref.toLowerCase())) continue;
    const near = closestName(ref, skus.map((k) => k.skuPartNumber));
    out.push({
      severity: 'error', code: 'ENTRA_LICENCE_UNKNOWN', message: `options.licences.${name} names ${ref}, which is not subscribed in this tenant${near ? `: did you mean ${near}?` : ''}`,
      hint: `use a SKU part number or skuId the tenant has (subscribed: ${skus.map((k) => k.skuPartNumber).join(', ') || 'none'})`,
    });
  }
  for (const [name, ref] of Object.entries(s.opts.groups)) {
    try {
      await s.resolver.resolve(name);
    } catch (e) {
      if (!(e instanceof EntraError)) throw e;
      out.push({ severity: 'error', code: e.code, message: `options.groups.${name} (${ref}): ${e.message}`, hint: 'create the group, or map the entitlement to an existing group\'s displayName or object id' });
    }
  }
  return out;
}
