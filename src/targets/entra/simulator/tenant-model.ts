/**
 * Data model of the simulated Entra tenant: records, the Graph property table, the state-file
 * snapshot and the error helpers the tenant's role modules share.
 */
import { GraphError, MSG } from './errors.js';
import type { SimTap, TapPolicy } from './tenant-tap.js';

/** JSON value. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
/** A JSON object. */
export type JsonObject = { [k: string]: Json };

/** A subscribed SKU as configured for the simulator. */
export interface SimSku {
  readonly skuId: string;
  readonly skuPartNumber: string;
  prepaidUnits: number;
  readonly servicePlans: readonly { servicePlanName: string; servicePlanId: string }[];
}

/** A user record. `props` holds Graph properties; soft-deleted users carry `deleted`. */
export interface SimUser {
  readonly id: string;
  props: JsonObject;
  managerId: string | null;
  deleted: { at: string; upn: string } | null;
  seq: number;
  /** sha256 of the current password: never served by the API, only for `Tenant.checkPassword` (sign-in checks in tests). */
  passwordHash?: string;
}

/** A group record. */
export interface SimGroup {
  readonly id: string;
  props: JsonObject;
  members: string[];
}

/** Value type of a Graph property (`ext` = onPremisesExtensionAttributes). */
export type PropType = 'string' | 'boolean' | 'strings' | 'datetime' | 'ext' | 'object';
/** How the simulator validates one property. */
export interface PropDef { type: PropType; writable: boolean; max?: number; required?: boolean }

/** Graph `user` properties the simulator knows. */
export const USER_PROPS: Readonly<Record<string, PropDef>> = {
  id: { type: 'string', writable: false },
  accountEnabled: { type: 'boolean', writable: true, required: true },
  displayName: { type: 'string', writable: true, max: 256, required: true },
  givenName: { type: 'string', writable: true, max: 64 },
  surname: { type: 'string', writable: true, max: 64 },
  userPrincipalName: { type: 'string', writable: true, max: 113, required: true },
  mailNickname: { type: 'string', writable: true, max: 64, required: true },
  mail: { type: 'string', writable: true, max: 256 },
  otherMails: { type: 'strings', writable: true },
  proxyAddresses: { type: 'strings', writable: false },
  employeeId: { type: 'string', writable: true, max: 16 },
  employeeType: { type: 'string', writable: true, max: 64 },
  employeeHireDate: { type: 'datetime', writable: true },
  employeeLeaveDateTime: { type: 'datetime', writable: true },
  department: { type: 'string', writable: true, max: 64 },
  jobTitle: { type: 'string', writable: true, max: 128 },
  officeLocation: { type: 'string', writable: true, max: 128 },
  companyName: { type: 'string', writable: true, max: 64 },
  usageLocation: { type: 'string', writable: true, max: 2 },
  mobilePhone: { type: 'string', writable: true, max: 64 },
  businessPhones: { type: 'strings', writable: true },
  preferredLanguage: { type: 'string', writable: true, max: 10 },
  city: { type: 'string', writable: true, max: 128 },
  country: { type: 'string', writable: true, max: 128 },
  state: { type: 'string', writable: true, max: 128 },
  streetAddress: { type: 'string', writable: true, max: 1024 },
  postalCode: { type: 'string', writable: true, max: 40 },
  userType: { type: 'string', writable: true },
  onPremisesExtensionAttributes: { type: 'ext', writable: true },
  passwordProfile: { type: 'object', writable: true, required: true },
  assignedLicenses: { type: 'object', writable: false },
  licenseAssignmentStates: { type: 'object', writable: false },
  createdDateTime: { type: 'datetime', writable: false },
  deletedDateTime: { type: 'datetime', writable: false },
  signInSessionsValidFromDateTime: { type: 'datetime', writable: false },
  lastPasswordChangeDateTime: { type: 'datetime', writable: false },
  onPremisesSyncEnabled: { type: 'boolean', writable: false },
  creationType: { type: 'string', writable: false },
};

/** Properties returned when no `$select` is given (GET /users, user-list.md). */
export const DEFAULT_USER_SELECT = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone',
  'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
] as const;

/** Graph `group` properties the simulator knows. */
export const GROUP_PROPS = ['id', 'displayName', 'description', 'mailNickname', 'mailEnabled', 'securityEnabled', 'groupTypes', 'mail', 'createdDateTime'] as const;

/** Keys of `onPremisesExtensionAttributes`. */
export const EXT_KEYS = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
const DAY_MS = 86_400_000;
/** Soft-deleted users stay restorable this long. */
export const RETENTION_MS = 30 * DAY_MS;

/** Graph's generic 400 for a bad property value. */
export const invalid = (): GraphError => new GraphError(400, 'Request_BadRequest', MSG.invalidValues);
/** Graph's 400 ObjectConflict for a unique value another object holds. */
export const conflict = (prop: string): GraphError =>
  new GraphError(400, 'Request_BadRequest', MSG.conflict(prop), [{ target: prop, code: 'ObjectConflict' }]);
/** Lower-cased string value ('' for anything else), for case-insensitive comparisons. */
export const lc = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** Serialisable snapshot of the tenant (the optional state file). */
export interface TenantSnapshot {
  users: SimUser[];
  groups: SimGroup[];
  skus: SimSku[];
  seq: number;
  tombstones: [string, number][];
  clockOffsetMs: number;
  /** Temporary Access Passes by user id (absent in state files written before they existed). */
  taps?: [string, SimTap][];
  tapPolicy?: TapPolicy;
}
