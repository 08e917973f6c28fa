/**
 * Gathers the planner's inputs (source snapshot, live target state, reservations) and computes a plan.
 * Everything here is read-only: nothing is reserved or written until apply.
 */
import { allocateIdentifiers, computePlan, keepLastGood, lifecycleAt, secondaryCorrelationValue, type EmploymentHistory, type PlanInput, type TargetCatalog, type TargetInfo } from '../core/index.js';
import { correlationCodec } from '../core/correlation.js';
import type { AccountState, Person, Plan, Reservation, Snapshot } from '../core/model.js';
import type { Override } from '../core/overrides.js';
import { accessExceptions } from './access-exceptions.js';
import { requestGrants } from './requests/grants.js';
import type { Engine } from './engine.js';
import { SourceUnusableError } from './errors.js';
import { awaitingAccount, freeChecker, identifierLimits } from './planning-identifiers.js';

/** Where the person data comes from. */
export type SourceMode =
  | { readonly kind: 'full' }
  | { readonly kind: 'store' }
  | { readonly kind: 'changed'; readonly since: string }
  | { readonly kind: 'persons'; readonly ids: readonly string[] }
  /** Persons the caller has just read from the source (no second read). */
  | { readonly kind: 'given'; readonly persons: readonly Person[] };

/** Options for {@link preparePlan}. */
export interface PrepareOptions {
  readonly at?: string;
  readonly source?: SourceMode;
  /** Only plan for these persons (others are still read for context, e.g. managers). */
  readonly onlyPersons?: readonly string[];
  /** Use the stored account state instead of listing targets live (fast incremental ticks). */
  readonly storedAccounts?: boolean;
  readonly progress?: (stage: string, done: number, total: number) => void;
  /**
   * Overrides for this plan only, on top of the stored ones (replacing one for the same person, target and
   * attribute): a helpdesk edit of an attribute no rule maps is written through the plan without being kept.
   */
  readonly extraOverrides?: readonly Override[];
}

/** A plan plus the inputs it was computed from (apply needs them). */
export interface PreparedPlan {
  readonly plan: Plan;
  readonly input: PlanInput;
  readonly snapshot: Snapshot;
  /** Persons read from the source in this run (to store on apply). */
  readonly changedPersons?: readonly Person[];
}

/** Stored records of the people a read reported problems for (their last good record). */
async function knownOf(engine: Engine, problems: Snapshot['problems']): Promise<Map<string, Person>> {
  const known = new Map<string, Person>();
  for (const id of new Set(problems.map((p) => p.personId).filter((x): x is string => x !== null))) {
    const p = await engine.store.persons.get(id);
    if (p) known.set(id, p);
  }
  return known;
}

async function readSnapshot(engine: Engine, mode: SourceMode, progress: PrepareOptions['progress']): Promise<{ snapshot: Snapshot; changed?: Person[] }> {
  const readAt = engine.now().toISOString();
  if (mode.kind === 'full') {
    let snapshot: Snapshot;
    try {
      snapshot = await engine.source.fetchAll((read, total) => progress?.('source', read, total));
    } catch (err) {
      throw new SourceUnusableError(`Personio could not be read: ${(err as Error).message}`);
    }
    if (!snapshot.complete) throw new SourceUnusableError(`Personio snapshot is incomplete: ${snapshot.incompleteReason ?? 'paging was inconsistent'}; nothing is planned on a partial read`);
    const known = await engine.store.persons.count();
    if (snapshot.persons.length === 0 && snapshot.problems.length === 0 && known > 0) {
      throw new SourceUnusableError(`Personio returned no people, but ${known} are known; refusing to treat everyone as a leaver`);
    }
    // A known person whose record now fails validation keeps the last good one (end dates still count).
    if (snapshot.problems.length === 0) return { snapshot };
    const kept = keepLastGood(snapshot.persons, snapshot.problems, await knownOf(engine, snapshot.problems));
    return { snapshot: { ...snapshot, persons: kept.persons, problems: kept.problems } };
  }
  const stored = await engine.store.persons.all();
  if (mode.kind === 'store') return { snapshot: { persons: stored, problems: [], reportedTotal: stored.length, complete: true, readAt } };
  const byId = new Map(stored.map((p) => [p.id, p]));
  const changed: Person[] = [];
  const problems: Snapshot['problems'][number][] = [];
  try {
    if (mode.kind === 'changed') {
      const r = await engine.source.fetchChanged(mode.since);
      changed.push(...r.persons);
      problems.push(...r.problems);
    } else if (mode.kind === 'given') {
      changed.push(...mode.persons);
    } else {
      for (const id of mode.ids) {
        const p = await engine.source.fetchOne(id);
        if (p) changed.push(p);
      }
    }
  } catch (err) {
    throw new SourceUnusableError(`Personio could not be read: ${(err as Error).message}`);
  }
  const changedIds = new Set(changed.map((p) => p.id));
  for (const p of changed) byId.set(p.id, p);
  // A failed record: the stored one stays, with the failed record's end dates laid over it (and stored so).
  const failed = problems.map((p) => p.personId).filter((id): id is string => id !== null && !changedIds.has(id) && byId.has(id));
  const known = new Map(failed.map((id) => [id, byId.get(id) as Person]));
  for (const id of failed) byId.delete(id);
  const kept = keepLastGood([...byId.values()], problems, known);
  for (const id of failed) {
    const p = kept.persons.find((x) => x.id === id);
    if (p) changed.push(p);
  }
  const persons = kept.persons;
  return { snapshot: { persons, problems: kept.problems, reportedTotal: persons.length, complete: true, readAt }, changed };
}

