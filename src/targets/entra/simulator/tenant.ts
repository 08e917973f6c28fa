/**
 * The simulated Entra tenant: users (live and soft-deleted), groups, licences, manager links and a
 * change sequence for delta queries. Validation mirrors Microsoft Graph v1.0 (api-facts.md §2).
 */
import { randomUUID } from 'node:crypto';
import { GraphError, MSG } from './errors.js';

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
}

/** A group record. */
export interface SimGroup {
  readonly id: string;
  props: JsonObject;
  members: string[];
}

type PropType = 'string' | 'boolean' | 'strings' | 'datetime' | 'ext' | 'object';
interface PropDef { type: PropType; writable: boolean; max?: number; required?: boolean }

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

const UPN_LOCAL = /^[A-Za-z0-9'.\-_!#^~]+$/;
const MAIL_NICK = /^[^@()\\[\]";:<>,\s]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ISO_DT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const EXT_KEYS = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
const DAY_MS = 86_400_000;
/** Soft-deleted users stay restorable this long. */
export const RETENTION_MS = 30 * DAY_MS;

const invalid = (): GraphError => new GraphError(400, 'Request_BadRequest', MSG.invalidValues);
const conflict = (prop: string): GraphError =>
  new GraphError(400, 'Request_BadRequest', MSG.conflict(prop), [{ target: prop, code: 'ObjectConflict' }]);
const lc = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** Serialisable snapshot of the tenant (the optional state file). */
export interface TenantSnapshot {
  users: SimUser[];
  groups: SimGroup[];
  skus: SimSku[];
  seq: number;
  tombstones: [string, number][];
  clockOffsetMs: number;
}

/** The in-memory tenant. Stateful, hence a class. */
export class Tenant {
  readonly users = new Map<string, SimUser>();
  readonly groups = new Map<string, SimGroup>();
  skus: SimSku[];
  /** Monotonic change counter for delta queries. */
  seq = 0;
  /** Hard-deleted user ids and the sequence number of their deletion. */
  readonly tombstones = new Map<string, number>();
  /** Offset added to the wall clock (tests move time forward to expire deleted items / tokens). */
  clockOffsetMs = 0;

  constructor(readonly verifiedDomains: readonly string[], skus: readonly SimSku[]) {
    this.skus = skus.map((s) => ({ ...s }));
  }

  /** The simulator clock. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Move the simulator clock forward. */
  advance(ms: number): void {
    this.clockOffsetMs += ms;
    this.purgeExpired();
  }

  private bump(u: SimUser): void {
    this.seq += 1;
    u.seq = this.seq;
  }

  /** Permanently remove soft-deleted users past the 30-day retention. */
  purgeExpired(): void {
    const now = this.now().getTime();
    for (const u of [...this.users.values()]) {
      if (u.deleted && now - Date.parse(u.deleted.at) > RETENTION_MS) this.hardDelete(u.id);
    }
  }

  /** Live (not deleted) users. */
  liveUsers(): SimUser[] {
    this.purgeExpired();
    return [...this.users.values()].filter((u) => !u.deleted);
  }

  /** Soft-deleted users (GET /directory/deletedItems/microsoft.graph.user). */
  deletedUsers(): SimUser[] {
    this.purgeExpired();
    return [...this.users.values()].filter((u) => u.deleted);
  }

  /** A live user by id or UPN; 404 otherwise. */
  user(idOrUpn: string): SimUser {
    this.purgeExpired();
    const direct = this.users.get(idOrUpn);
    if (direct && !direct.deleted) return direct;
    const key = idOrUpn.toLowerCase();
    for (const u of this.users.values()) if (!u.deleted && lc(u.props.userPrincipalName) === key) return u;
    throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(idOrUpn));
  }

  /** A group by id; 404 otherwise. */
  group(id: string): SimGroup {
    const g = this.groups.get(id);
    if (!g) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(id));
    return g;
  }

  /** Any directory object (live user or group) by id, for `$ref` bodies. */
  directoryObjectExists(id: string): boolean {
    const u = this.users.get(id);
    return (u !== undefined && !u.deleted) || this.groups.has(id);
  }

  // ---------- validation ----------

  private validateValue(name: string, def: PropDef, value: unknown): Json {
    if (value === null) {
      if (name === 'displayName' || name === 'userPrincipalName' || name === 'mailNickname' || name === 'accountEnabled') throw invalid();
      return null;
    }
    switch (def.type) {
      case 'boolean':
        if (typeof value !== 'boolean') throw invalid();
        return value;
      case 'string':
        if (typeof value !== 'string' || (def.max !== undefined && value.length > def.max)) throw invalid();
        if (name !== 'displayName' && value === '') throw invalid();
        return value;
      case 'datetime':
        if (typeof value !== 'string' || !ISO_DT.test(value) || Number.isNaN(Date.parse(value))) throw invalid();
        return new Date(value).toISOString().replace('.000Z', 'Z');
      case 'strings':
        if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) throw invalid();
        if (name === 'businessPhones' && value.length > 1) throw invalid();
        return value as string[];
      default:
        throw invalid();
    }
  }

  private validateUpn(upn: string): void {
    const at = upn.lastIndexOf('@');
    if (at <= 0) throw invalid();
    const local = upn.slice(0, at);
    const domain = upn.slice(at + 1).toLowerCase();
    if (local.length > 64 || !UPN_LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) throw invalid();
    if (!this.verifiedDomains.some((d) => d.toLowerCase() === domain)) {
      throw new GraphError(400, 'Request_BadRequest', MSG.upnDomain, [{ target: 'userPrincipalName', code: 'InvalidValue' }]);
    }
  }

  private validatePassword(pw: unknown): void {
    if (typeof pw !== 'string' || pw.length < 8 || pw.length > 256) throw new GraphError(400, 'Request_BadRequest', MSG.password);
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
    if (classes < 3) throw new GraphError(400, 'Request_BadRequest', MSG.password);
  }

  /** Throws ObjectConflict when a unique value is held by another live user. */
  private checkUnique(self: string | null, upn: string | undefined, mail: string | null | undefined, nick: string | undefined, proxies: readonly string[]): void {
    const smtp = (a: string): string => a.replace(/^smtp:/i, '').toLowerCase();
    for (const u of this.liveUsers()) {
      if (u.id === self) continue;
      const theirProxies = ((u.props.proxyAddresses as string[] | null) ?? []).map(smtp);
      if (upn !== undefined) {
        if (lc(u.props.userPrincipalName) === upn.toLowerCase()) throw conflict('userPrincipalName');
        if (theirProxies.includes(upn.toLowerCase())) throw conflict('proxyAddresses');
      }
      if (mail) {
        if (lc(u.props.mail) === mail.toLowerCase() || theirProxies.includes(mail.toLowerCase())) throw conflict('proxyAddresses');
      }
      for (const p of proxies) if (theirProxies.includes(smtp(p))) throw conflict('proxyAddresses');
      if (nick !== undefined && lc(u.props.mailNickname) === nick.toLowerCase()) throw conflict('mailNickname');
    }
  }

  /** Validate writable properties of a create/update body; returns the cleaned values. */
  private cleanBody(body: unknown, creating: boolean): JsonObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k.startsWith('@odata.')) continue;
      const def = USER_PROPS[k];
      if (!def) throw new GraphError(400, 'Request_BadRequest', `Invalid property '${k}'.`);
      if (!def.writable) throw new GraphError(400, 'Request_BadRequest', MSG.readOnly(k));
      if (def.type === 'ext') {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid();
        const ext: JsonObject = {};
        for (const [ek, ev] of Object.entries(v as Record<string, unknown>)) {
          if (!EXT_KEYS.includes(ek)) throw new GraphError(400, 'Request_BadRequest', `Invalid property '${ek}'.`);
          if (ev !== null && (typeof ev !== 'string' || ev.length > 1024)) throw invalid();
          ext[ek] = ev as string | null;
        }
        out[k] = ext;
      } else if (k === 'passwordProfile') {
        if (typeof v !== 'object' || v === null) throw invalid();
        const pp = v as Record<string, unknown>;
        this.validatePassword(pp.password);
        out[k] = { forceChangePasswordNextSignIn: pp.forceChangePasswordNextSignIn !== false, forceChangePasswordNextSignInWithMfa: pp.forceChangePasswordNextSignInWithMfa === true };
      } else {
        out[k] = this.validateValue(k, def, v);
      }
    }
    if (creating) {
      for (const [k, def] of Object.entries(USER_PROPS)) {
        if (def.required && (out[k] === undefined || out[k] === null)) throw invalid();
      }
    }
    if (typeof out.userPrincipalName === 'string') this.validateUpn(out.userPrincipalName);
    if (typeof out.mailNickname === 'string' && !MAIL_NICK.test(out.mailNickname)) throw invalid();
    if (typeof out.mail === 'string' && !EMAIL.test(out.mail)) throw invalid();
    if (typeof out.usageLocation === 'string' && !/^[A-Za-z]{2}$/.test(out.usageLocation)) throw invalid();
    return out;
  }

  // ---------- users ----------

  /** POST /users */
  createUser(body: unknown): SimUser {
    const clean = this.cleanBody(body, true);
    const mail = typeof clean.mail === 'string' ? clean.mail : null;
    this.checkUnique(null, clean.userPrincipalName as string, mail, clean.mailNickname as string, []);
    const now = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { passwordProfile, onPremisesExtensionAttributes, ...rest } = clean;
    const ext: JsonObject = Object.fromEntries(EXT_KEYS.map((k) => [k, null]));
    Object.assign(ext, (onPremisesExtensionAttributes as JsonObject | undefined) ?? {});
    const props: JsonObject = {};
    for (const k of Object.keys(USER_PROPS)) props[k] = null;
    Object.assign(props, {
      businessPhones: [], otherMails: [], proxyAddresses: mail ? [`SMTP:${mail}`] : [], assignedLicenses: [],
      userType: 'Member', creationType: null, createdDateTime: now, signInSessionsValidFromDateTime: now,
      lastPasswordChangeDateTime: now, onPremisesSyncEnabled: null,
    }, rest, { onPremisesExtensionAttributes: ext, passwordProfile: passwordProfile ?? null });
    const u: SimUser = { id: randomUUID(), props, managerId: null, deleted: null, seq: 0 };
    u.props.id = u.id;
    this.users.set(u.id, u);
    this.bump(u);
    return u;
  }

  /** PATCH /users/{id} */
  updateUser(idOrUpn: string, body: unknown): void {
    const u = this.user(idOrUpn);
    const clean = this.cleanBody(body, false);
    const mailChanged = 'mail' in clean && lc(clean.mail) !== lc(u.props.mail);
    this.checkUnique(
      u.id,
      typeof clean.userPrincipalName === 'string' && lc(clean.userPrincipalName) !== lc(u.props.userPrincipalName) ? clean.userPrincipalName : undefined,
      mailChanged ? (clean.mail as string | null) : undefined,
      typeof clean.mailNickname === 'string' && lc(clean.mailNickname) !== lc(u.props.mailNickname) ? clean.mailNickname : undefined,
      [],
    );
    for (const [k, v] of Object.entries(clean)) {
      if (k === 'onPremisesExtensionAttributes') {
        u.props[k] = { ...(u.props[k] as JsonObject), ...(v as JsonObject) };
      } else if (k === 'passwordProfile') {
        u.props[k] = v;
        u.props.lastPasswordChangeDateTime = this.now().toISOString();
      } else {
        u.props[k] = v;
      }
    }
    if (mailChanged) {
      // Setting mail makes it the primary SMTP address; the former primary stays as an smtp: alias.
      const newMail = clean.mail as string | null;
      const proxies = ((u.props.proxyAddresses as string[] | null) ?? []).map((p) => (p.startsWith('SMTP:') ? `smtp:${p.slice(5)}` : p));
      const rest = proxies.filter((p) => !newMail || p.slice(5).toLowerCase() !== newMail.toLowerCase());
      u.props.proxyAddresses = newMail ? [`SMTP:${newMail}`, ...rest] : rest;
    }
    this.bump(u);
  }

  /** DELETE /users/{id}: soft delete into deleted items; the UPN is prefixed with the object id like Entra does. */
  deleteUser(idOrUpn: string): void {
    const u = this.user(idOrUpn);
    const upn = u.props.userPrincipalName as string;
    const at = this.now().toISOString();
    u.deleted = { at, upn };
    u.props.deletedDateTime = at;
    u.props.userPrincipalName = `${u.id.replace(/-/g, '')}${upn}`;
    for (const g of this.groups.values()) g.members = g.members.filter((m) => m !== u.id);
    for (const other of this.users.values()) if (other.managerId === u.id) other.managerId = null;
    this.bump(u);
  }

  /** A soft-deleted user by id; 404 otherwise. */
  deletedUser(id: string): SimUser {
    this.purgeExpired();
    const u = this.users.get(id);
    if (!u || !u.deleted) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(id));
    return u;
  }

  /** POST /directory/deletedItems/{id}/restore */
  restoreUser(id: string): SimUser {
    const u = this.deletedUser(id);
    const upn = u.deleted?.upn as string;
    this.checkUnique(u.id, upn, u.props.mail as string | null, u.props.mailNickname as string, (u.props.proxyAddresses as string[] | null) ?? []);
    u.props.userPrincipalName = upn;
    u.props.deletedDateTime = null;
    u.deleted = null;
    this.bump(u);
    return u;
  }

  /** Permanent delete (DELETE /directory/deletedItems/{id} or retention expiry). */
  hardDelete(id: string): void {
    this.users.delete(id);
    this.seq += 1;
    this.tombstones.set(id, this.seq);
  }

  /** PUT /users/{id}/manager/$ref */
  setManager(idOrUpn: string, managerId: string): void {
    const u = this.user(idOrUpn);
    const m = this.user(managerId);
    if (m.id === u.id) throw invalid();
    u.managerId = m.id;
    this.bump(u);
  }

  /** DELETE /users/{id}/manager/$ref */
  removeManager(idOrUpn: string): void {
    const u = this.user(idOrUpn);
    if (!u.managerId) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound('manager'));
    u.managerId = null;
    this.bump(u);
  }

  /** POST /users/{id}/revokeSignInSessions */
  revokeSessions(idOrUpn: string): void {
    const u = this.user(idOrUpn);
    u.props.signInSessionsValidFromDateTime = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.bump(u);
  }

  // ---------- licences ----------

  /** Units in use per SKU (live users only). */
  consumed(skuId: string): number {
    return this.liveUsers().filter((u) => ((u.props.assignedLicenses as JsonObject[] | null) ?? []).some((l) => l.skuId === skuId)).length;
  }

  /** POST /users/{id}/assignLicense */
  assignLicense(idOrUpn: string, body: unknown): SimUser {
    const u = this.user(idOrUpn);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (!Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) throw invalid();
    const current = [...((u.props.assignedLicenses as JsonObject[] | null) ?? [])];
    const adds = b.addLicenses as unknown[];
    const removes = b.removeLicenses as unknown[];
    if (adds.length > 0 && !u.props.usageLocation) throw new GraphError(400, 'Request_BadRequest', MSG.usageLocation);
    for (const r of removes) {
      if (typeof r !== 'string') throw invalid();
      if (!this.skus.some((s) => s.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(r));
      if (!current.some((l) => l.skuId === r)) throw new GraphError(400, 'Request_BadRequest', MSG.noSuchLicence);
    }
    const next = current.filter((l) => !removes.includes(l.skuId));
    for (const a of adds) {
      const add = a as Record<string, unknown>;
      const skuId = typeof add?.skuId === 'string' ? add.skuId : '';
      const sku = this.skus.find((s) => s.skuId === skuId);
      if (!sku) throw new GraphError(400, 'Request_BadRequest', MSG.badSku(skuId));
      const disabledPlans = Array.isArray(add.disabledPlans) ? (add.disabledPlans as string[]) : [];
      const idx = next.findIndex((l) => l.skuId === skuId);
      if (idx >= 0) {
        next[idx] = { skuId, disabledPlans };
        continue;
      }
      if (this.consumed(skuId) >= sku.prepaidUnits) throw new GraphError(400, 'Request_BadRequest', MSG.noSeats(skuId));
      next.push({ skuId, disabledPlans });
    }
    u.props.assignedLicenses = next;
    this.bump(u);
    return u;
  }

  // ---------- groups ----------

  /** POST /groups */
  createGroup(body: unknown): SimGroup {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b.displayName !== 'string' || !b.displayName || typeof b.mailNickname !== 'string' || typeof b.mailEnabled !== 'boolean' || typeof b.securityEnabled !== 'boolean') throw invalid();
    const g: SimGroup = {
      id: randomUUID(),
      props: {
        displayName: b.displayName, mailNickname: b.mailNickname, mailEnabled: b.mailEnabled, securityEnabled: b.securityEnabled,
        description: typeof b.description === 'string' ? b.description : null,
        groupTypes: Array.isArray(b.groupTypes) ? (b.groupTypes as string[]) : [], mail: null, createdDateTime: this.now().toISOString(),
      },
      members: [],
    };
    g.props.id = g.id;
    this.groups.set(g.id, g);
    return g;
  }

  /** POST /groups/{id}/members/$ref */
  addMember(groupId: string, memberId: string): void {
    const g = this.group(groupId);
    if (!this.directoryObjectExists(memberId)) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(memberId));
    if (g.members.includes(memberId)) throw new GraphError(400, 'Request_BadRequest', MSG.alreadyMember);
    g.members.push(memberId);
  }

  /** DELETE /groups/{id}/members/{memberId}/$ref */
  removeMember(groupId: string, memberId: string): void {
    const g = this.group(groupId);
    if (!g.members.includes(memberId)) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound(memberId));
    g.members = g.members.filter((m) => m !== memberId);
  }

  /** Groups a user is a direct member of. */
  memberOf(userId: string): SimGroup[] {
    return [...this.groups.values()].filter((g) => g.members.includes(userId));
  }

  // ---------- persistence ----------

  /** Serialisable copy of the whole tenant. */
  snapshot(): TenantSnapshot {
    return {
      users: [...this.users.values()], groups: [...this.groups.values()], skus: this.skus, seq: this.seq,
      tombstones: [...this.tombstones.entries()], clockOffsetMs: this.clockOffsetMs,
    };
  }

  /** Replace the tenant's content with a snapshot. */
  load(s: TenantSnapshot): void {
    this.users.clear();
    this.groups.clear();
    this.tombstones.clear();
    for (const u of s.users) this.users.set(u.id, u);
    for (const g of s.groups) this.groups.set(g.id, g);
    if (s.skus.length > 0) this.skus = s.skus;
    for (const [id, seq] of s.tombstones) this.tombstones.set(id, seq);
    this.seq = s.seq;
    this.clockOffsetMs = s.clockOffsetMs;
  }
}
