/**
 * The effect-handler contract: what a plan's pseudo-targets (the Personio write-back, notifications) do. Handlers are
 * registered beside the target connectors (`engine.effects`), so the executor dispatches, journals, fences, retries
 * and audits their operations exactly like a target's.
 */
import type { Operation, Person } from '../../core/model.js';
import type { Store } from '../../store/types.js';
import type { OperationResult } from '../../targets/contract.js';

/** An initial password the run set on a target, kept in memory for the joiner mail only (never stored or logged). */
export interface RunSecret {
  readonly target: string;
  readonly login: string;
  readonly password: string;
}

/** What a handler sees of the run applying its operation. */
export interface EffectRunContext {
  /** The source's persons of this run, by id. */
  readonly persons: ReadonlyMap<string, Person>;
  /** Initial passwords this run set so far, by person (filled as target operations succeed). */
  readonly secrets: ReadonlyMap<string, readonly RunSecret[]>;
  /** The plan's instant (`--at` moves it): "today" for date checks such as the password mail's start date. */
  readonly at?: string;
}

/** One effect: the operations of one pseudo-target. */
export interface EffectHandler {
  /** The pseudo-target its operations name (`op.target`); no target may be configured under it. */
  readonly name: string;
  /** Max concurrent operations (the executor also caps by `executor.concurrency`). */
  readonly concurrency: number;
  /** One attempt; expected failures are results (`transient: true` ones are retried), throws count as errors. */
  apply(op: Operation, ctx: EffectRunContext): Promise<OperationResult>;
  /**
   * An operation an interrupted run left pending that is to be done now anyway, because the next plan will not plan
   * it again (a joiner mail: the person is no joiner any more). `undefined` (or no method): re-planned from live state.
   */
  resume?(op: Operation): Operation | undefined;
  /**
   * Store writes that go with a done operation, committed in the same transaction as its journal mark and audit
   * entry (the write-back remembers what it wrote). `undefined` (or no method): nothing to store.
   */
  commit?(op: Operation, ctx: EffectCommitContext): ((tx: Store) => Promise<void>) | undefined;
}

/** What {@link EffectHandler.commit} sees. */
export interface EffectCommitContext {
  readonly runId: string;
  /** When the operation was done (ISO instant). */
  readonly at: string;
  /** The operation's person as this run read it. */
  readonly person?: Person;
}
