/**
 * Temporary disable and enable: a hold with `disable` (src/engine/holds.ts), kept by every sync until it ends or the
 * form's enable lifts it, carried out at once by a person-scoped run.
 */
import { addDays, localDate } from '../../core/lifecycle.js';
import type { AccountState, AttrValue, Hold } from '../../core/model.js';
import type { Engine } from '../engine.js';
import { addHold, removeHold } from '../holds.js';
import type { AuditFacts } from './audit.js';
import { checkCall, refuse } from './check.js';
import { mustSucceed, type PlannedOptions } from './planned.js';
import { holdOn, runForPerson, type PersonRun } from './run.js';
import { HelpdeskError, type ActionOutcome, type DisableCall, type EnableCall } from './types.js';

/**
 * The run after a hold changed: the hold is the decision and stays whatever the run does, so a failure says what
 * happens next instead of suggesting nothing was done.
 */
async function afterHold(go: () => Promise<PersonRun>, personId: string, target: string | undefined, action: 'disable' | 'enable', next: string): Promise<{ run: PersonRun; operations: ActionOutcome['operations'] }> {
  try {
    const run = await go();
    return { run, operations: mustSucceed(run, personId, target, (o) => o.action === action) };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new HelpdeskError(typeof code === 'string' ? code : 'HELPDESK_APPLY_FAILED', `${next}: ${(e as Error).message}`, false, { hold: action === 'disable' ? 'kept' : 'lifted', ...(e instanceof HelpdeskError ? e.details ?? {} : {}) });
  }
}

/** The enabled state of each account, by target (before/after of disable and enable). */
const enabledOf = (accounts: readonly AccountState[]): Record<string, AttrValue> => Object.fromEntries(accounts.map((a) => [a.target, a.enabled]));

/** Temporary disable: a hold with `disable` (kept by every sync until it ends or is lifted), applied now. */
export async function disableAction(engine: Engine, call: DisableCall, opts: PlannedOptions): Promise<{ result: ActionOutcome & { until?: string }; facts: AuditFacts }> {
  const checked = await checkCall(engine, call, 'disable', { needsTarget: false });
  const why = typeof call.reason === 'string' ? call.reason.trim() : '';
  if (why === '') throw refuse('HELPDESK_REASON_REQUIRED', 'a temporary disable needs a reason (lost laptop, suspected compromise…)');
  const max = checked.form.maxDays;
  const tz = engine.config.lifecycle.timezone;
  const today = localDate(engine.now().toISOString(), tz);
  let until = typeof call.until === 'string' && call.until !== '' ? call.until : undefined;
  if (max !== undefined) {
    const last = addDays(today, max);
    if (until === undefined) until = last;
    const untilDay = /^\d{4}-\d{2}-\d{2}$/.test(until) ? until : Number.isNaN(Date.parse(until)) ? until : localDate(new Date(Date.parse(until)).toISOString(), tz);
    if (untilDay > last) throw refuse('HELPDESK_TOO_LONG', `form ${checked.form.id} disables for at most ${max} days (until ${last})`);
  }
  const existing = await holdOn(engine, checked.person.id, checked.target);
  if (existing && existing.disable !== true) throw refuse('HELPDESK_HELD', `person ${checked.person.id} is already held (${existing.reason}, by ${existing.actor}); an admin decides about that hold`);
  let hold: Hold;
  try {
    hold = await addHold(engine, {
      personId: checked.person.id, reason: `${why.slice(0, 300)} (form ${checked.form.id})`, actor: opts.actor, disable: true,
      ...(checked.target !== undefined ? { target: checked.target } : {}), ...(until !== undefined ? { until } : {}),
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'HOLD_INVALID') throw refuse('HELPDESK_VALUE_INVALID', (e as Error).message);
    throw e;
  }
  // The hold is the decision and stays: a disable that fails now is retried by every sync until it is done.
  const { run, operations } = await afterHold(() => runForPerson(engine, checked.person.id, opts.actor, { accounts: checked.accounts, waitMs: opts.waitMs }), checked.person.id, checked.target, 'disable',
    'the temporary disable is recorded (a hold); the next sync disables the account');
  return {
    result: { target: checked.target ?? '*', runId: run.report.runId, operations, overrides: [], ...(hold.until !== undefined ? { until: hold.until } : {}) },
    facts: { ...(checked.target !== undefined ? { target: checked.target } : {}), before: enabledOf(checked.accounts), after: Object.fromEntries(checked.accounts.map((a) => [a.target, false])), details: { runId: run.report.runId, reason: why, until: hold.until ?? null } },
  };
}

/** End a temporary disable: lift the disable hold and sync the person (enabled again only if the lifecycle says so). */
export async function enableAction(engine: Engine, call: EnableCall, opts: PlannedOptions): Promise<{ result: ActionOutcome; facts: AuditFacts }> {
  const checked = await checkCall(engine, call, 'disable', { needsTarget: false });
  const stored = (await engine.store.holds.byPerson(checked.person.id)).find((h) => h.target === checked.target);
  if (!stored) throw refuse('HELPDESK_NOT_DISABLED', `no temporary disable on person ${checked.person.id}${checked.target !== undefined ? ` in ${checked.target}` : ''}`);
  if (stored.disable !== true) throw refuse('HELPDESK_HELD', `the hold on person ${checked.person.id} is not a temporary disable (${stored.reason}, by ${stored.actor}); an admin decides about it`);
  await removeHold(engine, { personId: checked.person.id, ...(checked.target !== undefined ? { target: checked.target } : {}), actor: opts.actor, ...(call.reason ? { reason: String(call.reason).slice(0, 300) } : {}) });
  const { run, operations } = await afterHold(() => runForPerson(engine, checked.person.id, opts.actor, { accounts: checked.accounts, waitMs: opts.waitMs }), checked.person.id, checked.target, 'enable',
    'the temporary disable is lifted; the next sync enables the account if the lifecycle says so');
  const enabled = operations.some((o) => o.action === 'enable' && o.status === 'done');
  return {
    result: { target: checked.target ?? '*', runId: run.report.runId, operations, overrides: [] },
    facts: { ...(checked.target !== undefined ? { target: checked.target } : {}), before: enabledOf(checked.accounts), details: { runId: run.report.runId, enabled, hold: { reason: stored.reason, actor: stored.actor } } },
  };
}
