/**
 * Entitlement resolution: an entitlement name is a licence (via `licences:` → SKU part number or
 * skuId) or a group (via `groups:` → displayName or object id; default: its own displayName).
 * Lookups are cached per connector instance.
 */
import { odataString } from './odata.js';
import { EntraError, mapGraphError } from './errors.js';
import type { GraphCall } from './batch.js';
import type { EntraTargetOptions } from './guard.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an entitlement refers to in Graph. */
export type Resolved = { kind: 'licence'; skuId: string } | { kind: 'group'; id: string };

/** Resolver with caches. */
export interface EntitlementResolver {
  /** Resolve one entitlement; coded error when the group/SKU does not exist or is ambiguous. */
  resolve(name: string): Promise<Resolved>;
  isLicence(name: string): boolean;
  /** Entitlement name for a skuId held by a user (undefined = unmanaged licence). */
  licenceName(skuId: string): Promise<string | undefined>;
  /** Managed groups (entitlement name → group id) that list() reads. */
  managedGroups(): Promise<Map<string, string>>;
  /** Entitlement name of a group id, if it is one Cadre resolved. */
  groupName(id: string): string | undefined;
  /** Every entitlement a rule may grant: subscribed licences, every group's displayName and id, mapped names that resolve. */
  catalog(): Promise<{ names: string[]; unresolved: Record<string, string> }>;
  /** The tenant's subscribed SKUs (cached). */
  subscribedSkus(): Promise<{ skuId: string; skuPartNumber: string }[]>;
}

