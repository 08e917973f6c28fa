/**
 * The simulated Entra tenant: users (live and soft-deleted), groups, licences, manager links and a
 * change sequence for delta queries. Validation mirrors Microsoft Graph v1.0 (api-facts.md §2).
 *
 * The class holds the state, clock and lookups; each role lives in its own module:
 * tenant-model.ts (records, property table), tenant-validation.ts, tenant-users.ts,
 * tenant-deleted.ts (deleted items), tenant-licences.ts, tenant-groups.ts.
 */
import { createHash } from 'node:crypto';
import { GraphError, MSG } from './errors.js';
import * as deletedItems from './tenant-deleted.js';
import * as groups from './tenant-groups.js';
import * as licences from './tenant-licences.js';
import { lc } from './tenant-model.js';
import type { SimGroup, SimSku, SimUser, TenantSnapshot } from './tenant-model.js';
import * as users from './tenant-users.js';
import { DEFAULT_TAP_POLICY, tapSignIn } from './tenant-tap.js';
import type { SimTap, TapPolicy } from './tenant-tap.js';

export { DEFAULT_USER_SELECT, GROUP_PROPS, RETENTION_MS, USER_PROPS } from './tenant-model.js';
export type { Json, JsonObject, SimGroup, SimSku, SimUser, TenantSnapshot } from './tenant-model.js';

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
  /** Temporary Access Passes by user id (one per user; tenant-tap.ts). */
  readonly taps = new Map<string, SimTap>();
  /** The Temporary Access Pass policy (Entra's defaults unless a test or `cadre sim graph` sets another). */
  tapPolicy: TapPolicy = { ...DEFAULT_TAP_POLICY };

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

  /** Record a change to `u` for delta queries (used by the role modules). */
  bump(u: SimUser): void {
    this.seq += 1;
    u.seq = this.seq;
  }

  /** Permanently remove soft-deleted users past the 30-day retention. */
  purgeExpired(): void {
    deletedItems.purgeExpired(this);
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

  // ---------- users (tenant-users.ts) ----------

  /** POST /users */
  createUser(body: unknown): SimUser {
    return users.createUser(this, body);
  }

  /** PATCH /users/{id} */
  updateUser(idOrUpn: string, body: unknown): void {
    users.updateUser(this, idOrUpn, body);
  }

  /** PUT /users/{id}/manager/$ref */
  setManager(idOrUpn: string, managerId: string): void {
    users.setManager(this, idOrUpn, managerId);
  }

  /** DELETE /users/{id}/manager/$ref */
  removeManager(idOrUpn: string): void {
    users.removeManager(this, idOrUpn);
  }

  /** POST /users/{id}/revokeSignInSessions */
  /** Whether `password` is the user's current password (a sign-in check for tests; the API never returns passwords). */
  checkPassword(idOrUpn: string, password: string): boolean {
    const u = this.user(idOrUpn);
    return u.passwordHash !== undefined && u.passwordHash === createHash('sha256').update(password).digest('hex');
  }

  revokeSessions(idOrUpn: string): void {
    users.revokeSessions(this, idOrUpn);
  }

  // ---------- deleted items (tenant-deleted.ts) ----------

  /** DELETE /users/{id}: soft delete into deleted items; the UPN is prefixed with the object id like Entra does. */
  deleteUser(idOrUpn: string): void {
    deletedItems.deleteUser(this, idOrUpn);
  }

  /** A soft-deleted user by id; 404 otherwise. */
  deletedUser(id: string): SimUser {
    return deletedItems.deletedUser(this, id);
  }

  /** POST /directory/deletedItems/{id}/restore */
  restoreUser(id: string): SimUser {
    return deletedItems.restoreUser(this, id);
  }

  /** Permanent delete (DELETE /directory/deletedItems/{id} or retention expiry). */
  hardDelete(id: string): void {
    deletedItems.hardDelete(this, id);
  }

  // ---------- licences (tenant-licences.ts) ----------

  /** Units in use per SKU (live users only). */
  consumed(skuId: string): number {
    return licences.consumed(this, skuId);
  }

  /** POST /users/{id}/assignLicense */
  assignLicense(idOrUpn: string, body: unknown): SimUser {
    return licences.assignLicense(this, idOrUpn, body);
  }

  /** POST /groups/{id}/assignLicense (group-based licensing) */
  assignGroupLicense(groupId: string, body: unknown): void {
    licences.assignGroupLicense(this, groupId, body);
  }

  // ---------- groups (tenant-groups.ts) ----------

  /** POST /groups */
  createGroup(body: unknown): SimGroup {
    return groups.createGroup(this, body);
  }

  /** POST /groups/{id}/members/$ref */
  addMember(groupId: string, memberId: string): void {
    groups.addMember(this, groupId, memberId);
  }

  /** DELETE /groups/{id}/members/{memberId}/$ref */
  removeMember(groupId: string, memberId: string): void {
    groups.removeMember(this, groupId, memberId);
  }

  /** Groups a user is a direct member of. */
  memberOf(userId: string): SimGroup[] {
    return groups.memberOf(this, userId);
  }

  transitiveMemberOf(objectId: string): SimGroup[] {
    return groups.transitiveMemberOf(this, objectId);
  }

  // ---------- persistence ----------

  /** Serialisable copy of the whole tenant. */
  snapshot(): TenantSnapshot {
    return {
      users: [...this.users.values()], groups: [...this.groups.values()], skus: this.skus, seq: this.seq,
      tombstones: [...this.tombstones.entries()], clockOffsetMs: this.clockOffsetMs,
      taps: [...this.taps.entries()], tapPolicy: this.tapPolicy,
    };
  }

  /** Sign in with a Temporary Access Pass (tests): true when it is the user's usable pass (a one-time pass is used up). */
  signInWithTap(idOrUpn: string, pass: string): boolean {
    return tapSignIn(this, this.user(idOrUpn).id, pass);
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
    this.taps.clear();
    for (const [id, tap] of s.taps ?? []) this.taps.set(id, tap);
    if (s.tapPolicy) this.tapPolicy = s.tapPolicy;
  }
}
