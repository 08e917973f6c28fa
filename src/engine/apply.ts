/**
 * Applies a prepared plan: threshold gate, reservations, journal, execution, store and audit.
 * A killed apply is safe to rerun: the next plan is computed from live target state and connectors
 * find existing accounts by their correlation id before creating.
 */
import { mailAdmins } from './notify-admins.js';
import { correlationCodec } from '../core/correlation.js';
import type { AccountState, AttrValue, DesiredAccount, DisableRecord, IdentifierReallocation, Operation, Person } from '../core/model.js';
import { localDate } from '../core/lifecycle.js';
import { periodsToRemember } from '../core/periods.js';
import type { OperationResult, TargetConnector } from '../targets/contract.js';
import type { DisableChange, Store } from '../store/types.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';
import { applyEffect } from './account-state.js';
import type { EffectRunContext, RunSecret } from './effects/contract.js';
import { execute, type OpOutcome } from './executor.js';
import { groupCommit } from './group-commit.js';
import type { RunLease } from './lease.js';
import { explainCollision } from './identifier-collisions.js';
import { generatePassword, scrubSecret } from '../util/password.js';
import { credentialCollector } from './credentials/produce.js';
import type { PreparedPlan } from './planning.js';
import { gateThresholds, type Approvals } from './threshold-gate.js';

/** Options for {@link applyPrepared}. */
export interface ApplyOptions {
  /** Who triggered the run (audit actor). */
  readonly actor: string;
  /** The run lease, taken before the plan was computed; its holder id becomes the run id. */
  readonly lease: RunLease;
  /** Operator approval for a plan over a threshold: everything, or per target and action. */
  readonly approve?: Approvals;
  readonly kind?: 'apply' | 'sync' | 'incremental';
  readonly progress?: (done: number, total: number) => void;
  /** Replace the stored person snapshot (full reads) or merge (incremental). */
  readonly storePersons?: 'replace' | 'merge' | 'none';
}

/** What happened. */
export interface ApplyReport {
  readonly runId: string;
  readonly outcomes: readonly OpOutcome[];
  readonly counts: Readonly<Record<string, number>>;
}

const key = (target: string, id: string): string => `${target}\u0000${id}`;

/** The desired account as far as the operation describes it (create carries every attribute). */
function desiredFromOp(op: Operation): DesiredAccount {
  const attributes: Record<string, AttrValue> = {};
  for (const c of op.changes) if (c.to !== undefined) attributes[c.attribute] = c.to;
  const container = op.action === 'create' ? op.container : undefined;
  return {
    target: op.target,
    personId: op.personId,
    exists: op.action !== 'delete',
    enabled: op.action === 'create' && op.enabled,
    ...(container ? { container } : {}),
    attributes,
    attributeReasons: {},
    entitlements: [],
    lifecycle: op.reason,
  };
}

/** A connector's read-back state, linked to the operation's person and target. */
function readBack(state: AccountState, op: Operation, computed: AccountState | undefined): AccountState {
  return { ...state, target: op.target, personId: op.personId, anchor: state.anchor || computed?.anchor || '', correlation: state.correlation ?? computed?.correlation ?? op.personId };
}

/**
 * Mark runs that were killed mid-apply. Their pending account work is re-planned from live state; the pending
 * operations their effect handler resumes (see EffectHandler.resume) are returned, to be done in this run.
 * Only runs whose lease is dead are unfinished here: this run holds the lease, so no other run is live, and each
 * close commits only while that is still true.
 */
async function closeInterrupted(engine: Engine, lease: RunLease): Promise<Operation[]> {
  const runId = lease.runId;
  const carried: Operation[] = [];
  await lease.ensure();
  for (const id of await engine.store.journal.unfinishedRuns()) {
    if (id === runId) continue;
    const entries = await engine.store.journal.entries(id);
    const pending = entries.filter((e) => e.status === 'pending');
    // Whether the targets got them is unknown: say so per operation; the new plan re-reads live state.
    await engine.store.transaction(async (tx) => {
      await lease.assertHeldIn(tx);
      for (const e of pending) await tx.journal.mark(id, e.opId, 'skipped', { error: `interrupted; superseded by run ${runId}` });
      await engine.audit.recordManyIn(tx, pending.map(({ operation: op }) => ({
        actor: 'cadre', event: 'op.interrupted', runId: id, personId: op.personId, target: op.target,
        payload: { opId: op.id, action: op.action, anchor: op.anchor, entitlement: op.entitlement, outcome: 'unknown', resumedBy: runId },
      })));
    });
    for (const { operation: op } of pending) {
      const again = engine.effects.get(op.target)?.resume?.(op);
      if (again) carried.push(again);
    }
    await engine.store.runs.finish(id, 'failed', { interrupted: pending.length });
    await engine.audit.record({ actor: 'cadre', event: 'run.interrupted', runId: id, payload: { pending: pending.length, resumedBy: runId } });
  }
  return carried;
}

