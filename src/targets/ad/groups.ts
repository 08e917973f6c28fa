/**
 * Managed groups: resolve an entitlement (a group DN or name) to the group's objectGUID, decide whether a group
 * is managed, and name memberships the way the rules name them.
 *
 * Resolved groups are cached by objectGUID and addressed as `<GUID=…>`, so a group renamed or moved after it was
 * first resolved keeps working within the process.
 */
import type { AdLdap } from './client.js';
import { bufferValue, values } from './client.js';
import { AdTargetError } from './errors.js';
import { eqFilter, escapeFilterValue, isBelow, normalizeDn, rdnValue, sameDn } from './escape.js';
import type { AdTargetOptions } from './guard.js';
import { guidToString } from './values.js';

/** A resolved group. */
export interface GroupRef {
  readonly guid: string;
  readonly dn: string;
  /** The entitlement name it was resolved from (as the rules use it). */
  readonly label: string;
}

const looksLikeDn = (s: string): boolean => /^[A-Za-z][A-Za-z0-9-]*=[^,]+,.*=/.test(s);

/** Prefix patterns (`GG-*`) and exact names from `targets.<name>.managedEntitlements`. */
function matchesPattern(name: string, patterns: readonly string[]): boolean {
  const n = name.toLowerCase();
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.endsWith('*') ? n.startsWith(q.slice(0, -1)) : n === q;
  });
}

/** Group resolution and naming for one AD target. */
export class GroupDirectory {
  /** label (lower-case) → resolved group */
  private readonly byLabel = new Map<string, GroupRef>();
  private readonly pending = new Map<string, Promise<GroupRef>>();
  private configuredLoaded: Promise<void> | undefined;
  private readonly labels = new Map<string, string | undefined>();

  constructor(
    private readonly ldap: AdLdap,
    private readonly opts: AdTargetOptions,
    /** `managedEntitlements` of the target block (exact names or `prefix*`). */
    private readonly patterns: readonly string[],
    /**
     * Names the rules grant (cn, sAMAccountName or DN): resolved before listing, so a membership is named as the
     * rules name it. Otherwise a group granted by DN is listed by its cn, re-granted by every plan and, when
     * `managedEntitlements` are DN patterns, never revoked from a leaver or a mover.
     */
    private readonly granted: readonly string[] = [],
  ) {}

  /** Whether a group DN is managed: configured explicitly, below a managed OU, or matching a managed pattern. */
  isManagedDn(dn: string): boolean {
    if (this.opts.managedGroupsOUs.some((ou) => isBelow(dn, ou))) return true;
    if (this.opts.managedGroups.some((g) => looksLikeDn(g) && sameDn(g, dn))) return true;
    for (const ref of this.byLabel.values()) if (sameDn(ref.dn, dn) && this.isConfiguredLabel(ref.label)) return true;
    return this.patterns.length > 0 && (matchesPattern(rdnValue(dn), this.patterns) || matchesPattern(dn, this.patterns));
  }

  private isConfiguredLabel(label: string): boolean {
    return this.opts.managedGroups.some((g) => g.toLowerCase() === label.toLowerCase());
  }

  /**
   * The entitlement name of a membership (a group DN from memberOf), or undefined when the group is unmanaged.
   * Names the rules used (configured names/DNs, earlier grants) win; otherwise `cn` or DN per `groupNaming`.
   */
  labelFor(dn: string): string | undefined {
    // list() asks this for every membership of every user: memoise per DN (cleared whenever the cache changes).
    if (this.labels.has(dn)) return this.labels.get(dn);
    const label = this.computeLabel(dn);
    this.labels.set(dn, label);
    return label;
  }

  private computeLabel(dn: string): string | undefined {
    for (const ref of this.byLabel.values()) if (sameDn(ref.dn, dn)) return this.isManagedDn(dn) ? ref.label : undefined;
    const configured = this.opts.managedGroups.find((g) => looksLikeDn(g) && sameDn(g, dn));
    if (configured !== undefined) return configured;
    if (!this.isManagedDn(dn)) return undefined;
    return this.opts.groupNaming === 'dn' ? dn : rdnValue(dn);
  }

