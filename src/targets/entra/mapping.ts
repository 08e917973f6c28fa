/**
 * Attribute mapping between Cadre (attribute names = Graph user property names, plus
 * `onPremisesExtensionAttributes.extensionAttributeN` and `manager`) and Graph JSON.
 */
import type { CorrelationCodec } from '../../core/correlation.js';
import type { AttrValue, Change } from '../../core/model.js';
import { EntraError } from './errors.js';

/** Plain, writable Graph user properties. */
export const SIMPLE_ATTRS = [
  'userPrincipalName', 'displayName', 'givenName', 'surname', 'mailNickname', 'mail', 'employeeId', 'employeeType',
  'employeeHireDate', 'employeeLeaveDateTime', 'department', 'jobTitle', 'officeLocation', 'companyName', 'usageLocation',
  'mobilePhone', 'businessPhones', 'otherMails', 'city', 'country', 'state', 'streetAddress', 'postalCode', 'preferredLanguage',
] as const;
const SIMPLE = new Set<string>(SIMPLE_ATTRS);
const EXT = /^onPremisesExtensionAttributes\.(extensionAttribute(?:[1-9]|1[0-5]))$/;
const MULTI = new Set(['businessPhones', 'otherMails']);
const DATES = new Set(['employeeHireDate', 'employeeLeaveDateTime']);

/** Properties read by list()/find(). */
export const USER_SELECT = [...SIMPLE_ATTRS, 'id', 'accountEnabled', 'proxyAddresses', 'assignedLicenses', 'licenseAssignmentStates', 'onPremisesExtensionAttributes'].join(',');
/** `$expand` for the manager, so it can be reported as `ref:<employeeId>`. */
export const MANAGER_EXPAND = 'manager($select=id,employeeId)';

/** Graph value for a Cadre value. `''` clears (Graph refuses empty strings). */
export function toGraph(attr: string, v: AttrValue | undefined): unknown {
  if (v === undefined || v === null || v === '') return MULTI.has(attr) ? [] : null;
  if (MULTI.has(attr)) return Array.isArray(v) ? v.map(String) : [String(v)];
  if (DATES.has(attr) && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T00:00:00Z`;
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'string' ? v : String(v);
}

/** A PATCH/POST body split out of attribute changes. */
export interface GraphWrite {
  readonly body: Record<string, unknown>;
  /** Desired manager (`ref:<personId>`, an object id, or null to remove); undefined = untouched. */
  readonly manager?: AttrValue;
  /** Attributes that Graph does not let us write (reported in the result note). */
  readonly skipped: string[];
}

/** Turn attribute values into a Graph write. Unknown attribute names are a coded error. */
export function toWrite(values: readonly { attribute: string; to: AttrValue | undefined }[], what: string, upnFollowsName = true): GraphWrite {
  const body: Record<string, unknown> = {};
  const ext: Record<string, unknown> = {};
  const skipped: string[] = [];
  let manager: AttrValue | undefined;
  for (const { attribute, to } of values) {
    if (attribute === 'manager') { manager = to ?? null; continue; }
    if (attribute === 'proxyAddresses') { skipped.push(attribute); continue; }
    if (attribute === 'userPrincipalName' && !upnFollowsName) { skipped.push(attribute); continue; }
    const m = EXT.exec(attribute);
    if (m) { ext[m[1] as string] = toGraph(attribute, to); continue; }
    if (!SIMPLE.has(attribute)) throw new EntraError('ENTRA_INVALID', `${what}: attribute '${attribute}' is not a Graph user property this connector writes`);
    body[attribute] = toGraph(attribute, to);
  }
  if (Object.keys(ext).length > 0) body.onPremisesExtensionAttributes = ext;
  return manager === undefined ? { body, skipped } : { body, manager, skipped };
}

/** Changes → write (the `to` values). */
export function changesToWrite(changes: readonly Change[], what: string, upnFollowsName: boolean): GraphWrite {
  return toWrite(changes, what, upnFollowsName);
}

/** Cadre attributes from a Graph user object (as selected with {@link USER_SELECT}). */
export function fromGraph(u: Record<string, unknown>, codec?: CorrelationCodec): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of SIMPLE_ATTRS) {
    const v = u[a];
    if (v === undefined || v === null) { out[a] = null; continue; }
    if (Array.isArray(v)) { out[a] = v.map(String); continue; }
    // Graph answers dates as instants; a midnight hire date reads back as the calendar date Cadre wrote.
    out[a] = a === 'employeeHireDate' && typeof v === 'string' ? v.replace(/T00:00:00(\.0+)?Z$/, '') : (v as string);
  }
  out.proxyAddresses = Array.isArray(u.proxyAddresses) ? (u.proxyAddresses as unknown[]).map(String) : [];
  const ext = u.onPremisesExtensionAttributes;
  if (typeof ext === 'object' && ext !== null) {
    for (const [k, v] of Object.entries(ext)) out[`onPremisesExtensionAttributes.${k}`] = typeof v === 'string' ? v : null;
  }
  const mgr = u.manager as Record<string, unknown> | undefined;
  // A manager carrying Cadre's correlation value is reported as `ref:<personId>`, like the rules write it.
  const mgrPerson = mgr && typeof mgr.employeeId === 'string' && mgr.employeeId ? (codec ? codec.parse(mgr.employeeId) : mgr.employeeId) : undefined;
  out.manager = mgr && typeof mgr.id === 'string' ? (mgrPerson !== undefined ? `ref:${mgrPerson}` : mgr.id) : null;
  return out;
}

/** SKU ids a user holds by direct assignment and those held only through a licensed group. */
export interface LicenceHolding {
  readonly direct: readonly string[];
  /** Group-assigned only: Graph refuses to remove these from the user (only the group membership does). */
  readonly inherited: readonly { skuId: string; groups: readonly string[] }[];
}

/**
 * Splits a Graph user's licences by `licenseAssignmentStates` (`assignedByGroup` set = inherited). Without
 * that property every assigned licence counts as direct.
 */
export function licenceHolding(u: Record<string, unknown>): LicenceHolding {
  const assigned = ((u.assignedLicenses as { skuId: string }[] | undefined) ?? []).map((l) => l.skuId);
  const states = u.licenseAssignmentStates as { skuId: string; assignedByGroup?: string | null }[] | undefined | null;
  if (!Array.isArray(states)) return { direct: assigned, inherited: [] };
  const direct = [...new Set(states.filter((s) => !s.assignedByGroup).map((s) => s.skuId))];
  const inherited = new Map<string, string[]>();
  for (const s of states) {
    if (!s.assignedByGroup || direct.includes(s.skuId)) continue;
    inherited.set(s.skuId, [...(inherited.get(s.skuId) ?? []), s.assignedByGroup]);
  }
  return { direct, inherited: [...inherited].map(([skuId, groups]) => ({ skuId, groups })) };
}
