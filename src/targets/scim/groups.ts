/**
 * Group membership of the SCIM target: entitlements are Groups (by displayName), membership lives in the
 * Group's `members` (RFC 7643 §4.2) and changes by PATCH add/remove on the Group, or PUT of the Group.
 */
import type { EntitlementListing } from '../contract.js';
import { eqFilter } from './filter.js';
import { ScimTargetError } from './http.js';
import type { ScimTargetOptions } from './guard.js';
import type { Json, ResourceApi } from './resources.js';

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether an entitlement is managed (exact name or trailing-`*` prefix; all when the list is empty). */
export function isManaged(managed: readonly string[], name: string): boolean {
  if (managed.length === 0) return true;
  return managed.some((m) => (m.endsWith('*') ? name.startsWith(m.slice(0, -1)) : m === name));
}

const memberIds = (g: Json): string[] =>
  (Array.isArray(g.members) ? g.members : []).filter(isObj).map((m) => m.value).filter((v): v is string => typeof v === 'string');

/** Membership operations over the Groups endpoint. */
export interface ScimGroups {
  /** Entitlement names of the groups the user is in. */
  heldBy(userId: string): Promise<string[]>;
  /** userId → entitlement names, for every group (used by `list()`). */
  index(): Promise<Map<string, string[]>>;
  grant(userId: string, entitlement: string): Promise<'added' | 'held'>;
  revoke(userId: string, entitlement: string): Promise<'removed' | 'absent'>;
  listing(): Promise<EntitlementListing>;
}

/** Create the group helper. */
export function scimGroups(api: ResourceApi, opts: ScimTargetOptions): ScimGroups {
  const toEntitlement = new Map(Object.entries(opts.groups).map(([e, dn]) => [dn.toLowerCase(), e]));
  const nameOf = (g: Json): string => {
    const dn = typeof g.displayName === 'string' ? g.displayName : String(g.id);
    return toEntitlement.get(dn.toLowerCase()) ?? dn;
  };
  const ids = new Map<string, string>();

  const groupId = async (entitlement: string): Promise<string> => {
    const dn = opts.groups[entitlement] ?? entitlement;
    const known = ids.get(dn.toLowerCase());
    if (known !== undefined) return known;
    const found = (await api.where('displayName', dn, 'id,displayName')).filter((g) => typeof g.id === 'string');
    const exact = found.find((g) => g.displayName === dn) ?? found[0];
    if (!exact) throw new ScimTargetError('ENTITLEMENT_UNKNOWN', `no SCIM group with displayName "${dn}"`);
    ids.set(dn.toLowerCase(), String(exact.id));
    return String(exact.id);
  };

  const isMember = async (gid: string, userId: string): Promise<boolean | undefined> => {
    const g = await api.get(gid);
    return g ? memberIds(g.resource).includes(userId) : undefined;
  };

  return {
    async heldBy(userId) {
      const out: string[] = [];
      for await (const page of api.pages(eqFilter('members.value', userId), 'id,displayName')) out.push(...page.map(nameOf));
      return [...new Set(out)].sort();
    },
    async index() {
      const out = new Map<string, string[]>();
      for await (const page of api.pages(undefined, 'id,displayName,members')) {
        for (const g of page) {
          for (const m of memberIds(g)) out.set(m, [...(out.get(m) ?? []), nameOf(g)]);
        }
      }
      return out;
    },
    async grant(userId, entitlement) {
      const gid = await groupId(entitlement);
      // scimmy (and others) append a member that is already there: look first.
      if (await isMember(gid, userId)) return 'held';
      const r = await api.modify(gid, {
        ops: () => [{ op: 'add', path: 'members', value: [{ value: userId }] }],
        replace: (cur) => ({ ...cur, members: [...(Array.isArray(cur.members) ? cur.members : []), { value: userId }] }),
      });
      if (!r) throw new ScimTargetError('ENTITLEMENT_UNKNOWN', `SCIM group for "${entitlement}" disappeared`);
      return 'added';
    },
    async revoke(userId, entitlement) {
      let gid: string;
      try {
        gid = await groupId(entitlement);
      } catch (e) {
        if (e instanceof ScimTargetError && e.code === 'ENTITLEMENT_UNKNOWN') return 'absent';
        throw e;
      }
      if (!(await isMember(gid, userId))) return 'absent';
      await api.modify(gid, {
        ops: () => [{ op: 'remove', path: `members[${eqFilter('value', userId)}]` }],
        replace: (cur) => ({ ...cur, members: (Array.isArray(cur.members) ? cur.members : []).filter((m) => !(isObj(m) && m.value === userId)) }),
      });
      return 'removed';
    },
    async listing() {
      const names = new Set<string>();
      for await (const page of api.pages(undefined, 'id,displayName')) {
        for (const g of page) {
          if (typeof g.displayName === 'string') names.add(g.displayName);
          names.add(nameOf(g));
        }
      }
      return { names: [...names].sort() };
    },
  };
}