  /** Resolve every configured `managedGroups` entry once (so list() can name them); refreshes DNs of cached groups. */
  async loadConfigured(force = false): Promise<void> {
    if (this.configuredLoaded !== undefined && !force) return this.configuredLoaded;
    this.configuredLoaded = (async () => {
      // Refresh DNs of groups resolved earlier (renames/moves), by GUID.
      for (const [key, ref] of [...this.byLabel]) {
        const e = await this.ldap.read(`<GUID=${ref.guid}>`, ['distinguishedName']);
        if (e === undefined) this.byLabel.delete(key);
        else this.byLabel.set(key, { ...ref, dn: e.dn });
        this.labels.clear();
      }
      for (const g of this.opts.managedGroups) {
        if (this.byLabel.has(g.toLowerCase())) continue;
        try {
          await this.resolve(g);
        } catch (e) {
          // A configured group that does not exist yet must not break listing; grants will report it.
          if (!(e instanceof AdTargetError) || e.code !== 'AD_GROUP_NOT_FOUND') throw e;
        }
      }
      for (const g of this.granted) {
        if (this.byLabel.has(g.toLowerCase())) continue;
        // The first name a rule uses for a group names its memberships (a second name for it would not compare).
        if (looksLikeDn(g) && [...this.byLabel.values()].some((r) => sameDn(r.dn, g))) continue;
        try {
          await this.resolve(g);
        } catch (e) {
          // Missing, unmanaged or ambiguous: the planner's catalogue check names the rule that grants it.
          if (!(e instanceof AdTargetError) || !['AD_GROUP_NOT_FOUND', 'AD_UNMANAGED_GROUP', 'AD_GROUP_AMBIGUOUS'].includes(e.code)) throw e;
        }
      }
    })();
    try {
      await this.configuredLoaded;
    } catch (e) {
      this.configuredLoaded = undefined;
      throw e;
    }
  }

  /**
   * Every group a rule may grant, under every name a rule may use for it (cn, sAMAccountName, DN): the groups
   * below `managedGroupsOUs`, those matching a `managedEntitlements` prefix, and the configured names that resolve.
   */
  async catalog(pageSize: number): Promise<string[]> {
    const out = new Set<string>();
    const attributes = ['cn', 'sAMAccountName'];
    const addAll = async (base: string, filter: string): Promise<void> => {
      for await (const page of this.ldap.searchPaged(base, { filter, attributes }, pageSize)) {
        for (const e of page) {
          out.add(e.dn);
          for (const a of attributes) for (const v of values(e, a)) out.add(v);
        }
      }
    };
    for (const ou of this.opts.managedGroupsOUs) await addAll(ou, '(objectClass=group)');
    const exact = [...this.opts.managedGroups];
    for (const p of this.patterns) {
      if (!p.endsWith('*')) { exact.push(p); continue; }
      const prefix = `${escapeFilterValue(p.slice(0, -1))}*`;
      await addAll(this.opts.baseDN, `(&(objectClass=group)(|(cn=${prefix})(sAMAccountName=${prefix})))`);
    }
    for (const name of exact) {
      try {
        const ref = await this.resolve(name);
        out.add(name);
        out.add(ref.dn);
        out.add(rdnValue(ref.dn));
      } catch (e) {
        // Not there (or not managed): the planner reports the rules that grant it.
        if (!(e instanceof AdTargetError) || !['AD_GROUP_NOT_FOUND', 'AD_UNMANAGED_GROUP', 'AD_GROUP_AMBIGUOUS'].includes(e.code)) throw e;
      }
    }
    return [...out];
  }

  /** Forget a cached group (after it vanished). */
  forget(label: string): void {
    this.byLabel.delete(label.toLowerCase());
    this.labels.clear();
  }

