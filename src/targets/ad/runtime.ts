/**
 * Shared state of one AD target instance and small helpers used by the read and write paths.
 */
import type { AttrValue, Operation } from '../../core/model.js';
import type { ApplyContext, TargetDeps } from '../contract.js';
import type { AdLdap } from './client.js';
import { bufferValue, values } from './client.js';
import { AdTargetError } from './errors.js';
import { eqFilter, isBelow, sameDn, splitDn } from './escape.js';
import type { GroupDirectory } from './groups.js';
import type { AdTargetOptions } from './guard.js';
import type { ReadContext } from './read.js';
import { userFilter } from './read.js';
import { guidDn, guidToString, isGuid } from './values.js';
import type { Entry } from 'ldapts';

/** Everything the operations of one target share. */
export interface AdRuntime {
  readonly name: string;
  readonly opts: AdTargetOptions;
  readonly ldap: AdLdap;
  readonly groups: GroupDirectory;
  readonly read: ReadContext;
  readonly log: TargetDeps['log'];
  /** The domain naming context (DC=… part of baseDN): identifier uniqueness is domain-wide. */
  readonly domainRoot: string;
  /** The address-list attribute (`proxyAddresses`) when Cadre manages it value by value. */
  readonly addressList?: string;
}

/** The DC=… suffix of a DN (the domain naming context). */
export function domainRootOf(dn: string): string {
  const dcs = splitDn(dn).filter((r) => /^dc=/i.test(r));
  return dcs.length > 0 ? dcs.join(',') : dn;
}

/** Pseudo attributes the planner may put into changes that are not LDAP attributes. */
export const PSEUDO = new Set(['container', 'enabled', 'password', 'entitlements']);
/** Attributes Cadre never writes through update (AD owns them or they have a dedicated action). */
export const NOT_WRITABLE = new Set(['objectguid', 'objectsid', 'memberof', 'distinguishedname', 'dn', 'objectclass', 'objectcategory', 'whenchanged', 'whencreated', 'useraccountcontrol', 'pwdlastset', 'unicodepwd', 'name']);

/** LDAP values of an attribute value: null/''/[] → [] (clear). */
export function ldapValues(v: AttrValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String).filter((x) => x !== '');
  if (typeof v === 'boolean') return [v ? 'TRUE' : 'FALSE'];
  const s = String(v);
  return s === '' ? [] : [s];
}

/** `create for person 1001 (jmueller)` — what error messages start with. */
export function describe(action: string, op: Operation, username?: string): string {
  return `${action} for person ${op.personId}${username ? ` (${username})` : ''}`;
}

/** The person's username as far as the operation tells it (for messages). */
export function usernameOf(op: Operation, ctx: ApplyContext): string | undefined {
  const fromChanges = op.changes.find((c) => c.attribute.toLowerCase() === 'samaccountname')?.to;
  const v = fromChanges ?? ctx.desired?.attributes['sAMAccountName'] ?? ctx.current?.attributes['sAMAccountName'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The located account of an operation. */
export interface Located {
  readonly guid: string;
  readonly entry: Entry;
}

const LOCATE_ATTRS = ['objectGUID', 'userAccountControl', 'description', 'sAMAccountName', 'cn', 'homeDirectory'];

/**
 * Find the account an operation addresses: by anchor (objectGUID) when known, else by the correlation attribute.
 * Returns undefined when it does not exist. Several correlation matches → CORRELATION_AMBIGUOUS.
 */
export async function locate(rt: AdRuntime, op: Operation, ctx: ApplyContext, extra: readonly string[] = []): Promise<Located | undefined> {
  const attrs = [...LOCATE_ATTRS, ...extra];
  const anchor = op.anchor ?? ctx.current?.anchor;
  if (anchor !== undefined) {
    if (!isGuid(anchor)) throw new AdTargetError('AD_INVALID_DN', `anchor "${anchor}" is not an objectGUID`);
    const e = await rt.ldap.read(guidDn(anchor), attrs, ['objectGUID']);
    return e === undefined ? undefined : { guid: anchor.toLowerCase(), entry: e };
  }
  const value = rt.read.codec.render(op.personId);
  const found = await rt.ldap.search(rt.opts.baseDN, {
    filter: userFilter(rt.read.correlationAttribute, eqFilter(rt.read.correlationAttribute, value)),
    attributes: attrs,
    buffers: ['objectGUID'],
  });
  if (found.length > 1) throw new AdTargetError('CORRELATION_AMBIGUOUS', `${found.length} accounts have ${rt.read.correlationAttribute}=${value}: ${found.map((e) => e.dn).join('; ')}`);
  const e = found[0];
  if (e === undefined) return undefined;
  const g = bufferValue(e, 'objectGUID');
  if (g === undefined) return undefined;
  return { guid: guidToString(g), entry: e };
}

/** Located account or AD_NO_SUCH_OBJECT. */
export async function mustLocate(rt: AdRuntime, op: Operation, ctx: ApplyContext, extra: readonly string[] = []): Promise<Located> {
  const l = await locate(rt, op, ctx, extra);
  if (l === undefined) {
    const anchor = op.anchor ?? ctx.current?.anchor;
    throw new AdTargetError('AD_NO_SUCH_OBJECT', anchor ? `account ${anchor} does not exist` : `no account with ${rt.read.correlationAttribute}=${rt.read.codec.render(op.personId)}`);
  }
  return l;
}

/** First string value of an entry attribute. */
export function first(entry: Entry, attr: string): string | undefined {
  return values(entry, attr)[0];
}

/** Refuse containers outside the managed scope: accounts there would vanish from list() and be created again. */
export function checkContainer(rt: AdRuntime, container: string): void {
  if (!isBelow(container, rt.opts.baseDN) && !sameDn(container, rt.opts.baseDN)) {
    throw new AdTargetError('AD_INVALID_DN', `container ${container} is outside the managed base DN ${rt.opts.baseDN}`);
  }
}

/** Whether a DN is inside the managed scope (baseDN). */
export function inScope(rt: AdRuntime, dn: string): boolean {
  return isBelow(dn, rt.opts.baseDN);
}

/**
 * A manager value as the DN-valued `manager` attribute wants it: `ref:<personId>` → the manager's account via
 * ctx.resolveAnchor → `<GUID=…>` (AD stores the DN). A GUID → `<GUID=…>`; anything else is taken as a DN.
 * Undefined when the referenced person has no account (yet).
 */
export async function managerValue(v: string, ctx: ApplyContext): Promise<string | undefined> {
  if (v.startsWith('ref:')) {
    const anchor = await ctx.resolveAnchor(v.slice(4));
    return anchor !== undefined && isGuid(anchor) ? guidDn(anchor) : undefined;
  }
  if (isGuid(v)) return guidDn(v);
  return v;
}
