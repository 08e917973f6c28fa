/**
 * `cadre validate --live` for AD: bind, the configured OUs, the service account's effective rights (AD's
 * constructed `allowedChildClassesEffective` on OUs and `allowedAttributesEffective` on groups, which answer
 * for the bound account with its group memberships and ACLs applied) and whether the correlation attribute
 * is indexed.
 */
import type { LiveCheckScope, LiveFinding } from '../contract.js';
import { values } from './client.js';
import { AdTargetError, toAdError } from './errors.js';
import { eqFilter, isBelow, sameDn } from './escape.js';
import { HIDE_ATTRIBUTE } from './offboard.js';
import type { AdRuntime } from './runtime.js';

/** The correlation attribute's schema entry: missing, or whether bit 0 (indexed) of searchFlags is set. */
export async function correlationIndex(rt: AdRuntime): Promise<{ exists: false } | { exists: true; dn: string; indexed: boolean; searchFlags: number } | undefined> {
  const root = await rt.ldap.read('', ['schemaNamingContext']);
  const schema = root === undefined ? undefined : values(root, 'schemaNamingContext')[0];
  if (schema === undefined) return undefined;
  const [attr] = await rt.ldap.search(schema, { scope: 'one', filter: eqFilter('lDAPDisplayName', rt.opts.correlationAttribute), attributes: ['searchFlags'] });
  if (attr === undefined) return { exists: false };
  const searchFlags = Number(values(attr, 'searchFlags')[0] ?? '0');
  return { exists: true, dn: attr.dn, indexed: (searchFlags & 1) === 1, searchFlags };
}

const has = (list: readonly string[], name: string): boolean => list.some((v) => v.toLowerCase() === name.toLowerCase());

function connectionHint(err: AdTargetError, rt: AdRuntime): string {
  if (err.code === 'AD_AUTH_FAILED') return `check options.bindDN (${rt.opts.bindDN}) and options.bindPassword; a locked, disabled or expired service account fails the same way`;
  // caFile is set and trusted, but the certificate names another host (an IP address or alias in options.url).
  if (/altnames|Hostname\/IP does not match/i.test(err.message)) return `the DC's certificate is valid but issued to another name than the host in options.url (${rt.opts.url}): connect by the DC's name as the certificate gives it (ldaps://dc1.example.com), not by an IP address or alias`;
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(err.message)) return 'the DC\'s certificate is not trusted: set options.caFile to your CA\'s PEM file';
  if (err.code === 'AD_INSECURE_TRANSPORT') return 'the DC requires an encrypted connection: use ldaps:// or startTls: true';
  return `check options.url (${rt.opts.url}): the DC's host name and port (636 for LDAPS), DNS and firewalls between Cadre and the DC`;
}