/** Build the resolver. `managedEntitlements` comes from the target block (prefix `*` allowed). */
export function createResolver(opts: EntraTargetOptions, managedEntitlements: readonly string[], call: GraphCall): EntitlementResolver {
  const groupCache = new Map<string, Promise<string>>();
  const groupNames = new Map<string, string>();
  let skus: Promise<{ skuId: string; skuPartNumber: string }[]> | undefined;

  const loadSkus = (): Promise<{ skuId: string; skuPartNumber: string }[]> => {
    skus ??= (async () => {
      const res = await call('GET', '/subscribedSkus?$select=skuId,skuPartNumber');
      if (res.status !== 200) { skus = undefined; throw mapGraphError(res, 'reading subscribed SKUs'); }
      return ((res.body as { value?: { skuId: string; skuPartNumber: string }[] }).value ?? []);
    })();
    return skus;
  };

  const lookupGroup = (name: string): Promise<string> => {
    let p = groupCache.get(name);
    if (!p) {
      p = (async () => {
        const ref = opts.groups[name] ?? name;
        if (GUID.test(ref)) {
          const res = await call('GET', `/groups/${ref}?$select=id,displayName`);
          if (res.status === 404) throw new EntraError('ENTRA_GROUP_NOT_FOUND', `group ${ref} for entitlement '${name}' does not exist`);
          if (res.status !== 200) throw mapGraphError(res, `resolving group for entitlement '${name}'`);
          return ref;
        }
        const res = await call('GET', `/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(ref)}`)}&$select=id,displayName`);
        if (res.status !== 200) throw mapGraphError(res, `resolving group '${ref}'`);
        const value = (res.body as { value?: { id: string }[] }).value ?? [];
        if (value.length === 0) throw new EntraError('ENTRA_GROUP_NOT_FOUND', `no group named '${ref}' (entitlement '${name}')`);
        if (value.length > 1) throw new EntraError('ENTRA_GROUP_AMBIGUOUS', `${value.length} groups are named '${ref}' (entitlement '${name}'); map it to an object id under groups:`);
        return (value[0] as { id: string }).id;
      })();
      p.then((id) => groupNames.set(id, name), () => groupCache.delete(name));
      groupCache.set(name, p);
    }
    return p;
  };

  const isLicence = (name: string): boolean => Object.hasOwn(opts.licences, name);

  return {
    isLicence,
    async resolve(name) {
      if (isLicence(name)) {
        const ref = opts.licences[name] as string;
        const all = await loadSkus();
        const sku = all.find((s) => s.skuId.toLowerCase() === ref.toLowerCase() || s.skuPartNumber.toLowerCase() === ref.toLowerCase());
        if (!sku) throw new EntraError('ENTRA_LICENCE_UNKNOWN', `licence '${ref}' (entitlement '${name}') is not subscribed in this tenant`);
        return { kind: 'licence', skuId: sku.skuId };
      }
      return { kind: 'group', id: await lookupGroup(name) };
    },
    async licenceName(skuId) {
      const all = await loadSkus();
      for (const [name, ref] of Object.entries(opts.licences)) {
        const sku = all.find((s) => s.skuId.toLowerCase() === ref.toLowerCase() || s.skuPartNumber.toLowerCase() === ref.toLowerCase());
        if (sku && sku.skuId.toLowerCase() === skuId.toLowerCase()) return name;
      }
      return undefined;
    },
    async managedGroups() {
      const names = new Set<string>([...(opts.managedGroups ?? []), ...Object.keys(opts.groups)]);
      const prefixes: string[] = [];
      if (!opts.managedGroups) {
        for (const e of managedEntitlements) {
          if (isLicence(e)) continue;
          if (e.endsWith('*')) prefixes.push(e.slice(0, -1));
          else names.add(e);
        }
      }
      for (const n of groupNames.values()) names.add(n);
      const out = new Map<string, string>();
      for (const prefix of prefixes) {
        let url: string | undefined = `/groups?$filter=${encodeURIComponent(`startswith(displayName,${odataString(prefix)})`)}&$select=id,displayName&$top=999`;
        while (url) {
          const res = await call('GET', url);
          if (res.status !== 200) throw mapGraphError(res, `listing groups '${prefix}*'`);
          const body = res.body as { value?: { id: string; displayName: string }[]; '@odata.nextLink'?: string };
          for (const g of body.value ?? []) { out.set(g.displayName, g.id); groupNames.set(g.id, g.displayName); }
          url = body['@odata.nextLink'];
        }
      }
      for (const n of names) {
        if (out.has(n)) continue;
        try {
          out.set(n, await lookupGroup(n));
        } catch (err) {
          if (!(err instanceof EntraError) || err.code !== 'ENTRA_GROUP_NOT_FOUND') throw err;
        }
      }
      return out;
    },
    groupName: (id) => groupNames.get(id),
    subscribedSkus: loadSkus,
    async catalog() {
      const out = new Set<string>();
      const unresolved: Record<string, string> = {};
      const all = await loadSkus();
      for (const [name, ref] of Object.entries(opts.licences)) {
        if (all.some((s) => s.skuId.toLowerCase() === ref.toLowerCase() || s.skuPartNumber.toLowerCase() === ref.toLowerCase())) out.add(name);
        else unresolved[name.toLowerCase()] = `options.licences maps it to ${ref}, which this tenant does not subscribe`;
      }
      const byName = new Set<string>();
      let url: string | undefined = '/groups?$select=id,displayName&$top=999';
      while (url) {
        const res = await call('GET', url);
        if (res.status !== 200) throw mapGraphError(res, 'listing groups');
        const body = res.body as { value?: { id: string; displayName: string }[]; '@odata.nextLink'?: string };
        for (const g of body.value ?? []) {
          out.add(g.displayName);
          out.add(g.id);
          byName.add(g.displayName.toLowerCase());
          byName.add(g.id.toLowerCase());
        }
        url = body['@odata.nextLink'];
      }
      for (const [name, ref] of Object.entries(opts.groups)) {
        if (byName.has(ref.toLowerCase())) out.add(name);
        else unresolved[name.toLowerCase()] = `options.groups maps it to ${ref}, and no group has that name or id`;
      }
      return { names: [...out], unresolved };
    },
  };
}