/** List every target live and link accounts to persons through the store. */
async function readAccounts(engine: Engine, stored: boolean, progress: PrepareOptions['progress']): Promise<AccountState[]> {
  const known = await engine.store.accounts.all();
  if (stored) return known;
  const links = new Map(known.filter((a) => a.personId).map((a) => [`${a.target}\u0000${a.anchor}`, a.personId as string]));
  const all: AccountState[] = [];
  for (const [name, connector] of engine.targets) {
    let n = 0;
    for await (const page of connector.list()) {
      for (const a of page) {
        const personId = a.personId ?? links.get(`${name}\u0000${a.anchor}`);
        all.push(personId ? { ...a, target: name, personId } : { ...a, target: name });
      }
      n += page.length;
      progress?.(`target ${name}`, n, n);
    }
  }
  return all;
}

/**
 * Legacy accounts outside the listing (no correlation id yet) found by each target's secondary correlation,
 * for people who have no account there.
 */
async function findLegacyAccounts(engine: Engine, persons: readonly Person[], accounts: readonly AccountState[]): Promise<{ found: AccountState[]; owners: Map<string, string> }> {
  const found: AccountState[] = [];
  // Whose identifiers a legacy account holds: its values stay free for the person it will be adopted by.
  const owners = new Map<string, string>();
  for (const [name, connector] of engine.targets) {
    const sc = engine.config.targets[name]?.secondaryCorrelation;
    if (!sc) continue;
    const codec = correlationCodec(engine.config.targets[name]?.correlation?.value);
    const known = new Set(accounts.filter((a) => a.target === name).map((a) => a.anchor));
    const covered = new Set(accounts.filter((a) => a.target === name).flatMap((a) => [a.personId, a.correlation ? codec.parse(a.correlation) : undefined]).filter((x): x is string => !!x));
    for (const p of persons) {
      if (covered.has(p.id)) continue;
      const value = secondaryCorrelationValue(sc.value, p);
      if (value === undefined) continue;
      for (const a of await connector.find({ attribute: sc.attribute, value })) {
        if (known.has(a.anchor) || (a.correlation ?? '') !== '') continue;
        known.add(a.anchor);
        const { personId: _ignored, ...rest } = a;
        found.push({ ...rest, target: name });
        owners.set(`${name}\u0000${a.anchor}`, p.id);
      }
    }
  }
  return { found, owners };
}