/**
 * Who disabled an account after Cadre's operation on it: Cadre, at the plan instant (a disable, or a create of a
 * disabled pre-hire account); an enable clears the record. `undefined`: nothing to record.
 */
function disableFact(op: Operation, after: AccountState, at: string, unchanged: boolean): DisableChange | undefined {
  const where = { target: after.target, anchor: after.anchor };
  if (op.action === 'enable') return { ...where, clear: true };
  // Found disabled already (locked by hand after the state this plan was made from): not Cadre's disable. The record
  // stays as it is; without one the account counts as a manual lock, so a rehire does not enable it.
  if (op.action === 'disable' && unchanged) return undefined;
  if ((op.action === 'disable' || op.action === 'create') && !after.enabled) return { ...where, at, by: 'cadre', via: op.action };
  return undefined;
}

/**
 * Reconcile the disable records with what the targets hold: an account found disabled that Cadre did not disable is
 * recorded as `observed` (a manual lock, from now on); one found enabled again has no disable in force any more.
 */
function observedDisables(accounts: readonly AccountState[], known: readonly DisableRecord[], at: string): DisableChange[] {
  const records = new Map(known.map((r) => [key(r.target, r.anchor), r]));
  const out: DisableChange[] = [];
  for (const a of accounts) {
    if (!a.personId) continue;
    const r = records.get(key(a.target, a.anchor));
    if (!a.enabled && !r) out.push({ target: a.target, anchor: a.anchor, at, by: 'observed' });
    else if (a.enabled && r) out.push({ target: a.target, anchor: a.anchor, clear: true });
  }
  return out;
}

/** Release reserved values the plan gave up (taken by someone else before use) and audit each move. */
async function releaseReallocated(engine: Engine, moves: readonly IdentifierReallocation[], actor: string, runId: string): Promise<void> {
  if (moves.length === 0) return;
  await engine.store.transaction(async (tx) => {
    await tx.reservations.releaseValues(moves.map((m) => ({ kind: m.kind, value: m.from, personId: m.personId })));
    await engine.audit.recordManyIn(tx, moves.map((m) => ({
      actor, event: 'identifier.reallocated', runId, personId: m.personId,
      payload: { kind: m.kind, from: m.from, to: m.to ?? null, reason: m.reason },
    })));
  });
}

/**
 * Apply a prepared plan under the run lease. Throws ThresholdBlockedError (exit 3) when over a threshold and not
 * approved, LeaseLostError (exit 5) when the lease passed to another run meanwhile.
 */
