/**
 * Desired state: what each person should have in each enabled target at time T.
 */
import { offboardEntitlements, withoutOffboarded, type OffboardEntitlements } from './offboarding.js';
import type { CadreConfig, TargetConfig } from '../config/schema.js';
import { wantedAddresses } from './address-list.js';
import { correlationCodec, type CorrelationCodec } from './correlation.js';
import { accountName, exclusionTest } from './exclusions.js';
import { accountStateFor, lifecycleAt, type LifecycleInfo } from './lifecycle.js';
import type { AccountState, AttrValue, DesiredAccount, Grant, Person, PlanExclusion, Reason, Reservation } from './model.js';
import { accessFor, applyAccess, endedGrantReason } from './access-grants.js';
import { activeOverrides, applyOverrides } from './overrides.js';
import type { PlanInput, TargetInfo } from './plan-input.js';
import { personContext } from './rules/context.js';
import { entitlementsFor } from './rules/entitlements.js';
import { compileTemplate, type CompiledTemplate } from './rules/expressions.js';
import { placementFor, type PlacementResult } from './rules/placement.js';
import { comparePersonIds } from './rules/identifiers.js';

/** Accounts of one target, indexed for matching. */
export interface TargetAccounts {
  /** Accounts whose store link names the person. */
  readonly linked: Map<string, AccountState[]>;
  /** Unlinked accounts by correlation value. */
  readonly correlated: Map<string, AccountState[]>;
  /** Accounts without person link or correlation id, by lower-cased secondary correlation value. */
  readonly secondary: Map<string, AccountState[]>;
  /** Persons (in the snapshot, without a linked or correlated account here) by the secondary value they render. */
  readonly claims: Map<string, string[]>;
  /** Excluded accounts by the person they are linked to or whose correlation id they carry. */
  readonly excludedBy: Map<string, PlanExclusion[]>;
  /** Renders and parses this target's correlation values. */
  readonly codec: CorrelationCodec;
  /** Every account except excluded ones. */
  readonly all: readonly AccountState[];
}

/** Indexes shared by desired-state and diff computation. */
export interface PlanContext {
  readonly input: PlanInput;
  readonly config: CadreConfig;
  readonly persons: ReadonlyMap<string, Person>;
  readonly ids: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly aliases: ReadonlyMap<string, Readonly<Record<string, readonly string[]>>>;
  /** Enabled targets that have live info, sorted by name. */
  readonly targets: readonly string[];
  readonly accounts: ReadonlyMap<string, TargetAccounts>;
  /** Accounts excluded by `targets.<name>.exclude`, in target and anchor order. */
  readonly excluded: readonly PlanExclusion[];
  lifecycle(person: Person): LifecycleInfo;
  /** Per-plan caches (contexts, manager contexts, per-target mappings). */
  readonly cache: {
    readonly contexts: Map<string, Record<string, unknown>>;
    readonly managers: Map<string, Record<string, unknown>>;
    readonly mappings: Map<string, readonly Mapping[]>;
  };
}

/** One compiled attribute mapping of a target (shared by every person). */
interface Mapping {
  readonly attr: string;
  readonly template: CompiledTemplate;
  readonly reason: Reason;
}

