/**
 * Config references checked against the live targets before anything is planned: every entitlement a rule
 * grants and every container placement names must exist there. A typo in a group name would otherwise revoke
 * the real group from everyone ("no rule grants it any more") while the grant of the mistyped one fails on
 * every run. Pure: the connectors' catalogs are an input.
 */
import type { CadreConfig } from '../config/schema.js';
import type { DesiredAccount, PlanBlocker } from './model.js';
import type { TargetInfo } from './plan-input.js';
import { closestName } from './similar.js';

/** What a live target holds that the config can name. An absent list means "not checked" (any name is fine). */
export interface TargetCatalog {
  /** Every entitlement a rule may grant there, named as rules name them (group names, DNs, licence names). */
  readonly entitlements?: readonly string[];
  /** Every container (OU DN) accounts may be placed in. */
  readonly containers?: readonly string[];
  /** Configured names that point at nothing (e.g. a licence mapped to a SKU the tenant lacks), by lower-case name: why. */
  readonly unresolved?: Readonly<Record<string, string>>;
}

/** One name the config (or a rendered template) uses in a target. */
export interface CatalogReference {
  readonly target: string;
  readonly kind: 'entitlement' | 'container';
  readonly name: string;
  /** Who names it: the rule (entitlements) or the config path (containers). */
  readonly source: string;
}

/** Names compare like the directories do: case-insensitive, DNs without blanks around `,` and `=`. */
export function catalogKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase().replace(/\s*([,=])\s*/g, '$1');
}

const looksLikeDn = (s: string): boolean => /^[A-Za-z][A-Za-z0-9-]*=[^,]+,.*=/.test(s);

/** Entitlements named literally by rules and every placement container, for the given targets. */
export function configReferences(config: CadreConfig, targets: readonly string[]): CatalogReference[] {
  const out: CatalogReference[] = [];
  for (const target of targets) {
    for (const rule of config.entitlements) {
      for (const g of rule.grant[target] ?? []) {
        if (!g.includes('{{')) out.push({ target, kind: 'entitlement', name: g, source: rule.name });
      }
    }
    const p = config.targets[target]?.placement;
    if (!p) continue;
    const path = `targets.${target}.placement`;
    const container = (name: string, source: string): void => { out.push({ target, kind: 'container', name, source }); };
    for (const [k, v] of Object.entries(p.map)) container(v, `${path}.map[${JSON.stringify(k)}]`);
    if (p.default !== undefined) container(p.default, `${path}.default`);
    for (const [i, r] of p.rules.entries()) container(r.container, `${path}.rules[${i}]`);
    if (p.disabled !== undefined) container(p.disabled, `${path}.disabled`);
  }
  return out;
}

function message(ref: CatalogReference, suggestion: string | undefined, why: string | undefined): string {
  const hint = why !== undefined ? `: ${why}` : suggestion !== undefined ? `: did you mean ${suggestion}?` : '';
  return ref.kind === 'entitlement'
    ? `rule ${ref.source} grants ${ref.name} in ${ref.target}, which does not exist${hint}`
    : `${ref.source} places accounts in ${ref.name}, which does not exist in ${ref.target}${hint}`;
}

/**
 * Check references against the catalogs: one blocker per unknown name and source. `persons` counts, per
 * reference key, the people the plan would give it to.
 */
export function checkReferences(refs: Iterable<CatalogReference>, catalogs: Readonly<Record<string, TargetCatalog | undefined>>, persons: ReadonlyMap<string, number> = new Map()): PlanBlocker[] {
  const known = new Map<string, Set<string>>();
  const knownOf = (target: string, kind: CatalogReference['kind'], list: readonly string[]): Set<string> => {
    const k = `${target}\u0000${kind}`;
    let set = known.get(k);
    if (!set) { set = new Set(list.map(catalogKey)); known.set(k, set); }
    return set;
  };
  const out: PlanBlocker[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const catalog = catalogs[ref.target];
    const list = ref.kind === 'entitlement' ? catalog?.entitlements : catalog?.containers;
    if (list === undefined) continue;
    const key = referenceKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    if (knownOf(ref.target, ref.kind, list).has(catalogKey(ref.name))) continue;
    // Suggest a name of the same shape: a DN for a DN, a plain name for a plain name.
    const why = ref.kind === 'entitlement' ? catalog?.unresolved?.[ref.name.toLowerCase()] : undefined;
    const dn = looksLikeDn(ref.name);
    const suggestion = why === undefined ? closestName(ref.name, list.filter((n) => looksLikeDn(n) === dn)) : undefined;
    out.push({
      code: ref.kind === 'entitlement' ? 'ENTITLEMENT_UNKNOWN' : 'CONTAINER_UNKNOWN',
      target: ref.target, name: ref.name, source: ref.source,
      ...(suggestion !== undefined ? { suggestion } : {}),
      persons: persons.get(key) ?? 0,
      message: message(ref, suggestion, why),
    });
  }
  return out.sort((a, b) => a.target.localeCompare(b.target) || a.code.localeCompare(b.code) || a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
}

function referenceKey(ref: CatalogReference): string {
  return `${ref.target}\u0000${ref.kind}\u0000${ref.source}\u0000${catalogKey(ref.name)}`;
}

/**
 * Blockers of a plan: the config's literal references plus every entitlement and container the desired
 * accounts name (template grants such as `GG-{{ department }}` render per person), for targets with a catalog.
 */
export function catalogBlockers(config: CadreConfig, targets: Readonly<Record<string, TargetInfo>>, desired: Iterable<DesiredAccount>): PlanBlocker[] {
  const catalogs: Record<string, TargetCatalog | undefined> = {};
  for (const [name, info] of Object.entries(targets)) if (info.catalog && config.targets[name]?.enabled !== false) catalogs[name] = info.catalog;
  const names = Object.keys(catalogs);
  if (names.length === 0) return [];
  const refs = configReferences(config, names);
  const persons = new Map<string, number>();
  const count = (ref: CatalogReference): void => {
    const k = referenceKey(ref);
    persons.set(k, (persons.get(k) ?? 0) + 1);
  };
  for (const d of desired) {
    if (!catalogs[d.target] || !d.exists) continue;
    for (const g of d.entitlements) {
      // A form's grant (override) is no config reference: an unknown group fails that one grant, not every plan.
      if (g.reason.kind === 'manual') continue;
      const ref: CatalogReference = { target: d.target, kind: 'entitlement', name: g.name, source: g.reason.source };
      refs.push(ref);
      count(ref);
    }
  }
  return checkReferences(refs, catalogs, persons);
}
