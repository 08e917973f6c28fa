/**
 * A manager's people: their direct and transitive reports (Personio supervisor lines), each with what they have
 * and why, from the explain data: granted by a rule, by a request, kept removed by a review, or held in the target
 * without a rule (unmanaged: never touched; managed: the next plan revokes it). The scope is computed here from the
 * principal's own person id, never from anything the caller passes.
 */
import type { Person } from '../../core/model.js';
import { reportsIndex } from '../../core/roles.js';
import type { Engine } from '../engine.js';
import { explainStored, type PersonFacts } from '../person-view.js';
import type { RequestPrincipal } from './service.js';

/** Why a person has (or gets, or loses) an entitlement. */
export type AccessWhy = 'rule' | 'request' | 'review' | 'manual' | 'unmanaged' | 'ungranted';

/** One entitlement of a person in one target. */
export interface PersonAccess {
  readonly target: string;
  readonly entitlement: string;
  readonly why: AccessWhy;
  /** The rule name or request number (`#42`); empty for found entitlements. */
  readonly source: string;
  readonly detail: string;
  /** Held in the target now (false: the next sync grants it, or it is kept removed). */
  readonly held: boolean;
}

/** One report. */
export interface MyPerson {
  readonly person: Person;
  /** 1: a direct report; 2: a report's report; … */
  readonly depth: number;
  /** The report's own manager (for transitive reports). */
  readonly manager?: Person;
  readonly access: readonly PersonAccess[];
  /** Explain failed for this person (shown instead of the list). */
  readonly error?: string;
}

/** A page of a manager's people. */
export interface MyPeoplePage {
  readonly people: readonly MyPerson[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

/** Reports of `managerId` depth-first (a report, then that report's people), each once, with their depth. */
export function reportTree(managerId: string, reports: ReadonlyMap<string, readonly string[]>, byId: ReadonlyMap<string, Person>): { id: string; depth: number }[] {
  const out: { id: string; depth: number }[] = [];
  const seen = new Set<string>([managerId]);
  const name = (id: string): string => { const p = byId.get(id); return p ? `${p.lastName} ${p.preferredName ?? p.firstName}`.toLowerCase() : id; };
  const walk = (id: string, depth: number): void => {
    for (const r of [...(reports.get(id) ?? [])].sort((a, b) => name(a).localeCompare(name(b)))) {
      if (seen.has(r)) continue; // a cycle in HR data must not loop
      seen.add(r);
      out.push({ id: r, depth });
      walk(r, depth + 1);
    }
  };
  walk(managerId, 1);
  return out;
}

/** The explain data of one person as a flat list of entitlements with their reason. */
async function accessOf(engine: Engine, personId: string, facts: PersonFacts): Promise<PersonAccess[]> {
  const accounts = await engine.store.accounts.byPerson(personId);
  const ex = await explainStored(engine, personId, { ...facts, accounts });
  const out: PersonAccess[] = [];
  for (const t of ex.targets) {
    const unmanaged = new Set(accounts.filter((a) => a.target === t.target).flatMap((a) => a.unmanaged ?? []).map((e) => e.toLowerCase()));
    for (const g of t.entitlements) out.push({ target: t.target, entitlement: g.name, why: g.kind === 'request' ? 'request' : g.kind === 'manual' ? 'manual' : 'rule', source: g.rule, detail: g.because, held: g.held });
    for (const g of t.removedEntitlements ?? []) out.push({ target: t.target, entitlement: g.name, why: g.kind === 'review' ? 'review' : 'manual', source: '', detail: g.because, held: false });
    for (const e of t.extraEntitlements) out.push({ target: t.target, entitlement: e, why: unmanaged.has(e.toLowerCase()) ? 'unmanaged' : 'ungranted', source: '', detail: '', held: true });
  }
  return out;
}

/**
 * One page of the principal's people (a manager's transitive reports; nobody for a principal without a person).
 * `facts` lets the console pass its cached snapshot (persons, history, disable records).
 */
export async function myPeople(engine: Engine, p: RequestPrincipal, o: { readonly offset?: number; readonly limit?: number; readonly facts?: PersonFacts } = {}): Promise<MyPeoplePage> {
  const limit = Math.min(Math.max(o.limit ?? 25, 1), 100);
  const offset = Math.max(o.offset ?? 0, 0);
  if (p.personId === undefined) return { people: [], total: 0, offset, limit };
  const byId = o.facts?.persons ?? new Map((await engine.store.persons.all()).map((x) => [x.id, x]));
  const tree = reportTree(p.personId, reportsIndex(byId.values()), byId);
  const facts: PersonFacts = { ...o.facts, persons: byId };
  const people: MyPerson[] = [];
  for (const { id, depth } of tree.slice(offset, offset + limit)) {
    const person = byId.get(id);
    if (!person) continue;
    const manager = depth > 1 && person.supervisorId !== undefined ? byId.get(person.supervisorId) : undefined;
    try {
      people.push({ person, depth, ...(manager ? { manager } : {}), access: await accessOf(engine, id, facts) });
    } catch (err) {
      people.push({ person, depth, ...(manager ? { manager } : {}), access: [], error: (err as Error).message });
    }
  }
  return { people, total: tree.length, offset, limit };
}