/** Target info the planner needs. */
export function targetInfo(engine: Engine): Record<string, TargetInfo> {
  const out: Record<string, TargetInfo> = {};
  for (const [name, c] of engine.targets) {
    const configured = engine.config.targets[name]?.identifiers ?? {};
    // A connector's default mapping only counts for kinds the config defines: a kind nobody allocates
    // (e.g. no `identifiers.mail`) would otherwise block every create with IDENTIFIER_MISSING.
    const defaults = Object.entries(c.identifierAttributes ?? {}).filter(([kind]) => engine.config.identifiers[kind] !== undefined);
    const identifierAttributes = { ...Object.fromEntries(defaults), ...configured };
    const createOnly = [...new Set([...(c.createOnlyAttributes ?? []), ...(engine.config.targets[name]?.createOnly ?? [])])];
    // An address list only carries kinds the config defines; with none it is off (e.g. no `identifiers.mail`).
    const listKinds = (c.addressList?.identifiers ?? []).filter((kind) => engine.config.identifiers[kind] !== undefined);
    const addressList = c.addressList && listKinds.length > 0 ? { attribute: c.addressList.attribute, identifiers: listKinds } : undefined;
    // A list that carries nothing is left alone rather than filled with a bare identifier.
    const readOnlyAttributes = [...(c.readOnlyAttributes ?? []), ...(c.addressList && !addressList ? [c.addressList.attribute] : [])];
    out[name] = {
      capabilities: c.capabilities, correlationAttribute: c.correlationAttribute, identifierAttributes,
      ...(createOnly.length > 0 ? { createOnly } : {}),
      ...(addressList ? { addressList } : {}),
      ...(readOnlyAttributes.length > 0 ? { readOnlyAttributes } : {}),
      ...(c.expiryAttributes && c.expiryAttributes.length > 0 ? { expiryAttributes: c.expiryAttributes } : {}),
      ...(c.licenceEntitlements && c.licenceEntitlements.length > 0 ? { licenceEntitlements: c.licenceEntitlements } : {}),
      ...(c.offboardSteps && c.offboardSteps.length > 0 ? { offboardSteps: c.offboardSteps } : {}),
    };
  }
  return out;
}

/**
 * What each target holds that the config names (groups, licences, OUs), read live for every plan: the planner
 * refuses a plan that grants an entitlement or places into a container the target does not have.
 */
export async function readCatalogs(engine: Engine): Promise<Record<string, TargetCatalog>> {
  const out: Record<string, TargetCatalog> = {};
  for (const [name, c] of engine.targets) {
    const grants = engine.config.entitlements.some((r) => (r.grant[name]?.length ?? 0) > 0);
    const placement = engine.config.targets[name]?.placement !== undefined;
    const listing = grants && c.listEntitlements ? await c.listEntitlements() : undefined;
    const containers = placement && c.listContainers ? await c.listContainers() : undefined;
    if (listing || containers) {
      out[name] = {
        ...(listing ? { entitlements: listing.names, ...(listing.unresolved ? { unresolved: listing.unresolved } : {}) } : {}),
        ...(containers ? { containers } : {}),
      };
    }
  }
  return out;
}

/** Stored periods plus the source's, one per person and hire date (the source's end dates win). */
function mergeHistory(stored: EmploymentHistory, fromSource: EmploymentHistory): EmploymentHistory {
  if (Object.keys(fromSource).length === 0) return stored;
  const out: Record<string, EmploymentHistory[string]> = { ...stored };
  for (const [id, periods] of Object.entries(fromSource)) {
    const byHire = new Map((out[id] ?? []).map((p) => [p.hireDate, p]));
    for (const p of periods) byHire.set(p.hireDate, p);
    out[id] = [...byHire.values()].sort((a, b) => a.hireDate.localeCompare(b.hireDate));
  }
  return out;
}

/** Every person's HR e-mail (lower case) → person ids: the read persons, and in a scoped run also the stored ones. */
async function hrEmailIndex(engine: Engine, read: readonly Person[], scoped: boolean): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (p: Pick<Person, 'id' | 'email'>): void => {
    const e = p.email?.trim().toLowerCase();
    if (!e) return;
    const s = out.get(e) ?? new Set<string>();
    s.add(p.id);
    out.set(e, s);
  };
  const seen = new Set(read.map((p) => p.id));
  read.forEach(add);
  if (scoped) for (const p of await engine.store.persons.all()) if (!seen.has(p.id)) add(p);
  return out;
}