  /** Resolve an entitlement to a managed group; throws AD_GROUP_NOT_FOUND / AD_GROUP_AMBIGUOUS / AD_UNMANAGED_GROUP. */
  async resolve(label: string): Promise<GroupRef> {
    const key = label.toLowerCase();
    const hit = this.byLabel.get(key);
    if (hit !== undefined) return hit;
    let p = this.pending.get(key);
    if (p === undefined) {
      p = this.lookup(label).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const ref = await p;
    if (!this.byLabel.has(key)) {
      this.byLabel.set(key, ref);
      this.labels.clear();
    }
    return ref;
  }

  /**
   * Resolve a group for the revoke of a membership an access review removed: a managed group as usual, or an
   * unmanaged one below `scope` (the target's `reviewGroupsOUs`, else its base DN). Never cached, so it can never
   * make an unmanaged group grantable. Throws AD_UNMANAGED_GROUP outside the scope.
   */
  async resolveReviewed(label: string, scope: readonly string[]): Promise<GroupRef> {
    const { ref, managed } = await this.find(label);
    if (managed) return ref;
    if (!scope.some((ou) => isBelow(ref.dn, ou))) {
      throw new AdTargetError('AD_UNMANAGED_GROUP', `group "${label}" (${ref.dn}) is not managed by Cadre and not below reviewGroupsOUs (${scope.join('; ')}): a review may not remove its members`);
    }
    return ref;
  }

  private async lookup(label: string): Promise<GroupRef> {
    const { ref, managed } = await this.find(label);
    if (!managed) throw new AdTargetError('AD_UNMANAGED_GROUP', `group "${label}" (${ref.dn}) is not managed by Cadre (not in managedGroups or below managedGroupsOUs)`);
    return ref;
  }

  private async find(label: string): Promise<{ ref: GroupRef; managed: boolean }> {
    const attrs = ['objectGUID', 'distinguishedName', 'objectClass'];
    let entries;
    if (looksLikeDn(label)) {
      const e = await this.ldap.read(label, attrs, ['objectGUID']);
      entries = e !== undefined && values(e, 'objectClass').some((c) => c.toLowerCase() === 'group') ? [e] : [];
    } else {
      const filter = `(&(objectClass=group)(|${eqFilter('sAMAccountName', label)}${eqFilter('cn', label)}))`;
      // Names are looked up below the managed OUs; an explicitly configured name anywhere below the base DN.
      const explicit = this.isConfiguredLabel(label) || (this.patterns.length > 0 && matchesPattern(label, this.patterns));
      const bases = explicit || this.opts.managedGroupsOUs.length === 0 ? [this.opts.baseDN] : this.opts.managedGroupsOUs;
      entries = (await Promise.all(bases.map((b) => this.ldap.search(b, { filter, attributes: attrs, buffers: ['objectGUID'] })))).flat();
      const seen = new Set<string>();
      entries = entries.filter((e) => (seen.has(normalizeDn(e.dn)) ? false : (seen.add(normalizeDn(e.dn)), true)));
    }
    if (entries.length === 0) throw new AdTargetError('AD_GROUP_NOT_FOUND', `group "${label}" not found`);
    if (entries.length > 1) throw new AdTargetError('AD_GROUP_AMBIGUOUS', `group name "${label}" matches ${entries.length} groups: ${entries.map((e) => e.dn).join('; ')}`);
    const e = entries[0]!;
    const guid = bufferValue(e, 'objectGUID');
    if (guid === undefined) throw new AdTargetError('AD_GROUP_NOT_FOUND', `group "${label}" has no objectGUID`);
    const ref: GroupRef = { guid: guidToString(guid), dn: e.dn, label };
    const managed = this.opts.managedGroupsOUs.some((ou) => isBelow(e.dn, ou))
      || this.isConfiguredLabel(label)
      || this.opts.managedGroups.some((g) => looksLikeDn(g) && sameDn(g, e.dn))
      || (this.patterns.length > 0 && (matchesPattern(label, this.patterns) || matchesPattern(rdnValue(e.dn), this.patterns)));
    return { ref, managed };
  }
}
