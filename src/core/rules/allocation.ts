/**
 * Identifier allocation: one value per person and kind, unique across persons in one namespace over every kind,
 * free in every live target.
 *
 * Kinds built from other kinds (`upn: "{username}@example.com"`) are allocated jointly with them, as HelloID and
 * midPoint do with iteration: when a derived value is taken, the base moves to its next candidate and every value
 * built from it is recomputed. The search is a backtracking over the kinds of one dependency group in dependency
 * order, with conflict-directed backjumping (a kind that finds no free value blames only the kinds it is built
 * from), so it finds the first free tuple in preference order whenever one exists.
 */
import type { CadreConfig, IdentifierConfig } from '../../config/schema.js';
import { lifecycleAt } from '../lifecycle.js';
import type { IdentifierReallocation, Person, PlanError, Reservation } from '../model.js';
import { candidates, comparePersonIds, effectiveLimit, identifierOrder, matchesPerson, parsePattern } from './identifiers.js';

/** Whether a value is free for a person in every live target (the store is the allocator's own business). */
export type IsFree = (kind: string, value: string, personId: string) => Promise<boolean>;

/** Options for {@link allocateIdentifiers}. */
export interface AllocateOptions {
  /** Persons who are `future` or `gone` at this instant get no new identifiers (existing ones stay). */
  readonly at?: string;
  /**
   * Whether a person's reserved primary of a kind is not yet in use by all of their accounts (an account still has
   * to be created with it). Such a value is checked again with `isFree`; when someone took it meanwhile (by hand,
   * between plan and apply or between runs), it is released and the person moves to the next candidate.
   */
  readonly verifyReserved?: (personId: string, kind: string) => boolean;
  /** Most values checked per person before the joint search gives up (pathological configs). */
  readonly searchBudget?: number;
}

/** What {@link allocateIdentifiers} decided. */
export interface Allocation {
  /** All reservations: existing, updated and new (released ones are absent). */
  readonly reservations: Reservation[];
  readonly errors: PlanError[];
  /** Reserved values that were given up (taken by someone else, or moved with a kind they are built with). */
  readonly reallocations: IdentifierReallocation[];
}

interface Slot {
  readonly kind: string;
  readonly cfg: IdentifierConfig;
  readonly limit: number;
  /** Positions (in the group) of the kinds this one is built from. */
  readonly deps: readonly number[];
  readonly current: string | undefined;
  readonly verify: boolean;
}

interface Choice { readonly value: string; readonly check: boolean }

const DEFAULT_BUDGET = 5000;

/** Groups of kinds connected by references, each in dependency order; independent kinds are allocated apart. */
function dependencyGroups(config: CadreConfig, order: readonly string[]): string[][] {
  const kinds = new Set(order);
  const parent = new Map(order.map((k) => [k, k]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    return r;
  };
  const deps = directDeps(config, kinds);
  for (const [k, ds] of deps) for (const d of ds) parent.set(find(k), find(d));
  const groups = new Map<string, string[]>();
  for (const k of order) {
    const g = groups.get(find(k)) ?? [];
    g.push(k);
    groups.set(find(k), g);
  }
  return [...groups.values()];
}

function directDeps(config: CadreConfig, kinds: ReadonlySet<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const k of kinds) {
    const set = new Set<string>();
    (config.identifiers[k] as IdentifierConfig).patterns.forEach((p, i) => {
      for (const d of parsePattern(p, kinds, `identifiers.${k}.patterns[${i}]`).kinds) set.add(d);
    });
    out.set(k, set);
  }
  return out;
}

/**
 * Allocate identifiers for persons. Deterministic (persons sorted by id, kinds in dependency order). Existing
 * primaries in use are kept; with `onNameChange: regenerate` a primary that no longer matches the current name is
 * replaced and kept as `alias`. A value held by another person (any kind, case-insensitive) or not free in a live
 * target (`isFree`) is never given out. Returns all reservations, per-person errors and the reallocations.
 */