/** Build the indexes once per plan (O(persons + accounts + reservations)). */
export function buildPlanContext(input: PlanInput): PlanContext {
  const persons = new Map<string, Person>();
  for (const p of input.snapshot.persons) persons.set(p.id, p);
  const ids = new Map<string, Record<string, string>>();
  const aliases = new Map<string, Record<string, string[]>>();
  const sortedRes = [...input.reservations].sort((a: Reservation, b: Reservation) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  for (const r of sortedRes) {
    if (r.status === 'primary') {
      const m = ids.get(r.personId) ?? {};
      if (m[r.kind] === undefined) m[r.kind] = r.value;
      ids.set(r.personId, m);
    } else {
      const m = aliases.get(r.personId) ?? {};
      (m[r.kind] ??= []).push(r.value);
      aliases.set(r.personId, m);
    }
  }
  const targets = Object.keys(input.config.targets)
    .filter((t) => input.config.targets[t]?.enabled !== false && input.targets[t] !== undefined)
    .sort();
  const accounts = new Map<string, TargetAccounts>();
  const tests = new Map<string, ReturnType<typeof exclusionTest>>();
  for (const t of targets) {
    const tcfg = input.config.targets[t] as TargetConfig;
    accounts.set(t, { linked: new Map(), correlated: new Map(), secondary: new Map(), claims: new Map(), excludedBy: new Map(), codec: correlationCodec(tcfg.correlation?.value), all: [] });
    tests.set(t, exclusionTest(t, tcfg.exclude ?? []));
  }
  const excluded: PlanExclusion[] = [];
  for (const a of input.accounts) {
    const idx = accounts.get(a.target);
    if (!idx) continue;
    const correlated = a.correlation === undefined || a.correlation === '' ? undefined : idx.codec.parse(a.correlation);
    const rule = tests.get(a.target)?.(a);
    if (rule !== undefined) {
      // Never matched, never touched: only listed (and a person whose id it carries gets no new account).
      const personId = a.personId ?? correlated;
      const name = accountName(a);
      const e: PlanExclusion = { target: a.target, anchor: a.anchor, ...(name !== undefined ? { name } : {}), ...(personId !== undefined ? { personId } : {}), rule };
      excluded.push(e);
      if (personId !== undefined) push(idx.excludedBy, personId, e);
      continue;
    }
    (idx.all as AccountState[]).push(a);
    if (a.personId !== undefined) push(idx.linked, a.personId, a);
    else if (correlated !== undefined) push(idx.correlated, correlated, a);
    else if (a.correlation === undefined || a.correlation === '') {
      // A value that does not have the template's form (a legacy payroll number) is foreign: never matched.
      const attr = input.config.targets[a.target]?.secondaryCorrelation?.attribute;
      const v = attr === undefined ? undefined : a.attributes[attr];
      if (typeof v === 'string' && v !== '') push(idx.secondary, v.toLowerCase(), a);
    }
  }
  // Who would adopt each legacy account by secondary correlation: two claimants adopt neither.
  for (const t of targets) {
    const idx = accounts.get(t) as TargetAccounts;
    const sc = input.config.targets[t]?.secondaryCorrelation;
    if (!sc || idx.secondary.size === 0) continue;
    for (const p of input.snapshot.persons) {
      if (idx.linked.has(p.id) || idx.correlated.has(p.id)) continue;
      const v = secondaryCorrelationValue(sc.value, p)?.toLowerCase();
      if (v !== undefined && idx.secondary.has(v)) push(idx.claims, v, p.id);
    }
  }
  excluded.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.anchor < b.anchor ? -1 : a.anchor > b.anchor ? 1 : 0));
  const lcCache = new Map<string, LifecycleInfo>();
  const cache = { contexts: new Map<string, Record<string, unknown>>(), managers: new Map<string, Record<string, unknown>>(), mappings: new Map<string, readonly Mapping[]>() };
  return {
    cache,
    input,
    config: input.config,
    persons,
    ids,
    aliases,
    targets,
    accounts,
    excluded,
    lifecycle(person) {
      let l = lcCache.get(person.id);
      if (!l) { l = lifecycleAt(person, input.at, input.config.lifecycle, input.history?.[person.id]); lcCache.set(person.id, l); }
      return l;
    },
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v); else m.set(k, [v]);
}

/** Result of matching a person to accounts in one target. */
export type AccountMatch =
  | { readonly kind: 'none' }
  | { readonly kind: 'linked'; readonly account: AccountState }
  /** `via`: the secondary correlation attribute that found it (absent: found by the correlation id). */
  | { readonly kind: 'adopt'; readonly account: AccountState; readonly via?: string }
  /**
   * Several accounts for the person (`by: 'link' | 'correlation'`: they all belong to the person), or one legacy
   * account that several persons match by secondary correlation (`by: 'secondary'`, `claimants`: neither adopts it).
   */
  | { readonly kind: 'ambiguous'; readonly accounts: readonly AccountState[]; readonly by: 'link' | 'correlation' | 'secondary'; readonly claimants?: readonly string[] };

