/**
 * Read side of the Entra connector: list (with managed group memberships), find, isFree and the
 * `/users/delta` change feed. Users map to AccountState with the object id as anchor.
 */
import type { AccountState } from '../../core/model.js';
import type { Correlation } from '../contract.js';
import { EntraError } from './errors.js';
import type { GraphResponse } from './errors.js';
import { fromGraph, licenceHolding, MANAGER_EXPAND, USER_SELECT } from './mapping.js';
import { FILTERABLE } from './session.js';
import type { EntraSession, GraphUser } from './session.js';
import { odataString } from './odata.js';

/** Entitlements found on a user, split into managed (by name) and unmanaged (shown, never touched). */
interface Found { entitlements: string[]; unmanaged: string[] }

/** Users changed since the previous call, as the delta feed reports them. */
export interface EntraChanges { changed: AccountState[]; removed: { anchor: string; reason: 'changed' | 'deleted' }[] }

/** The read operations of one connector instance. */
export interface EntraReader {
  list(): AsyncIterable<AccountState[]>;
  find(c: Correlation): Promise<AccountState[]>;
  isFree(attribute: string, value: string): Promise<boolean>;
  /** Users changed since the last call (first call: all); the deltaLink is kept in memory. */
  listChanges(): Promise<EntraChanges>;
}

/** Build the read side on a session. */
export function createReader(s: EntraSession): EntraReader {
  const { name, resolver, call, http, expect, valueOf, pages, findUsers } = s;
  let deltaLink: string | undefined;

  async function entitlementsOf(u: GraphUser, memberOf: readonly { id: string; displayName?: string }[] | undefined, managed: Map<string, string> | undefined): Promise<Found> {
    const entitlements: string[] = [];
    const unmanaged: string[] = [];
    const held = licenceHolding(u);
    for (const skuId of held.direct) {
      const n = await resolver.licenceName(skuId);
      if (n) entitlements.push(n);
      else unmanaged.push(`licence:${skuId}`);
    }
    // A group-assigned licence is not held directly: it is reported, never revoked (Graph refuses that).
    for (const l of held.inherited) unmanaged.push(`licence:${(await resolver.licenceName(l.skuId)) ?? l.skuId} (assigned by group ${l.groups.join(', ')})`);
    if (memberOf) {
      const byId = new Map([...(managed ?? new Map<string, string>())].map(([n, id]) => [id, n]));
      for (const g of memberOf) {
        const n = byId.get(g.id) ?? resolver.groupName(g.id);
        if (n) entitlements.push(n);
        else unmanaged.push(g.displayName ?? g.id);
      }
    }
    return { entitlements, unmanaged };
  }

  function toState(u: GraphUser, ents: Found): AccountState {
    const attributes = fromGraph(u, s.codec);
    return {
      target: name,
      anchor: u.id,
      ...(typeof u.employeeId === 'string' && u.employeeId ? { correlation: u.employeeId } : {}),
      enabled: u.accountEnabled === true,
      attributes,
      entitlements: ents.entitlements,
      ...(ents.unmanaged.length > 0 ? { unmanaged: ents.unmanaged } : {}),
    };
  }

  async function stateWithMemberships(u: GraphUser): Promise<AccountState> {
    const groups: { id: string; displayName?: string }[] = [];
    for await (const page of pages(`/users/${u.id}/memberOf?$select=id,displayName`, `reading groups of ${u.id}`)) groups.push(...(page as { id: string; displayName?: string }[]));
    const managed = await resolver.managedGroups();
    return toState(u, await entitlementsOf(u, groups, managed));
  }

  return {
    async *list() {
      const managed = await resolver.managedGroups();
      const memberships = new Map<string, string[]>();
      for (const [ent, gid] of managed) {
        for await (const page of pages(`/groups/${gid}/members?$select=id&$top=999`, `reading members of group '${ent}'`)) {
          for (const m of page) memberships.set(m.id, [...(memberships.get(m.id) ?? []), ent]);
        }
      }
      for await (const page of pages(`/users?$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}&$top=999`, 'listing users')) {
        const states: AccountState[] = [];
        for (const u of page) {
          // Cadre's scope: accounts that carry a correlation value. Filtered here because `employeeId ne null` needs an advanced query.
          if (typeof u.employeeId !== 'string' || u.employeeId === '') continue;
          const ents = await entitlementsOf(u, undefined, undefined);
          states.push(toState(u, { entitlements: [...ents.entitlements, ...(memberships.get(u.id) ?? [])], unmanaged: ents.unmanaged }));
        }
        if (states.length > 0) yield states;
      }
    },

    async find(c: Correlation) {
      const users = await findUsers(c.attribute, c.value);
      return Promise.all(users.map((u) => stateWithMemberships(u)));
    },

    async isFree(attribute: string, value: string) {
      const v = value.replace(/^smtp:/i, '');
      const q = (f: string): Promise<GraphResponse> => call('GET', `/users?$filter=${encodeURIComponent(f)}&$select=id&$top=1`);
      let checks: string[];
      if (attribute === 'userPrincipalName' || attribute === 'mail' || attribute === 'proxyAddresses') {
        // An address is taken when any user has it as UPN, mail or proxy address (disabled users included).
        checks = [`userPrincipalName eq ${odataString(v)}`, `mail eq ${odataString(v)}`, `proxyAddresses/any(x:x eq ${odataString(`smtp:${v}`)})`];
      } else {
        if (!FILTERABLE.has(attribute)) throw new EntraError('ENTRA_INVALID', `isFree: attribute '${attribute}' cannot be checked`);
        checks = [`${attribute} eq ${odataString(v)}`];
      }
      const results = await Promise.all(checks.map(q));
      for (const r of results) expect(r, [200], `isFree ${attribute}=${value}`);
      return results.every((r) => valueOf(r).length === 0);
    },

    async listChanges() {
      const changed: AccountState[] = [];
      const removed: { anchor: string; reason: 'changed' | 'deleted' }[] = [];
      let url: string | undefined = deltaLink ?? `/users/delta?$select=${USER_SELECT}`;
      while (url) {
        const res = expect(await http.send('GET', url), [200], 'reading user changes (delta)');
        const body = res.body as { value?: GraphUser[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
        for (const u of body.value ?? []) {
          const rm = u['@removed'] as { reason?: string } | undefined;
          if (rm) removed.push({ anchor: u.id, reason: rm.reason === 'deleted' ? 'deleted' : 'changed' });
          else if (typeof u.employeeId === 'string' && u.employeeId) changed.push(toState(u, await entitlementsOf(u, undefined, undefined)));
        }
        url = body['@odata.nextLink'];
        if (!url && body['@odata.deltaLink']) deltaLink = body['@odata.deltaLink'];
      }
      return { changed, removed };
    },
  };
}
