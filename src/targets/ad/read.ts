/**
 * Reading accounts: which attributes to ask for, and an LDAP entry → {@link AccountState}.
 * `manager` DNs are reported as `ref:<personId>` (the manager's correlation value) so they compare equal to what
 * the rules produce; a manager without a correlation value stays a DN.
 */
import type { Entry } from 'ldapts';
import type { CorrelationCodec } from '../../core/correlation.js';
import type { AccountState, AttrValue } from '../../core/model.js';
import type { AdLdap } from './client.js';
import { bufferValue, values } from './client.js';
import { normalizeDn, parentDn } from './escape.js';
import type { GroupDirectory } from './groups.js';
import { guidToString, NEVER_EXPIRES, UAC_ACCOUNTDISABLE } from './values.js';

/** Attributes that are multi-valued in the AD schema and always reported as arrays. */
export const MULTI_VALUED = new Set(['proxyaddresses', 'othermailbox', 'othertelephone', 'othermobile', 'otherhomephone', 'url', 'serviceprincipalname', 'objectclass', 'memberof', 'member']);

/** Attributes that are only ever written, never read back or compared. */
export const WRITE_ONLY = new Set(['unicodepwd', 'userpassword']);

/** The user filter of the managed scope (users with a correlation value). */
export function userFilter(correlationAttribute: string, extra = ''): string {
  return `(&(objectCategory=person)(objectClass=user)(${correlationAttribute}=*)${extra})`;
}

/** Context the mapping needs. */
export interface ReadContext {
  readonly target: string;
  readonly correlationAttribute: string;
  /** The target's correlation template: which value a person's account carries, and whose a value is. */
  readonly codec: CorrelationCodec;
  /** Attributes reported in `attributes` (the target's mapped attribute names). */
  readonly attributes: readonly string[];
  readonly groups: GroupDirectory;
  readonly ldap: AdLdap;
  readonly rangeSize: number;
}

/** Attributes to request for account reads. */
export function readAttributes(ctx: ReadContext): string[] {
  const base = ['objectGUID', 'userAccountControl', 'memberOf', 'cn', 'sAMAccountName', 'userPrincipalName', ctx.correlationAttribute];
  const all = [...base, ...ctx.attributes.filter((a) => !WRITE_ONLY.has(a.toLowerCase()))];
  const seen = new Set<string>();
  return all.filter((a) => (seen.has(a.toLowerCase()) ? false : (seen.add(a.toLowerCase()), true)));
}

/** Caches manager DN → person id across one list() / find() call. */
export class ManagerNames {
  private readonly byDn = new Map<string, string | null>();
  constructor(private readonly ctx: ReadContext) {}

  /** Remember the correlation value of accounts already read (saves a lookup when the manager is in the page). */
  note(entry: Entry): void {
    const id = values(entry, this.ctx.correlationAttribute)[0];
    this.byDn.set(normalizeDn(entry.dn), id ?? null);
  }

  /** `ref:<personId>` for a manager DN, or the DN itself when it carries no correlation value of Cadre's form. */
  async name(dn: string): Promise<string> {
    const key = normalizeDn(dn);
    if (!this.byDn.has(key)) {
      const e = await this.ctx.ldap.read(dn, [this.ctx.correlationAttribute]);
      this.byDn.set(key, e === undefined ? null : (values(e, this.ctx.correlationAttribute)[0] ?? null));
    }
    const raw = this.byDn.get(key);
    const id = raw ? this.ctx.codec.parse(raw) : undefined;
    return id ? `ref:${id}` : dn;
  }
}

/** Map one user entry to its account state. */
export async function entryToState(entry: Entry, ctx: ReadContext, managers: ManagerNames): Promise<AccountState> {
  const guid = bufferValue(entry, 'objectGUID');
  if (guid === undefined) throw new Error(`entry ${entry.dn} has no objectGUID`);
  const uac = Number(values(entry, 'userAccountControl')[0] ?? '0');
  const attributes: Record<string, AttrValue> = {};
  for (const name of ctx.attributes) {
    if (WRITE_ONLY.has(name.toLowerCase())) continue;
    const v = values(entry, name);
    if (v.length === 0) continue;
    if (name.toLowerCase() === 'manager') attributes[name] = await managers.name(v[0] as string);
    // AD writes "never" as 0 or as the largest FILETIME; mappings say 0, so a never-expiring account is no change
    else if (name.toLowerCase() === 'accountexpires' && v[0] === NEVER_EXPIRES) attributes[name] = '0';
    else attributes[name] = MULTI_VALUED.has(name.toLowerCase()) || v.length > 1 ? v : (v[0] as string);
  }
  // memberOf may itself come back ranged for users in very many groups
  let memberOf = values(entry, 'memberOf');
  if (Object.keys(entry).some((k) => k.toLowerCase().startsWith('memberof;range='))) {
    memberOf = await ctx.ldap.allValues(entry.dn, 'memberOf', ctx.rangeSize);
  }
  const entitlements: string[] = [];
  const unmanaged: string[] = [];
  for (const g of memberOf) {
    const label = ctx.groups.labelFor(g);
    if (label === undefined) unmanaged.push(g);
    else entitlements.push(label);
  }
  const correlation = values(entry, ctx.correlationAttribute)[0];
  return {
    target: ctx.target,
    anchor: guidToString(guid),
    ...(correlation !== undefined ? { correlation } : {}),
    dn: entry.dn,
    enabled: (uac & UAC_ACCOUNTDISABLE) === 0,
    container: parentDn(entry.dn),
    attributes,
    entitlements: entitlements.sort(),
    ...(unmanaged.length > 0 ? { unmanaged: unmanaged.sort() } : {}),
  };
}