/** Find the person's account in a target: store link first, then correlation; several → ambiguous. */
export function matchAccount(ctx: PlanContext, target: string, personId: string): AccountMatch {
  const idx = ctx.accounts.get(target);
  if (!idx) return { kind: 'none' };
  const linked = idx.linked.get(personId) ?? [];
  if (linked.length > 1) return { kind: 'ambiguous', accounts: linked, by: 'link' };
  if (linked.length === 1) return { kind: 'linked', account: linked[0] as AccountState };
  const corr = idx.correlated.get(personId) ?? [];
  if (corr.length > 1) return { kind: 'ambiguous', accounts: corr, by: 'correlation' };
  if (corr.length === 1) return { kind: 'adopt', account: corr[0] as AccountState };
  const value = secondaryValue(ctx, target, personId)?.toLowerCase();
  const found = value === undefined ? [] : idx.secondary.get(value) ?? [];
  if (found.length > 1) return { kind: 'ambiguous', accounts: found, by: 'secondary', claimants: [personId] };
  const claimants = value === undefined ? [] : idx.claims.get(value) ?? [];
  if (found.length === 1 && claimants.length > 1) return { kind: 'ambiguous', accounts: found, by: 'secondary', claimants };
  const via = ctx.config.targets[target]?.secondaryCorrelation?.attribute;
  if (found.length === 1) return { kind: 'adopt', account: found[0] as AccountState, ...(via ? { via } : {}) };
  return { kind: 'none' };
}

/** Every account that belongs to a person in a target: linked ones and those carrying the person's correlation id. */
export function accountsOf(ctx: PlanContext, target: string, personId: string): AccountState[] {
  const idx = ctx.accounts.get(target);
  if (!idx) return [];
  return [...(idx.linked.get(personId) ?? []), ...(idx.correlated.get(personId) ?? [])];
}

function secondaryValue(ctx: PlanContext, target: string, personId: string): string | undefined {
  const sc = ctx.config.targets[target]?.secondaryCorrelation;
  const person = ctx.persons.get(personId);
  return sc && person ? secondaryCorrelationValue(sc.value, person) : undefined;
}

/**
 * A person's secondary correlation value, rendered from the HR record alone (no generated identifiers):
 * the engine looks legacy accounts up with the same value before planning.
 */
