/**
 * Leavers whose accounts are still enabled: persons terminated or gone at `at` (the planner's lifecycle, with the
 * configured end-date choice, time zone and employment periods) who hold an enabled account, with the day access
 * should have closed and why it has not (a hold or lock, a failed operation, or a disable still to be applied).
 */
import { daysBetween, lifecycleAt } from '../lifecycle.js';
import type { AccountState, DisableRecord, Hold, Person, Reservation } from '../model.js';
import type { PlanInput, TargetInfo } from '../plan-input.js';
import { computePlan } from '../planner.js';
import { accountLabel, cmp, enabledTargets, nameOf, ownerIndex, type Report, type ReportInput } from './common.js';

/** One enabled account of a leaver. */
export type LeaverRow = {
  readonly personId: string;
  readonly person: string;
  /** `terminated` or `gone`. */
  readonly state: string;
  readonly target: string;
  readonly anchor: string;
  readonly account: string;
  /** Access should have closed at the end of this day (empty: HR status inactive without an end date). */
  readonly accessClosedOn: string;
  /** Whole days since then. */
  readonly daysOver: number | null;
  /** `hold`, `lock`, `retention`, `failed`, `pending`, `blocked` or `unplanned`. */
  readonly cause: string;
  readonly why: string;
};

/** A failed operation for an account (from the audit's `op.failed` entries). */
export interface FailedOperation {
  readonly at: string;
  readonly action: string;
  readonly error: string;
}

/** Everything the planner needs besides the stored state, and the failures seen in the audit. */
export interface LeaversInput extends ReportInput {
  readonly targets: Readonly<Record<string, TargetInfo>>;
  readonly reservations: readonly Reservation[];
  readonly holds: readonly Hold[];
  readonly disabled: readonly DisableRecord[];
  /** Latest failed operation by `target\u0000personId`. */
  readonly failures?: ReadonlyMap<string, FailedOperation>;
}

/** Persons terminated or gone at `at`, with each enabled account they still hold (owner matching as the planner's). */
export function leaverAccounts(input: ReportInput, opts: { target?: string } = {}): { person: Person; account: AccountState }[] {
  const owners = ownerIndex(input.config, input.persons);
  const targets = new Set(enabledTargets(input.config, opts.target));
  const out: { person: Person; account: AccountState }[] = [];
  const state = new Map<string, string>();
  for (const a of input.accounts) {
    if (!a.enabled || !targets.has(a.target)) continue;
    const o = owners.ownerOf(a);
    if (o.kind !== 'person') continue;
    let s = state.get(o.person.id);
    if (s === undefined) state.set(o.person.id, (s = lifecycleAt(o.person, input.at, input.config.lifecycle, input.history?.[o.person.id]).state));
    if (s === 'terminated' || s === 'gone') out.push({ person: o.person, account: a });
  }
  return out;
}

/** The report. The plan is computed for the leavers only, from the stored state (no target is read). */
export function leaversEnabledReport(input: LeaversInput, opts: { target?: string } = {}): Report<LeaverRow> {
  const found = leaverAccounts(input, opts);
  const ids = [...new Set(found.map((f) => f.person.id))];
  const planInput: PlanInput = {
    at: input.at, createdAt: input.at, config: input.config, accounts: input.accounts, reservations: input.reservations,
    targets: input.targets, holds: input.holds, disabled: input.disabled, onlyPersons: ids,
    snapshot: { persons: input.persons, problems: [], reportedTotal: input.persons.length, complete: true, readAt: input.at },
    ...(input.history ? { history: input.history } : {}),
  };
  const plan = ids.length > 0 ? computePlan(planInput) : undefined;
  const rows: LeaverRow[] = [];
  for (const { person, account } of found) {
    const lc = lifecycleAt(person, input.at, input.config.lifecycle, input.history?.[person.id]);
    const closed = lc.endDate ?? '';
    const same = (x: { personId: string; target: string }) => x.personId === person.id && x.target === account.target;
    const held = plan?.held.find((h) => same(h) && (h.anchor === undefined || h.anchor === account.anchor));
    const failure = input.failures?.get(`${account.target}\u0000${person.id}`);
    const disable = plan?.operations.find((o) => same(o) && (o.action === 'disable' || o.action === 'delete') && (o.anchor === undefined || o.anchor === account.anchor));
    const error = plan?.errors.find((e) => e.personId === person.id && (e.target === undefined || e.target === account.target));
    let cause: string;
    let why: string;
    if (held) {
      cause = held.kind;
      why = `${held.reason}${held.until ? ` (until ${held.until})` : ''}`;
    } else if (failure && (closed === '' || failure.at.slice(0, 10) >= closed)) {
      cause = 'failed';
      why = `${failure.action} failed at ${failure.at}: ${failure.error}`;
    } else if (disable) {
      const breach = plan?.breaches.find((b) => b.action === disable.action && (b.target === '*' || b.target === account.target));
      cause = breach ? 'blocked' : 'pending';
      why = breach ? `the ${disable.action} is over the threshold (${breach.limit}) and waits for approval (--approve)` : `the ${disable.action} is planned: the next sync applies it`;
    } else {
      cause = 'unplanned';
      why = error ? `${error.code}: ${error.message}` : 'no disable is planned (check `cadre explain`)';
    }
    rows.push({
      personId: person.id, person: nameOf(person), state: lc.state, target: account.target, anchor: account.anchor,
      account: accountLabel(account), accessClosedOn: closed, daysOver: closed === '' ? null : daysBetween(closed, lc.today), cause, why,
    });
  }
  rows.sort((x, y) => cmp(x.accessClosedOn, y.accessClosedOn) || cmp(x.personId, y.personId) || cmp(x.target, y.target));
  return { report: 'leavers-enabled', at: input.at, columns: ['personId', 'person', 'state', 'target', 'anchor', 'account', 'accessClosedOn', 'daysOver', 'cause', 'why'], rows };
}
