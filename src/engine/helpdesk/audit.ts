/**
 * The one place helpdesk actions are audited: every call runs through {@link audited}, which records
 * `helpdesk.<type>` (actor, form, person, target, before and after), `helpdesk.<type>.refused` with the reason when a
 * check said no, and `helpdesk.<type>.failed` when the target or the run failed. No action records on its own, so
 * none can forget to; and no payload carries a password (actions return it, they never report it here).
 */
import type { FormType } from '../../config/schema-forms.js';
import type { AttrValue } from '../../core/model.js';
import type { Engine } from '../engine.js';
import { CadreError } from '../errors.js';
import { HelpdeskError, type FormCall } from './types.js';

/** What an action reports for the audit entry (never a secret). */
export interface AuditFacts {
  readonly target?: string;
  readonly anchor?: string;
  readonly before?: Readonly<Record<string, AttrValue>>;
  readonly after?: Readonly<Record<string, AttrValue>>;
  /** Further facts: mustChange, generated, the hold's until, groups added/removed, the run id… */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The audit actor of a console principal. */
export const actorOf = (call: FormCall, prefix = 'web'): string => `${prefix}:${call.principal.id}`;

/**
 * Run an action and audit its outcome. `fn` returns the caller's result and the facts to record; a
 * {@link HelpdeskError} it throws is recorded as refused or failed and rethrown; anything else is recorded as
 * failed and rethrown as `HELPDESK_FAILED` (its message may name infrastructure, never a password: actions keep it
 * out of every message).
 */
export async function audited<R>(engine: Engine, type: FormType | 'enable', call: FormCall, actor: string, fn: () => Promise<{ result: R; facts: AuditFacts }>): Promise<R> {
  const event = `helpdesk.${type}`;
  const base = { form: typeof call.formId === 'string' ? call.formId.slice(0, 64) : null, role: call.principal.role };
  const personId = typeof call.personId === 'string' ? call.personId.slice(0, 64) : undefined;
  const target = typeof call.target === 'string' ? call.target.slice(0, 64) : undefined;
  let out: { result: R; facts: AuditFacts };
  try {
    out = await fn();
  } catch (e) {
    const err = e instanceof HelpdeskError ? e
      : e instanceof CadreError ? new HelpdeskError(e.code, e.message, false)
        : new HelpdeskError('HELPDESK_FAILED', (e as Error).message, false);
    await engine.audit.record({
      actor, event: `${event}.${err.refused ? 'refused' : 'failed'}`,
      ...(personId !== undefined ? { personId } : {}), ...(target !== undefined ? { target } : {}),
      payload: { ...base, code: err.code, reason: err.message, ...(err.details ? { details: err.details } : {}) },
    });
    throw err;
  }
  const f = out.facts;
  const t = f.target ?? target;
  await engine.audit.record({
    actor, event,
    ...(personId !== undefined ? { personId } : {}), ...(t !== undefined ? { target: t } : {}),
    payload: {
      ...base,
      ...(f.anchor !== undefined ? { anchor: f.anchor } : {}),
      ...(f.before !== undefined ? { before: f.before } : {}),
      ...(f.after !== undefined ? { after: f.after } : {}),
      ...(f.details ?? {}),
    },
  });
  return out.result;
}