export function secondaryCorrelationValue(template: string, person: Person): string | undefined {
  let v: unknown;
  try {
    v = compileTemplate(template).render(personContext(person, {}));
  } catch {
    return undefined; // reported by validateRules
  }
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The manager part of the template context (cached: many people share a manager). */
function managerContext(ctx: PlanContext, person: Person): Record<string, unknown> | null {
  const sid = person.supervisorId;
  if (sid === undefined) return null;
  let mc = ctx.cache.managers.get(sid);
  if (!mc) {
    const m = ctx.persons.get(sid);
    mc = { ...(m ?? {}), personId: sid, id: ctx.ids.get(sid) ?? {} };
    ctx.cache.managers.set(sid, mc);
  }
  return mc;
}

/**
 * Template context of a person. Built once per person and plan; `target` is set on it by the caller
 * right before evaluating a target's rules (evaluation is synchronous).
 */
export function contextFor(ctx: PlanContext, person: Person, target?: string): Record<string, unknown> {
  let c = ctx.cache.contexts.get(person.id);
  if (!c) {
    const lc = ctx.lifecycle(person);
    c = personContext(person, {
      lifecycle: lc.state,
      ...(lc.endDate !== undefined ? { endDate: lc.endDate } : {}),
      id: ctx.ids.get(person.id) ?? {},
      aliases: ctx.aliases.get(person.id) ?? {},
      manager: managerContext(ctx, person),
    });
    ctx.cache.contexts.set(person.id, c);
  }
  c['target'] = target ?? null;
  return c;
}

/** Compiled attribute mappings of a target, sorted by attribute name. */
function mappingsOf(ctx: PlanContext, target: string, tcfg: TargetConfig): readonly Mapping[] {
  let m = ctx.cache.mappings.get(target);
  if (!m) {
    m = Object.keys(tcfg.attributes).sort().map((attr) => {
      const tpl = tcfg.attributes[attr] as string;
      return { attr, template: compileTemplate(tpl), reason: { kind: 'mapping', source: `targets.${target}.attributes.${attr}`, detail: tpl } };
    });
    ctx.cache.mappings.set(target, m);
  }
  return m;
}

/** Identifier kind → attributes of a target (live info wins over config). */
export function identifierAttributes(tcfg: TargetConfig, info: TargetInfo): Readonly<Record<string, readonly string[]>> {
  return info.identifierAttributes ?? tcfg.identifiers;
}

/** A desired account plus planning details that are not part of the shared model. */
export interface DesiredDetail {
  readonly desired: DesiredAccount;
  readonly lifecycle: LifecycleInfo;
  readonly placement: PlacementResult;
  /** Identifier kinds the target needs but the person has no primary value for. */
  readonly missingIdentifiers: readonly string[];
  /** Attribute → template source (for explain). */
  readonly sources: Readonly<Record<string, string>>;
  /** Entitlements an override or a review keeps removed: revoked where held, even where a rule grants them or Cadre does not manage them. */
  readonly removedEntitlements?: readonly Grant[];
  /** Request grants that ended (expired, revoked): the reason of their entitlement's revoke. */
  readonly endedGrants?: readonly Grant[];
  /** What offboarding steps take from a leaver. */
  readonly offboarding?: OffboardEntitlements;
}

/**
 * Desired account of a person in one target. `leaver` forces leaver handling (missing from source).
 * Throws for invalid templates/conditions (the caller turns that into a plan error).
 */
export function desiredDetail(ctx: PlanContext, person: Person, target: string, leaver = false): DesiredDetail {
  const tcfg = ctx.config.targets[target] as TargetConfig;
  const info = ctx.input.targets[target] as TargetInfo;
  const lc = ctx.lifecycle(person);
  const { exists, enabled } = accountStateFor(lc.state, ctx.config.lifecycle);
  const tctx = contextFor(ctx, person, target);
  const attributes: Record<string, AttrValue> = {};
  const reasons: Record<string, Reason> = {};
  const sources: Record<string, string> = {};
  for (const m of mappingsOf(ctx, target, tcfg)) {
    attributes[m.attr] = m.template.render(tctx);
    reasons[m.attr] = m.reason;
    sources[m.attr] = m.template.source;
  }
  const myIds = ctx.ids.get(person.id) ?? {};
  const list = info.addressList;
  if (list) {
    // Built from the reservations, not a template: the old address stays after a name change (alias).
    const [primaryKind] = list.identifiers;
    attributes[list.attribute] = wantedAddresses(list, myIds, ctx.aliases.get(person.id) ?? {});
    reasons[list.attribute] = { kind: 'identifier', source: list.identifiers.join(', '), detail: `SMTP: the reserved ${primaryKind ?? 'mail'}, smtp: every other and former reserved address; values Cadre does not own stay` };
    const [, ...others] = list.identifiers;
    sources[list.attribute] = `SMTP: id.${primaryKind ?? 'mail'}, smtp: ${[...others.map((k) => `id.${k}`), ...list.identifiers.map((k) => `aliases.${k}`)].join(', ')}; other values kept`;
  }
  const readOnly = info.readOnlyAttributes && info.readOnlyAttributes.length > 0 ? new Set(info.readOnlyAttributes.map((a) => a.toLowerCase())) : undefined;
  const missing: string[] = [];
  for (const [kind, attrs] of Object.entries(identifierAttributes(tcfg, info))) {
    const v = myIds[kind];
    if (v === undefined) { missing.push(kind); continue; }
    for (const attr of attrs) {
      // Read-only attributes are only checked for collisions (isFree), never written.
      if (attr in attributes || readOnly?.has(attr.toLowerCase())) continue;
      attributes[attr] = v;
      reasons[attr] = { kind: 'identifier', source: kind, detail: `reserved ${kind} "${v}"` };
      sources[attr] = `{{ id.${kind} }}`;
    }
  }
  if (readOnly) {
    for (const attr of Object.keys(attributes)) {
      if (readOnly.has(attr.toLowerCase())) { delete attributes[attr]; delete reasons[attr]; delete sources[attr]; }
    }
  }
  const corr = info.correlationAttribute;
  // The correlation attribute is Cadre's: always the rendered correlation value (a mapping of it is overridden,
  // or a template would stamp values the planner no longer recognises and every run would create a duplicate).
  const codec = ctx.accounts.get(target)?.codec ?? correlationCodec(tcfg.correlation?.value);
  if (corr !== '' && (!(corr in attributes) || tcfg.correlation !== undefined)) {
    attributes[corr] = codec.render(person.id);
    reasons[corr] = { kind: 'mapping', source: 'correlation', detail: `correlation attribute ${corr} = ${codec.template}` };
    sources[corr] = codec.template;
  }
  const isLeaver = leaver || lc.state === 'terminated';
  const placement = placementFor(tcfg.placement, tctx, isLeaver && tcfg.leaver.moveToDisabled, `targets.${target}.placement`);
  const caps = info.capabilities;
  const hasEntitlements = caps.supportsEntitlements || caps.supportsLicences;
  const rulesGrant = exists && hasEntitlements && !(isLeaver && tcfg.leaver.removeEntitlements);
  const ruled = rulesGrant ? entitlementsFor(ctx.config.entitlements, target, tctx) : [];
  // Governance next: approved requests add to the rules' grants, review exceptions take away (not for leavers).
  const access = accessFor(ctx.input, person.id, target);
  const gov = rulesGrant ? applyAccess(ruled, access.grants, access.exceptions) : { entitlements: ruled, removed: [] };
  const offboarding = isLeaver && exists ? offboardEntitlements(ctx.config.lifecycle.offboarding, target, info) : undefined;
  const granted = withoutOffboarded(gov.entitlements, offboarding);
  // Human decisions last: a helpdesk edit or a form's group stays until its override expires.
  const { entitlements, removed: overridden } = applyOverrides(activeOverrides(ctx.input, person.id, target), { attributes, reasons, sources, entitlements: granted }, {
    exists, entitlements: rulesGrant,
    protectedAttribute: (a) => (corr !== '' && a.toLowerCase() === corr.toLowerCase()) || readOnly?.has(a.toLowerCase()) === true,
  }, ctx.config.lifecycle.timezone);
  const desired: DesiredAccount = {
    target,
    personId: person.id,
    exists,
    enabled: leaver ? false : enabled,
    ...(placement.container !== undefined ? { container: placement.container } : {}),
    attributes,
    attributeReasons: reasons,
    entitlements,
    lifecycle: leaver ? { kind: 'lifecycle', source: 'missing-from-source', detail: 'the person is no longer in the HR source' } : lc.reason,
  };
  const removed = [...gov.removed, ...overridden];
  const ended = access.ended.map((g) => ({ name: g.entitlement, reason: endedGrantReason(g) }));
  return {
    desired, lifecycle: lc, placement, missingIdentifiers: missing, sources,
    ...(removed.length > 0 ? { removedEntitlements: removed } : {}),
    ...(ended.length > 0 ? { endedGrants: ended } : {}),
    ...(offboarding ? { offboarding } : {}),
  };
}

/** Desired accounts of a person in every enabled target. */
export function desiredAccounts(person: Person, ctx: PlanContext): DesiredAccount[] {
  return ctx.targets.map((t) => desiredDetail(ctx, person, t).desired);
}

/** Persons in plan scope, sorted by id. */
export function personsInScope(ctx: PlanContext): Person[] {
  const only = ctx.input.onlyPersons;
  const list = only ? only.map((id) => ctx.persons.get(id)).filter((p): p is Person => p !== undefined) : [...ctx.input.snapshot.persons];
  return list.sort((a, b) => comparePersonIds(a.id, b.id));
}
