/**
 * Fixtures shared by the planner's unit tests (planner-*.test.ts); not used at run time.
 */
import assert from 'node:assert/strict';
import type { AccountState, AttrValue, DisableRecord, Operation, Person, Plan, Reservation } from './model.js';
import type { PlanInput } from './plan-input.js';
import { computePlan } from './planner.js';
import { ids, input, person } from './test-support.js';

/** The account state a target would hold after applying a plan's create (+grants) for one person. */
export function accountAfter(plan: Plan, personId: string, target: string, anchor: string, over: Partial<AccountState> = {}): AccountState {
  const create = plan.operations.find((o) => o.action === 'create' && o.personId === personId && o.target === target);
  assert.ok(create, `create for ${personId} in ${target}`);
  const attributes: Record<string, AttrValue> = {};
  for (const c of create.changes) attributes[c.attribute] = c.to ?? null;
  const entitlements = plan.operations.filter((o) => o.action === 'grant' && o.personId === personId && o.target === target).map((o) => o.entitlement as string);
  assert.equal(create.action, 'create');
  const container = create.container;
  return {
    target, anchor, personId, correlation: personId, enabled: create.enabled,
    ...(container !== undefined ? { container } : {}),
    attributes, entitlements, ...over,
  };
}

/** The default planning instant. */
export const AT = '2024-06-01T10:00:00Z';
/** The plan's operations, optionally for one person. */
export const ops = (plan: Plan, personId?: string): Operation[] => plan.operations.filter((o) => personId === undefined || o.personId === personId);
/** `target:action[:entitlement]` per operation: compact, order-preserving plan assertions. */
export const brief = (plan: Plan, personId?: string): string[] => ops(plan, personId).map((o) => `${o.target}:${o.action}${o.entitlement ? `:${o.entitlement}` : ''}`);

/** A Sales joiner in Berlin, hired 2024-06-10, and her reserved identifiers. */
export const erika: Person = person('1', { firstName: 'Erika', lastName: 'Muster', department: 'Sales', office: 'Berlin', hireDate: '2024-06-10', status: 'onboarding' });
export const erikaIds = ids('1', 'emuster', 'erika.muster@example.com');

/** Plan, then "apply" the creates, for an in-sync starting point. */
export function synced(p: Person, res: Reservation[], at = AT, extra: Partial<PlanInput> = {}): { base: PlanInput; accounts: AccountState[] } {
  const base = input({ persons: [p], reservations: res, at, ...extra });
  const plan = computePlan(base);
  const accounts = [accountAfter(plan, p.id, 'ad', `guid-${p.id}`), accountAfter(plan, p.id, 'sql', `row-${p.id}`)];
  return { base, accounts };
}

/** The store's record that Cadre (or someone else: `observed`) disabled these accounts at `at`. */
export function disabledBy(accounts: readonly AccountState[], at: string, by: DisableRecord['by'] = 'cadre', via: DisableRecord['via'] = 'disable'): DisableRecord[] {
  return accounts.map((a) => ({ target: a.target, anchor: a.anchor, at, by, ...(by === 'cadre' && via !== undefined ? { via } : {}) }));
}
