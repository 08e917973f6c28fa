/**
 * Upcoming lifecycle events (the dashboard's next 30 days): pre-hire account creations, first days, last days and
 * deletions. Pure: computed with the planner's own lifecycle function ({@link lifecycleAt}), each date confirmed by
 * asking it for the state on that day, so the dashboard never promises what the planner will not do.
 */
import type { LifecycleConfig } from '../config/schema.js';
import { addDays, lifecycleAt, type LifecycleInfo } from './lifecycle.js';
import type { LifecycleState, Person } from './model.js';
import type { EmploymentHistory } from './periods.js';
import { startOfLocalDay } from './rules/filetime.js';

/**
 * `prehire`: the account is created (disabled) that day; `firstDay`: it is enabled; `lastDay`: access closes at the
 * end of that day; `deletion`: the retention ends and the accounts are deleted.
 */
export type UpcomingKind = 'prehire' | 'firstDay' | 'lastDay' | 'deletion';

/** One upcoming event. */
export interface UpcomingEvent {
  readonly kind: UpcomingKind;
  /** Local calendar date (`YYYY-MM-DD`, lifecycle time zone). */
  readonly date: string;
  readonly personId: string;
  readonly name: string;
  /** Targets affected: every enabled target for creations and first days, the held accounts' targets otherwise. */
  readonly targets: readonly string[];
  /** Why, in the planner's words (e.g. `end date has passed: last_working_day 2026-03-10 …`). */
  readonly detail: string;
}

/** Inputs of {@link upcomingLifecycleEvents}. */
export interface UpcomingInput {
  readonly persons: readonly Person[];
  /** Instant "now" (ISO). */
  readonly at: string;
  /** Window: today and the next `days` days. */
  readonly days: number;
  readonly lifecycle: LifecycleConfig;
  readonly history?: EmploymentHistory;
  /** Enabled targets (where joiners get accounts). */
  readonly targets: readonly string[];
  /** Targets where each person holds an account (stored state), by person id. */
  readonly accountTargets?: ReadonlyMap<string, readonly string[]>;
}

const ORDER: Readonly<Record<UpcomingKind, number>> = { prehire: 0, firstDay: 1, lastDay: 2, deletion: 3 };

/** Display name as the console shows it. */
export function personName(p: Person): string {
  return `${p.preferredName ?? p.firstName} ${p.lastName}`.trim();
}

/** The instant of local noon on `date` (always inside that day, whatever DST does at night). */
export function noonOf(date: string, timeZone: string): string {
  return new Date(startOfLocalDay(date, timeZone) + 12 * 3_600_000).toISOString();
}

/**
 * Every lifecycle event from today up to and including today + `days`, sorted by date, kind and person id.
 * A date is only reported when the lifecycle state on that day confirms the change.
 */
export function upcomingLifecycleEvents(input: UpcomingInput): UpcomingEvent[] {
  const cfg = input.lifecycle;
  const out: UpcomingEvent[] = [];
  for (const p of input.persons) {
    const history = input.history?.[p.id] ?? [];
    const now = lifecycleAt(p, input.at, cfg, history);
    const last = addDays(now.today, input.days);
    const inWindow = (d: string | undefined): d is string => d !== undefined && d >= now.today && d <= last;
    const on = (date: string): LifecycleInfo => lifecycleAt(p, noonOf(date, cfg.timezone), cfg, history);
    const held = input.accountTargets?.get(p.id) ?? [];
    const add = (kind: UpcomingKind, date: string, detail: string, targets: readonly string[]): void => {
      out.push({ kind, date, personId: p.id, name: personName(p), targets: [...targets].sort(), detail });
    };
    const is = (info: LifecycleInfo, ...states: LifecycleState[]): boolean => states.includes(info.state);

    // Joiners (and rehires): the account is prepared preHireDays before the hire date and enabled on it.
    const hire = now.enableOn ?? now.rehireOn;
    if (hire !== undefined && hire > now.today) {
      const prepare = addDays(hire, -cfg.preHireDays);
      if (is(now, 'future', 'terminated') && inWindow(prepare) && prepare > now.today) {
        const then = on(prepare);
        if (is(then, 'prehire')) add('prehire', prepare, then.reason.detail, input.targets);
      }
      if (inWindow(hire)) {
        const then = on(hire);
        if (is(then, 'active', 'leave')) add('firstDay', hire, then.reason.detail, input.targets);
      }
    }
    // Leavers: access closes at the end of the end date; deletion follows after the retention.
    let deletion: LifecycleInfo | undefined;
    if (now.endDate !== undefined && !is(now, 'terminated', 'gone') && inWindow(now.endDate)) {
      const after = on(addDays(now.endDate, 1));
      if (is(after, 'terminated', 'gone')) {
        add('lastDay', now.endDate, `access closes at the end of the day (${now.endBy ?? now.endDate})`, held);
        deletion = after;
      }
    } else if (is(now, 'terminated')) deletion = now;
    else if (is(now, 'gone') && now.deleteOn === now.today && held.length > 0) deletion = now;
    if (deletion?.deleteOn !== undefined && inWindow(deletion.deleteOn)) {
      const then = on(deletion.deleteOn);
      if (is(then, 'gone')) add('deletion', deletion.deleteOn, then.reason.detail, held);
    }
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : ORDER[a.kind] - ORDER[b.kind] || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0)));
}