export async function applyPrepared(engine: Engine, prepared: PreparedPlan, opts: ApplyOptions): Promise<ApplyReport> {
  const { plan, input } = prepared;
  const { lease } = opts;
  await lease.ensure();
  const run = await engine.store.runs.start({ id: lease.runId, kind: opts.kind ?? 'apply', planBasis: plan.basis });
  const runId = run.id;
  await engine.audit.record({ actor: opts.actor, event: 'run.start', runId, payload: { kind: opts.kind ?? 'apply', at: plan.at, basis: plan.basis, summary: plan.summary } });

  // Failed HR records are reported on every run, also when the person kept the last good record.
  if (plan.problems.length > 0) {
    await engine.audit.record({ actor: opts.actor, event: 'source.problems', runId, payload: { problems: plan.problems.map((p) => ({ personId: p.personId, messages: p.messages, keptLastGood: p.keptLastGood === true })) } });
  }
  // A config mistake (unknown group / OU) refuses the whole plan, approved or not: it would revoke real access.
  const blockers = plan.blockers ?? [];
  if (blockers.length > 0) {
    await engine.audit.record({ actor: opts.actor, event: 'plan.refused', runId, payload: { blockers: blockers.map((b) => ({ code: b.code, target: b.target, name: b.name, source: b.source, ...(b.suggestion ? { suggestion: b.suggestion } : {}) })) } });
    await engine.store.runs.finish(runId, 'refused', plan.summary);
    throw new CadreError('PLAN_INVALID', `nothing was applied: ${blockers.map((b) => b.message).join('; ')}. Fix cadre.yaml (\`cadre validate --live\` checks it against the targets).`, EXIT.usage);
  }
  await gateThresholds(engine, plan, runId, { actor: opts.actor, scoped: input.onlyPersons !== undefined, ...(opts.approve ? { approve: opts.approve } : {}) });

  const carried = await closeInterrupted(engine, lease);
  await releaseReallocated(engine, plan.reallocations ?? [], opts.actor, runId);
  // Reserve identifiers before anything is sent, so a crash can never hand them to someone else.
  await engine.store.reservations.reserve(plan.reservations);
  const persons = new Map<string, Person>(prepared.snapshot.persons.map((p) => [p.id, p]));
  const storePersons = opts.storePersons ?? 'replace';
  if (storePersons === 'replace') await engine.store.persons.replaceAll(prepared.snapshot.persons);
  else if (storePersons === 'merge' && prepared.changedPersons) await engine.store.persons.upsertMany(prepared.changedPersons);
  // Remember each record per hire date: when HR enters a rehire and clears the old end dates, the old period stays known.
  const seen = storePersons === 'replace' ? prepared.snapshot.persons : storePersons === 'merge' ? prepared.changedPersons ?? [] : [];
  const tz = engine.config.lifecycle.timezone;
  await engine.store.periods.record(periodsToRemember(seen, input.history ?? {}, plan.at, (at) => localDate(at, tz)));

  // Remember listings and links. An account found by correlation is linked to its person only when its `adopt`
  // operation is done; until then the link exists in memory, so references to it (a manager) resolve.
  const state = new Map<string, AccountState>();
  const byPerson = new Map<string, AccountState>();
  const adopting = new Map<string, string>();
  for (const op of plan.operations) if (op.anchor && op.action === 'adopt') adopting.set(key(op.target, op.anchor), op.personId);
  for (const a of input.accounts) {
    state.set(key(a.target, a.anchor), a);
    const personId = a.personId ?? adopting.get(key(a.target, a.anchor));
    if (personId) byPerson.set(key(a.target, personId), a.personId ? a : { ...a, personId });
  }
  for (const [name] of engine.targets) {
    if (prepared.input.onlyPersons) continue;
    await engine.store.accounts.replaceTarget(name, [...state.values()].filter((a) => a.target === name && a.personId));
  }
  await engine.store.accounts.setDisabled(observedDisables([...state.values()], input.disabled ?? [], plan.at));

  const codecs = new Map([...engine.targets.keys()].map((t) => [t, correlationCodec(engine.config.targets[t]?.correlation?.value)]));
  const planned = new Set(plan.operations.map((o) => o.id));
  const ops = [...plan.operations, ...carried.filter((o) => !planned.has(o.id))];
  await engine.store.journal.add(runId, ops);
  const secrets = new Map<string, RunSecret[]>();
  const counts: Record<string, number> = { done: 0, failed: 0, skipped: 0 };
  const effectCtx: EffectRunContext = { persons, secrets, at: plan.at };
  const credentials = credentialCollector(engine);

  // Journal, account state and audit entry of an operation commit together; concurrent settles share a transaction.
  const commit = groupCommit<{ outcome: OpOutcome; write?: (tx: Store) => Promise<void> }>((items) => engine.store.transaction(async (tx) => {
    // Fencing: once another run has taken the lease (and closed these operations as interrupted), nothing commits.
    await lease.assertHeldIn(tx);
    for (const { outcome, write } of items) {
      await tx.journal.mark(runId, outcome.op.id, outcome.status, {
        ...(outcome.error ? { error: `${outcome.error.code}: ${outcome.error.message}` } : {}),
        ...(outcome.anchor ? { anchor: outcome.anchor } : {}),
      });
      if (write) await write(tx);
    }
    await engine.audit.recordManyIn(tx, items.map(({ outcome }) => {
      const { op } = outcome;
      return {
        actor: opts.actor,
        event: `op.${outcome.status}`,
        runId,
        personId: op.personId,
        target: op.target,
        payload: {
          opId: op.id, action: op.action, anchor: outcome.anchor ?? op.anchor, entitlement: op.entitlement,
          changes: op.changes, reason: op.reason, attempts: outcome.attempts,
          ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.note ? { note: outcome.note } : {}),
        },
      };
    }));
  }));

  /** One attempt of an operation in its target's connector. */
  const viaConnector = async (connector: TargetConnector, op: Operation): Promise<OperationResult> => {
    const current = op.anchor ? state.get(key(op.target, op.anchor)) : byPerson.get(key(op.target, op.personId));
    const targetCfg = engine.config.targets[op.target];
    const wantsSecret = (op.action === 'create' || op.action === 'setPassword') && targetCfg?.password === true && connector.capabilities.supportsPassword;
    const secret = wantsSecret ? generatePassword() : undefined;
    const resolvedOp = current && !op.anchor ? { ...op, anchor: current.anchor } : op;
    let sent: OperationResult;
    try {
      sent = await connector.apply(resolvedOp, {
        desired: desiredFromOp(op),
        ...(current ? { current } : {}),
        ...(secret ? { secret } : {}),
        resolveAnchor: async (personId) => byPerson.get(key(op.target, personId))?.anchor,
      });
    } catch (e) {
      // The message becomes the operation's error (audit row, run report): never with the password sent.
      if (secret && e instanceof Error) { e.message = scrubSecret(e.message, secret); if (e.stack) e.stack = scrubSecret(e.stack, secret); }
      throw e;
    }
    // A service may quote the rejected request, password included, in its answer.
    if (!sent.ok && secret) sent = { ...sent, error: { ...sent.error, message: scrubSecret(sent.error.message, secret) } };
    const result = explainCollision(op, sent);
    const login = String(op.changes.find((c) => /samaccountname|userprincipalname|username|login/i.test(c.attribute))?.to ?? current?.attributes['userPrincipalName'] ?? '');
    // An adopted account keeps its password: never hand out one that was not set. Console/TAP delivery keeps it
    // for the console (notifications.passwordDelivery); only mail-separate hands it to the password mail.
    if (result.ok && secret && !result.adopted && !credentials.takePassword(op, login, secret)) {
      const list = secrets.get(op.personId) ?? [];
      list.push({ target: op.target, login, password: secret });
      secrets.set(op.personId, list);
    }
    return credentials.afterOperation(connector, op, result, login);
  };

  const outcomes = await execute(ops, {
    retries: engine.config.executor.retries,
    concurrency: (target) => Math.min((engine.effects.get(target) ?? engine.targets.get(target))?.concurrency ?? 1, engine.config.executor.concurrency),
    progress: opts.progress,
    run: async (op) => {
      // A run that lost its lease sends nothing more (the error fails the commit, which ends the run).
      await lease.ensure();
      // Every operation goes the same way: its pseudo-target's effect handler or its target's connector.
      const effect = engine.effects.get(op.target);
      if (effect) return effect.apply(op, effectCtx);
      const connector = engine.targets.get(op.target);
      if (!connector) return { ok: false, error: { code: 'TARGET_UNKNOWN', message: `target ${op.target} is not configured`, transient: false } };
      return viaConnector(connector, op);
    },
    settle: async (outcome) => {
      const { op } = outcome;
      counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
      let write: ((tx: Store) => Promise<void>) | undefined;
      if (outcome.status === 'done' && engine.targets.has(op.target)) {
        const before = op.anchor ? state.get(key(op.target, op.anchor)) : byPerson.get(key(op.target, op.personId));
        // After a create, what the connector read back wins over what the operation should have done (an adopted
        // account keeps the groups it really holds), so incremental ticks that plan from the store see reality.
        const computed = applyEffect(before, op, outcome.anchor ?? before?.anchor, desiredFromOp(op), codecs.get(op.target)?.render(op.personId));
        const after = outcome.state && op.action === 'create' ? readBack(outcome.state, op, computed) : computed;
        if (before) state.delete(key(before.target, before.anchor));
        if (after && after.anchor) {
          state.set(key(after.target, after.anchor), after);
          byPerson.set(key(after.target, op.personId), after);
          const disabled = disableFact(op, after, plan.at, outcome.unchanged === true);
          write = async (tx) => {
            await tx.accounts.upsert(after);
            if (disabled) await tx.accounts.setDisabled([disabled]);
          };
        } else if (before) {
          byPerson.delete(key(op.target, op.personId));
          write = (tx) => tx.accounts.remove(before.target, before.anchor);
        }
      }
      // An effect's own bookkeeping (e.g. what the write-back wrote) commits with the operation's outcome.
      const effect = outcome.status === 'done' ? engine.effects.get(op.target) : undefined;
      const person = persons.get(op.personId);
      if (effect?.commit) write = effect.commit(op, { runId, at: engine.now().toISOString(), ...(person ? { person } : {}) }) ?? write;
      // A kill before the commit leaves the operation pending: the next run audits it as interrupted.
      await commit({ outcome, ...(write ? { write } : {}) });
    },
  });
  // Initial passwords and TAPs are sealed for the console only now, after every operation ran (never mailed).
  await credentials.flush(persons, opts.actor, runId);
  const status = counts.failed && counts.failed > 0 ? 'failed' : 'ok';
  await engine.store.runs.finish(runId, status, counts);
  await engine.audit.record({ actor: opts.actor, event: 'run.finish', runId, payload: { status, counts } });
  const failures = outcomes.filter((o) => o.status === 'failed');
  const to = engine.config.notifications.events.failure ?? [];
  if (failures.length > 0 && to.length > 0) {
    await mailAdmins(engine, to, {
      kind: 'failure', total: failures.length,
      failures: failures.slice(0, 50).map((f) => ({ action: f.op.action, target: f.op.target, personId: f.op.personId, code: f.error?.code ?? '', message: f.error?.message ?? '' })),
    });
  }
  return { runId, outcomes, counts };
}