/** Compute a plan as of `at` (default: now). Throws SourceUnusableError (exit 4) on a bad source read. */
export async function preparePlan(engine: Engine, opts: PrepareOptions = {}): Promise<PreparedPlan> {
  const at = opts.at ?? engine.now().toISOString();
  let t = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    engine.log.debug({ phase: name, ms: Math.round(now - t) }, 'plan phase');
    t = now;
  };
  const { snapshot, changed } = await readSnapshot(engine, opts.source ?? { kind: 'full' }, opts.progress);
  phase('source');
  const listed = await readAccounts(engine, opts.storedAccounts ?? false, opts.progress);
  const scopeIds = opts.onlyPersons ? new Set(opts.onlyPersons) : undefined;
  const legacy = await findLegacyAccounts(engine, scopeIds ? snapshot.persons.filter((p) => scopeIds.has(p.id)) : snapshot.persons, listed);
  const accounts = [...listed, ...legacy.found];
  const catalogs = await readCatalogs(engine);
  phase('targets');
  const info = targetInfo(engine);
  for (const [name, catalog] of Object.entries(catalogs)) if (info[name]) info[name] = { ...info[name], catalog };
  const existing: Reservation[] = await engine.store.reservations.all();
  // Earlier records (hire date → end dates): a rehire's former period still counts after HR cleared its dates.
  // The v2 source also knows employments besides the current one: they count as periods as well.
  const history = mergeHistory(await engine.store.periods.all(), engine.source.history?.() ?? {});
  phase('reservations');
  const scope = opts.onlyPersons ? new Set(opts.onlyPersons) : undefined;
  const toAllocate = scope ? snapshot.persons.filter((p) => scope.has(p.id)) : snapshot.persons;
  const { reservations, errors, reallocations } = await allocateIdentifiers(toAllocate, engine.config, existing, freeChecker(engine, accounts, info, legacy.owners, () => hrEmailIndex(engine, snapshot.persons, scope !== undefined)), identifierLimits(engine, info), {
    at, verifyReserved: await awaitingAccount(engine, accounts, info, legacy.owners),
  });
  phase('identifiers');
  // Store facts the targets cannot tell: who disabled an account, and the holds people put on.
  const disabled = await engine.store.accounts.disabled();
  const holds = await engine.store.holds.all();
  const overrides = withExtra(await engine.store.overrides.all(), opts.extraOverrides ?? []);
  // Governance: approved requests add grants, review exceptions keep grants removed.
  const [grants, exceptions] = await Promise.all([requestGrants(engine), accessExceptions(engine)]);
  // Accounts found for creates a killed run left open are Cadre's own: linking them is recovery, not a take-over.
  const resumedCreates = await engine.store.journal.interruptedCreates();
  const input: PlanInput = {
    at,
    createdAt: engine.now().toISOString(),
    config: engine.config,
    snapshot,
    accounts,
    reservations,
    disabled,
    holds,
    ...(overrides.length > 0 ? { overrides } : {}),
    ...(grants.length > 0 ? { accessGrants: grants } : {}),
    ...(exceptions.length > 0 ? { accessExceptions: exceptions } : {}),
    targets: info,
    history,
    ...(resumedCreates.length > 0 ? { resumedCreates } : {}),
    ...(opts.onlyPersons ? { onlyPersons: opts.onlyPersons } : {}),
  };
  const computed = computePlan(input);
  phase('planner');
  const plan: Plan = {
    ...computed,
    ...(errors.length > 0 ? { errors: [...errors, ...computed.errors] } : {}),
    ...(reallocations.length > 0 ? { reallocations } : {}),
  };
  return { plan, input, snapshot, ...(changed ? { changedPersons: changed } : {}) };
}

/** Persons whose lifecycle state differs between two instants (day-1 enables, end-of-day disables). */
export function lifecycleTransitions(persons: readonly Person[], from: string, to: string, engine: Engine, history: EmploymentHistory = {}): string[] {
  const cfg = engine.config.lifecycle;
  return persons.filter((p) => lifecycleAt(p, from, cfg, history[p.id]).state !== lifecycleAt(p, to, cfg, history[p.id]).state).map((p) => p.id);
}

/** Stored overrides with a plan's own on top (same person, target and attribute: the extra one wins). */
function withExtra(stored: readonly Override[], extra: readonly Override[]): Override[] {
  if (extra.length === 0) return [...stored];
  const key = (o: Override): string => `${o.personId}\u0000${o.target}\u0000${o.attribute}`;
  const replaced = new Set(extra.map(key));
  return [...stored.filter((o) => !replaced.has(key(o))), ...extra];
}