export async function allocateIdentifiers(
  persons: readonly Person[],
  config: CadreConfig,
  existing: readonly Reservation[],
  isFree: IsFree,
  limits: Readonly<Record<string, number>>,
  opts: AllocateOptions = {},
): Promise<Allocation> {
  const order = identifierOrder(config.identifiers);
  const groups = dependencyGroups(config, order);
  const deps = directDeps(config, new Set(order));
  const errors: PlanError[] = [];
  const reallocations: IdentifierReallocation[] = [];
  // value (lower-case) → holder person id; all kinds share one namespace across persons.
  const held = new Map<string, string>();
  const byPerson = new Map<string, Reservation[]>();
  const dedupe = new Set<string>();
  for (const r of existing) {
    const v = r.value.toLowerCase();
    const key = `${r.personId}\u0000${r.kind}\u0000${v}`;
    if (dedupe.has(key)) continue;
    dedupe.add(key);
    if (!held.has(v)) held.set(v, r.personId);
    const list = byPerson.get(r.personId) ?? [];
    list.push({ ...r });
    byPerson.set(r.personId, list);
  }
  const sorted = [...persons].sort((a, b) => comparePersonIds(a.id, b.id));
  for (const person of sorted) {
    const state = opts.at !== undefined ? lifecycleAt(person, opts.at, config.lifecycle).state : 'active';
    const dormant = state === 'future' || state === 'gone';
    let mine = byPerson.get(person.id) ?? [];
    const primary = (kind: string): string | undefined => mine.find((r) => r.kind === kind && r.status === 'primary')?.value;
    if (dormant) continue; // existing values stay, nothing new is handed out
    const resolved: Record<string, string> = {};
    const checked = new Map<string, boolean>();
    let budget = opts.searchBudget ?? DEFAULT_BUDGET;
    // The person's values as reserved, to tell a name change (old value becomes an alias) from a move; those not in
    // use yet are checked again, also where another kind of this person holds the same value.
    const original: Record<string, string> = {};
    const suspect = new Set<string>();
    const verified = new Set<string>();
    for (const kind of order) {
      const cur = primary(kind)?.toLowerCase();
      if (cur === undefined) continue;
      original[kind] = cur;
      if (opts.verifyReserved?.(person.id, kind) === true) { suspect.add(cur); verified.add(kind); }
    }
    const taken = new Set<string>();
    // `check` is false for a kept value in use: it is the person's, as it always was.
    const usable = async (kind: string, value: string, check: boolean): Promise<boolean> => {
      if (!check) return true;
      const holder = held.get(value);
      if (holder !== undefined && holder !== person.id) return false;
      if (holder === person.id && !suspect.has(value)) return true;
      const key = `${kind}\u0000${value}`;
      let ok = checked.get(key);
      if (ok === undefined) {
        budget -= 1;
        ok = await isFree(kind, value, person.id);
        checked.set(key, ok);
        if (!ok) taken.add(value);
      }
      return ok;
    };

    for (const group of groups) {
      const slots: Slot[] = group.map((kind) => {
        const cfg = config.identifiers[kind] as IdentifierConfig;
        const current = original[kind];
        return {
          kind, cfg, limit: limits[kind] ?? cfg.maxLength, current,
          deps: [...(deps.get(kind) ?? [])].map((d) => group.indexOf(d)).filter((i) => i >= 0),
          verify: verified.has(kind),
        };
      });
      const values: (string | undefined)[] = slots.map(() => undefined);
      const depsMoved = (s: Slot): boolean => s.deps.some((d) => values[d] !== slots[d]?.current);
      /** A kind's choices in preference order, given the values of the kinds it is built from. */
      const choices = function* (s: Slot): Generator<Choice> {
        const cur = s.current;
        const fits = cur !== undefined && (s.cfg.onNameChange === 'keep'
          ? !(s.verify && depsMoved(s))
          : matchesPerson(cur, person, s.kind, config, resolved, s.limit));
        if (fits && !s.verify) { yield { value: cur, check: false }; return; }
        if (fits) yield { value: cur, check: true };
        for (const c of candidates(person, s.kind, config, resolved, s.limit)) if (c !== cur) yield { value: c, check: true };
      };
      const assign = (pos: number, v: string | undefined): void => {
        values[pos] = v;
        const s = slots[pos] as Slot;
        if (v === undefined) delete resolved[s.kind]; else resolved[s.kind] = v;
      };
      // Conflict-directed backjumping: returns true, or the positions to blame for the failure.
      const solve = async (pos: number): Promise<true | Set<number>> => {
        if (pos === slots.length) return true;
        const s = slots[pos] as Slot;
        const conflict = new Set<number>(s.deps);
        for (const { value, check } of choices(s)) {
          if (budget <= 0) return new Set();
          if (!(await usable(s.kind, value, check))) continue;
          assign(pos, value);
          const r = await solve(pos + 1);
          if (r === true) return true;
          assign(pos, undefined);
          if (!r.has(pos)) return r;
          for (const x of r) if (x !== pos) conflict.add(x);
        }
        return conflict;
      };
      if ((await solve(0)) !== true) {
        // No complete tuple: give each kind the first free value it has on its own, report the others.
        for (let pos = 0; pos < slots.length; pos++) assign(pos, undefined);
        for (const [pos, s] of slots.entries()) {
          let got: string | undefined;
          for (const { value, check } of choices(s)) {
            if (await usable(s.kind, value, check)) { got = value; break; }
          }
          if (got === undefined) {
            errors.push({ personId: person.id, code: 'IDENTIFIER_EXHAUSTED', message: `no free ${s.kind} for ${person.firstName} ${person.lastName}: all candidates of identifiers.${s.kind}.patterns${s.deps.length > 0 ? ` (with every candidate of ${s.deps.map((d) => slots[d]?.kind).join(', ')})` : ''} are taken or too long (limit ${effectiveLimit(s.cfg, s.limit)})` });
            // A reserved value known to be taken is not offered again; one merely without alternatives stays. A value
            // under verification that the search never reached (its base moved first) is checked before it is kept.
            if (s.current !== undefined && !taken.has(s.current) && (!s.verify || await usable(s.kind, s.current, true))) assign(pos, s.current);
          } else assign(pos, got);
        }
      }
      for (const [pos, s] of slots.entries()) {
        const chosen = values[pos];
        const cur = s.current;
        if (chosen === cur) continue;
        // A value taken by someone else, or one never in use that moved with a kind it is built with, is released;
        // one replaced after a name change stays the person's as an alias.
        const fitted = cur !== undefined && (s.cfg.onNameChange === 'keep' || matchesPerson(cur, person, s.kind, config, original, s.limit));
        const release = cur !== undefined && (taken.has(cur) || (s.verify && fitted));
        if (cur !== undefined && release) {
          reallocations.push({ personId: person.id, kind: s.kind, from: cur, ...(chosen !== undefined ? { to: chosen } : {}), reason: taken.has(cur) ? 'taken' : 'joint' });
          if (held.get(cur) === person.id && !mine.some((r) => r.kind !== s.kind && r.value.toLowerCase() === cur)) held.delete(cur);
        }
        const next: Reservation[] = [];
        for (const r of mine) {
          if (r.kind !== s.kind) { next.push(r); continue; }
          const v = r.value.toLowerCase();
          if (v === chosen) continue;
          if (release && v === cur) continue;
          next.push(r.status === 'primary' ? { ...r, status: 'alias' } : r);
        }
        if (chosen !== undefined) {
          held.set(chosen, person.id);
          next.push({ kind: s.kind, value: chosen, personId: person.id, status: 'primary' });
        }
        mine = next;
        byPerson.set(person.id, mine);
      }
    }
  }
  const all: Reservation[] = [];
  for (const list of byPerson.values()) all.push(...list);
  all.sort((a, b) => comparePersonIds(a.personId, b.personId) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)
    || (a.status === b.status ? 0 : a.status === 'primary' ? -1 : 1) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { reservations: all, errors, reallocations };
}
