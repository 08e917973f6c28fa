/**
 * The planner's side of the offboarding steps: the person's accounts and the store's disable records, for
 * `offboardingOps` (offboarding.ts). Pure.
 */
import { matchAccount, type PlanContext } from './desired.js';
import type { AccountState, Operation, Person } from './model.js';
import { offboardingOps } from './offboarding.js';
import type { Safeguards } from './safeguards.js';

/** The offboarding steps of one person (offboarding.ts), none on accounts under a hold. */
export function offboardingFor(ctx: PlanContext, safe: Safeguards, personId: string, person: Person | undefined, mine: readonly Operation[], leaverSources: ReadonlySet<string>, login: (op: Operation) => string): Operation[] {
  const account = (t: string): AccountState | undefined => {
    const m = ctx.targets.includes(t) ? matchAccount(ctx, t, personId) : undefined;
    return m?.kind === 'linked' || m?.kind === 'adopt' ? m.account : undefined;
  };
  const disabledByCadre = (t: string, a: string): boolean => {
    const r = safe.disabledBy(t, a);
    return r?.by === 'cadre' && r.via === 'disable';
  };
  return offboardingOps({
    config: ctx.config, targets: ctx.input.targets, account, disabledByCadre,
    supervisorId: person?.supervisorId, endDate: person ? ctx.lifecycle(person).endDate : undefined, deleteOn: person ? ctx.lifecycle(person).deleteOn : undefined, login,
  }, personId, mine, leaverSources).filter((o) => o.action !== 'offboard' || safe.hold(personId, o.target) === undefined);
}