/** Run the checks; never throws for a finding. */
export async function adLiveCheck(rt: AdRuntime, scope: LiveCheckScope): Promise<LiveFinding[]> {
  const out: LiveFinding[] = [];
  const account = rt.opts.bindDN;
  try {
    await rt.ldap.read('', ['defaultNamingContext']);
  } catch (e) {
    const err = toAdError(e, `bind to ${rt.opts.url} as ${account}`);
    return [{ severity: 'error', code: err.code, message: err.message, hint: connectionHint(err, rt), unreachable: true }];
  }
  out.push({ severity: 'ok', code: 'AD_BIND', message: `bound to ${rt.opts.url} as ${account}`, hint: '' });

  const missing = (option: string, dn: string): LiveFinding => ({
    severity: 'error', code: 'AD_CONTAINER_MISSING', message: `options.${option} ${dn} does not exist (or ${account} cannot read it)`,
    hint: `create it, or correct options.${option} in cadre.yaml`,
  });
  if ((await rt.ldap.read(rt.opts.baseDN, ['1.1'])) === undefined) {
    out.push(missing('baseDN', rt.opts.baseDN));
    return out; // everything else lives below it
  }
  for (const ou of rt.opts.managedGroupsOUs) if ((await rt.ldap.read(ou, ['1.1'])) === undefined) out.push(missing('managedGroupsOUs', ou));
  if (rt.opts.disabledOU !== undefined && (await rt.ldap.read(rt.opts.disabledOU, ['1.1'])) === undefined) out.push(missing('disabledOU', rt.opts.disabledOU));

  // Creating (and moving) users into a container needs the "create child" right for class user there.
  const containers = [rt.opts.usersOU, ...scope.containers.filter((c) => !sameDn(c, rt.opts.usersOU))];
  for (const dn of containers) {
    const e = await rt.ldap.read(dn, ['allowedChildClassesEffective']);
    if (e === undefined) {
      if (sameDn(dn, rt.opts.usersOU)) out.push(missing('usersOU', dn));
      continue; // placement containers: reported with a suggestion by the config check
    }
    if (!isBelow(dn, rt.opts.baseDN) && !sameDn(dn, rt.opts.baseDN)) {
      out.push({ severity: 'error', code: 'AD_CONTAINER_OUTSIDE_SCOPE', message: `${dn} is outside options.baseDN ${rt.opts.baseDN}: accounts there would not be seen again and would be created twice`, hint: 'move the OU below baseDN, or widen baseDN' });
      continue;
    }
    if (!has(values(e, 'allowedChildClassesEffective'), 'user')) {
      out.push({
        severity: 'error', code: 'AD_CREATE_DENIED', message: `${account} cannot create user accounts in ${dn}`,
        hint: `delegate "Create, delete and manage user accounts" on ${dn} to the service account (Active Directory Users and Computers → Delegate Control, or dsacls "${dn}" /I:T /G "<DOMAIN>\\<account>:CC;user")`,
      });
    }
  }

  // Changing memberships needs write access to `member` of every managed group.
  const groupNames = [...new Set([...rt.opts.managedGroups, ...scope.entitlements])];
  let checked = 0;
  for (const name of groupNames) {
    let dn: string;
    try {
      dn = (await rt.groups.resolve(name)).dn;
    } catch (e) {
      if (e instanceof AdTargetError && (e.code === 'AD_GROUP_NOT_FOUND' || e.code === 'AD_UNMANAGED_GROUP')) {
        if (e.code === 'AD_UNMANAGED_GROUP') {
          out.push({ severity: 'error', code: e.code, message: e.message, hint: 'add the group to options.managedGroups, move it below one of options.managedGroupsOUs, or add a matching pattern to managedEntitlements' });
        }
        continue; // a group that does not exist is reported with a suggestion by the config check
      }
      out.push({ severity: 'error', code: e instanceof AdTargetError ? e.code : 'AD_ERROR', message: (e as Error).message, hint: 'name the group by its DN in the rules to make it unambiguous' });
      continue;
    }
    const e = await rt.ldap.read(dn, ['allowedAttributesEffective']);
    checked++;
    if (e !== undefined && !has(values(e, 'allowedAttributesEffective'), 'member')) {
      out.push({
        severity: 'error', code: 'AD_GROUP_WRITE_DENIED', message: `${account} cannot change the members of ${dn}`,
        hint: `grant the service account "Write Members" on the group or its OU (dsacls "${dn}" /G "<DOMAIN>\\<account>:WP;member")`,
      });
    }
  }
  if (checked > 0) out.push({ severity: 'ok', code: 'AD_GROUPS', message: `${checked} managed group(s) checked for membership changes`, hint: '' });

  try {
    const idx = await correlationIndex(rt);
    if (idx?.exists === false) {
      out.push({ severity: 'error', code: 'AD_ATTRIBUTE_UNKNOWN', message: `options.correlationAttribute ${rt.opts.correlationAttribute} is not an attribute of this directory's schema`, hint: 'use employeeID (the default) or another attribute your schema has' });
    } else if (idx?.exists === true && !idx.indexed) {
      out.push({
        severity: 'warning', code: 'AD_ATTRIBUTE_NOT_INDEXED', message: `${rt.opts.correlationAttribute} is not indexed: every correlation lookup scans the directory`,
        hint: `set bit 0 of searchFlags on ${idx.dn} (ADSI Edit on the schema, or ldapmodify: replace searchFlags: ${idx.searchFlags | 1}) as a schema admin`,
      });
    }
  } catch {
    out.push({ severity: 'warning', code: 'AD_SCHEMA_UNREADABLE', message: `the schema could not be read: whether ${rt.opts.correlationAttribute} is indexed is unknown`, hint: 'let the service account read the schema naming context' });
  }
  if (scope.offboardSteps?.includes('hideFromAddressLists') === true) out.push(await hideCheck(rt));
  return out;
}

/** The hideFromAddressLists step writes an Exchange attribute: a directory without the Exchange schema refuses it. */
async function hideCheck(rt: AdRuntime): Promise<LiveFinding> {
  try {
    if (await schemaHas(rt, HIDE_ATTRIBUTE)) return { severity: 'ok', code: 'AD_EXCHANGE_SCHEMA', message: `the schema has ${HIDE_ATTRIBUTE} (offboarding: hideFromAddressLists)`, hint: '' };
    return {
      severity: 'error', code: 'AD_SCHEMA_NO_EXCHANGE', message: `lifecycle.offboarding hideFromAddressLists: the schema has no ${HIDE_ATTRIBUTE} (this directory has no Exchange schema), so every such step would fail`,
      hint: 'remove the step for this target (or limit it with targets:), or extend the schema with Exchange\'s (setup /PrepareSchema)',
    };
  } catch {
    return { severity: 'warning', code: 'AD_SCHEMA_UNREADABLE', message: `the schema could not be read: whether it has ${HIDE_ATTRIBUTE} is unknown`, hint: 'let the service account read the schema naming context' };
  }
}

async function schemaHas(rt: AdRuntime, attribute: string): Promise<boolean> {
  const root = await rt.ldap.read('', ['schemaNamingContext']);
  const schema = root === undefined ? undefined : values(root, 'schemaNamingContext')[0];
  if (schema === undefined) throw new Error('no schemaNamingContext');
  const found = await rt.ldap.search(schema, { scope: 'one', filter: eqFilter('lDAPDisplayName', attribute), attributes: ['1.1'] });
  return found.length > 0;
}
