/**
 * What the console's person page shows, from the stored state: the explanation (every account, attribute and
 * entitlement with the rule behind it) computed for this one person, the live state of their accounts on request,
 * and their audit history. Read only.
 */
import { queryAudit, type AuditQueryPage } from '../audit/query.js';
import { explainPerson, type Explanation } from '../core/explain.js';
import { accessExceptions } from './access-exceptions.js';
import { requestGrants } from './requests/grants.js';
import type { AccountState, DisableRecord, Hold, Person } from '../core/model.js';
import type { EmploymentHistory } from '../core/periods.js';
import type { PlanInput } from '../core/plan-input.js';
import type { Engine } from './engine.js';
import { targetInfo } from './planning.js';

/** Facts the caller may already hold in memory (the console's person index); read from the store otherwise. */
export interface PersonFacts {
  readonly persons?: ReadonlyMap<string, Person>;
  readonly history?: EmploymentHistory;
  readonly disabled?: readonly DisableRecord[];
  /** The person's own stored accounts and holds, when the caller read them already. */
  readonly accounts?: readonly AccountState[];
  readonly holds?: readonly Hold[];
}

/**
 * Explain one person from the stored snapshot and stored account state, as `cadre explain` would after the last
 * sync. Only the person and their supervisor (for `ref(supervisorId)`) are planned, so it costs the same in a
 * company of ten thousand as in one of ten. Accounts not yet linked to the person (adoption by correlation) show
 * once a sync has linked them.
 */
export async function explainStored(engine: Engine, personId: string, facts: PersonFacts = {}): Promise<Explanation> {
  const get = async (id: string): Promise<Person | undefined> => facts.persons?.get(id) ?? engine.store.persons.get(id);
  const person = await get(personId);
  const supervisor = person?.supervisorId !== undefined ? await get(person.supervisorId) : undefined;
  const persons = [person, supervisor].filter((p): p is Person => p !== undefined);
  const ids = persons.map((p) => p.id);
  const accountsOf = (id: string) => (id === personId && facts.accounts ? Promise.resolve([...facts.accounts]) : engine.store.accounts.byPerson(id));
  const [accounts, reservations, holds, overrides] = await Promise.all([
    Promise.all(ids.map(accountsOf)).then((x) => x.flat()),
    Promise.all(ids.map((id) => engine.store.reservations.byPerson(id))).then((x) => x.flat()),
    facts.holds ? Promise.resolve([...facts.holds]) : engine.store.holds.byPerson(personId),
    engine.store.overrides.byPerson(personId),
  ]);
  const [grants, exceptions] = await Promise.all([requestGrants(engine, personId), accessExceptions(engine, personId)]);
  const anchors = new Set(accounts.map((a) => `${a.target}\u0000${a.anchor}`));
  const disabled = (facts.disabled ?? await engine.store.accounts.disabled()).filter((d) => anchors.has(`${d.target}\u0000${d.anchor}`));
  const allHistory = facts.history ?? await engine.store.periods.all();
  const history = Object.fromEntries(ids.filter((id) => allHistory[id] !== undefined).map((id) => [id, allHistory[id] ?? []]));
  const at = engine.now().toISOString();
  const input: PlanInput = {
    at, createdAt: at, config: engine.config,
    snapshot: { persons, problems: [], reportedTotal: persons.length, complete: true, readAt: at },
    accounts, reservations, disabled, holds, targets: targetInfo(engine), history,
    ...(overrides.length > 0 ? { overrides } : {}),
    ...(grants.length > 0 ? { accessGrants: grants } : {}),
    ...(exceptions.length > 0 ? { accessExceptions: exceptions } : {}),
  };
  return explainPerson(personId, input);
}

/** The live state of one stored account, or why it could not be read. */
export interface LiveAccount {
  readonly target: string;
  readonly anchor: string;
  readonly live?: AccountState;
  readonly error?: string;
}

/** Read the person's stored accounts live from their targets (by correlation value). */
export async function liveAccounts(engine: Engine, personId: string): Promise<LiveAccount[]> {
  const stored = await engine.store.accounts.byPerson(personId);
  return Promise.all(stored.map(async (a): Promise<LiveAccount> => {
    const connector = engine.targets.get(a.target);
    if (!connector) return { target: a.target, anchor: a.anchor, error: 'target not enabled' };
    if (a.correlation === undefined) return { target: a.target, anchor: a.anchor, error: 'no correlation value stored' };
    try {
      const found = await connector.find({ attribute: connector.correlationAttribute, value: a.correlation });
      const live = found.find((x) => x.anchor === a.anchor) ?? found[0];
      return { target: a.target, anchor: a.anchor, ...(live ? { live } : { error: 'not found in the target' }) };
    } catch (err) {
      return { target: a.target, anchor: a.anchor, error: (err as { code?: string }).code ?? 'read failed' };
    }
  }));
}

/** One page of the person's audit history, newest first. */
export async function personHistory(engine: Engine, personId: string, opts: { readonly limit?: number; readonly cursor?: string } = {}): Promise<AuditQueryPage> {
  return queryAudit(engine.store, { personId, limit: opts.limit ?? 25, ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}) });
}
