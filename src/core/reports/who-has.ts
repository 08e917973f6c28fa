/** Who has entitlement X, and why: every account holding it, with the rule that grants it (the explain data). */
import { buildPlanContext, desiredDetail } from '../desired.js';
import type { Reservation } from '../model.js';
import type { PlanInput, TargetInfo } from '../plan-input.js';
import { accountLabel, cmp, enabledTargets, nameOf, ownerIndex, type Report, type ReportInput } from './common.js';

/** One holder. */
export type WhoHasRow = {
  readonly target: string;
  readonly entitlement: string;
  readonly personId: string;
  readonly person: string;
  readonly anchor: string;
  readonly account: string;
  readonly enabled: boolean;
  /** The rule granting it, or empty when none does. */
  readonly rule: string;
  /** The rule's reason, or why no rule grants it. */
  readonly why: string;
};

/** Text for a holding no rule explains. */
export const NOT_GRANTED = 'not granted by any rule (manual / unmanaged)';

/** Inputs beyond the stored state: the planner's view of each target and the reservations (rules may use `id.*`). */
export interface WhoHasInput extends ReportInput {
  readonly targets: Readonly<Record<string, TargetInfo>>;
  readonly reservations: readonly Reservation[];
}

/**
 * Every stored account holding `entitlement` (case-insensitive, managed or not) in the enabled targets (or
 * `target`), with the rule that grants it to the owner as of `at` ({@link desiredDetail}, as `explain` shows it).
 */
export function whoHasReport(input: WhoHasInput, entitlement: string, opts: { target?: string } = {}): Report<WhoHasRow> {
  const wanted = entitlement.toLowerCase();
  const targets = new Set(enabledTargets(input.config, opts.target).filter((t) => input.targets[t] !== undefined));
  const owners = ownerIndex(input.config, input.persons);
  const plan: PlanInput = {
    at: input.at, createdAt: input.at, config: input.config, accounts: input.accounts, reservations: input.reservations, targets: input.targets,
    snapshot: { persons: input.persons, problems: [], reportedTotal: input.persons.length, complete: true, readAt: input.at },
    ...(input.history ? { history: input.history } : {}),
  };
  const ctx = buildPlanContext(plan);
  const rows: WhoHasRow[] = [];
  for (const a of input.accounts) {
    if (!targets.has(a.target)) continue;
    const held = [...a.entitlements, ...(a.unmanaged ?? [])].find((e) => e.toLowerCase() === wanted);
    if (held === undefined) continue;
    const o = owners.ownerOf(a);
    const base = { target: a.target, entitlement: held, anchor: a.anchor, account: accountLabel(a), enabled: a.enabled };
    if (o.kind !== 'person') {
      rows.push({ ...base, personId: '', person: '', rule: '', why: o.kind === 'excluded' ? `excluded account: ${o.rule}` : `${NOT_GRANTED}; no HR person: ${o.why}` });
      continue;
    }
    let rule = '';
    let why = NOT_GRANTED;
    try {
      const d = desiredDetail(ctx, o.person, a.target);
      const grant = d.desired.entitlements.find((g) => g.name.toLowerCase() === wanted);
      if (grant) { rule = grant.reason.source; why = grant.reason.detail; } else if (!d.desired.exists || !d.desired.enabled) why = `${NOT_GRANTED}; the person is ${d.lifecycle.state}: ${d.lifecycle.reason.detail}`;
    } catch (e) {
      why = `the rules could not be evaluated for this person: ${(e as Error).message}`;
    }
    rows.push({ ...base, personId: o.person.id, person: nameOf(o.person), rule, why });
  }
  rows.sort((x, y) => cmp(x.target, y.target) || cmp(x.person.toLowerCase(), y.person.toLowerCase()) || cmp(x.anchor, y.anchor));
  return { report: 'who-has', at: input.at, columns: ['target', 'entitlement', 'personId', 'person', 'anchor', 'account', 'enabled', 'rule', 'why'], rows };
}
