/**
 * Several accounts carrying one person's correlation id: what the planner does about it. Nothing is guessed; a
 * leaver still loses access on every one of them.
 */
import type { AccountMatch, DesiredDetail, PlanContext } from './desired.js';
import { accountsOf } from './desired.js';
import { makeOp } from './diff.js';
import type { AccountState, Operation, Person, PlanError } from './model.js';
import type { TargetInfo } from './plan-input.js';

/** Lifecycle states of a leaver whose accounts are disabled (or deleted). */
export const LEAVER_STATES: ReadonlySet<string> = new Set(['terminated', 'gone']);

const disableOp = (target: string, personId: string, a: AccountState, source: string, detail: string): Operation => makeOp({
  target, action: 'disable', personId, anchor: a.anchor,
  changes: [{ attribute: 'enabled', from: true, to: false }],
  reason: { kind: 'lifecycle', source, detail },
});

/**
 * Several accounts for one person: for a leaver every one of them is disabled (nothing else is done), for anyone
 * else nothing is planned. A legacy account that several persons match by secondary correlation is adopted by none.
 */
export function ambiguous(ctx: PlanContext, person: Person, target: string, m: Extract<AccountMatch, { kind: 'ambiguous' }>): { error: PlanError; ops: Operation[] } {
  const anchors = m.accounts.map((a) => a.anchor).join(', ');
  if (m.by === 'secondary') {
    const who = m.claimants && m.claimants.length > 1 ? `persons ${m.claimants.join(', ')} all match` : `person ${person.id} matches`;
    return { ops: [], error: { personId: person.id, target, code: 'CORRELATION_AMBIGUOUS', message: `${who} ${m.accounts.length > 1 ? `${m.accounts.length} legacy accounts` : 'the legacy account'} ${anchors} in ${target} by secondary correlation: none is adopted until only one match remains` } };
  }
  const state = ctx.lifecycle(person).state;
  const info = ctx.input.targets[target] as TargetInfo;
  if (LEAVER_STATES.has(state) && info.capabilities.supportsEnable) {
    const ops = m.accounts.filter((a) => a.enabled).map((a) => disableOp(target, person.id, a, 'terminated', `leaver with ${m.accounts.length} accounts carrying the person's id: every one is disabled`));
    return { ops, error: { personId: person.id, target, code: 'CORRELATION_AMBIGUOUS', message: `${m.accounts.length} accounts in ${target} belong to person ${person.id} (${anchors}): the person has left, so every one is disabled; nothing else is planned until only one remains` } };
  }
  return { ops: [], error: { personId: person.id, target, code: 'CORRELATION_AMBIGUOUS', message: `${m.accounts.length} accounts in ${target} belong to person ${person.id} (${anchors}): nothing is planned until only one remains` } };
}

/** A leaver's further accounts that carry the person's id besides the matched one: disabled too, and reported. */
export function disableOthers(ctx: PlanContext, personId: string, target: string, matched: AccountState, detail: DesiredDetail, errors: PlanError[]): Operation[] {
  const others = accountsOf(ctx, target, personId).filter((a) => a.anchor !== matched.anchor);
  const info = ctx.input.targets[target] as TargetInfo;
  if (others.length === 0 || !info.capabilities.supportsEnable || detail.desired.enabled) return [];
  errors.push({ personId, target, code: 'CORRELATION_AMBIGUOUS', message: `besides account ${matched.anchor}, ${others.map((a) => a.anchor).join(', ')} in ${target} carry the id of person ${personId}: the person has left, so they are disabled too` });
  return others.filter((a) => a.enabled).map((a) => disableOp(target, personId, a, 'terminated', 'another account carrying the leaver\'s id: disabled too'));
}

/**
 * Further accounts carrying an active person's id besides the matched one (made by hand, or restored from a backup):
 * reported, never touched (which one is theirs is a human decision). A leaver's are disabled by {@link disableOthers}.
 */
export function reportOthers(ctx: PlanContext, personId: string, target: string, matched: AccountState, errors: PlanError[]): void {
  const others = accountsOf(ctx, target, personId).filter((a) => a.anchor !== matched.anchor);
  if (others.length === 0) return;
  errors.push({ personId, target, code: 'CORRELATION_DUPLICATE', message: `besides account ${matched.anchor}, ${others.map((a) => a.anchor).join(', ')} in ${target} ${others.length === 1 ? 'carries' : 'carry'} the id of person ${personId}: left alone (disabled when the person leaves); delete ${others.length === 1 ? 'it' : 'them'} or clear the id` });
}
