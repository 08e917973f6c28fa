/**
 * The checks every helpdesk call goes through, from its arguments alone: the form exists and has the type, the
 * principal may use it (and a manager only on their reports), the person is known and in the form's scope, the
 * target is one of the form's, and the account is neither excluded from Cadre nor protected (checked on the stored
 * and the live state of the account).
 */
import type { FormConfig, FormType } from '../../config/schema-forms.js';
import { correlationCodec } from '../../core/correlation.js';
import { formTargets, mayUseForm, protectionDecision, reportsTo, scopeDecision, type Decision } from '../../core/forms.js';
import type { AccountState, Person } from '../../core/model.js';
import type { TargetConnector } from '../../targets/contract.js';
import type { Engine } from '../engine.js';
import { HelpdeskError, type FormCall } from './types.js';

/** A form of one type. */
export type FormOf<T extends FormType> = Extract<FormConfig, { type: T }>;

/** A call that passed the checks, with what they found. */
export interface Checked<T extends FormType> {
  readonly form: FormOf<T>;
  readonly person: Person;
  /** The target acted in (absent: every target of the form, for a person-wide disable). */
  readonly target?: string;
  /** The accounts acted on, as the target reports them now (one per target). */
  readonly accounts: readonly AccountState[];
}

/** Refuse: a coded error the audit records as `helpdesk.<type>.refused`. */
export const refuse = (code: string, message: string): HelpdeskError => new HelpdeskError(code, message, true);

const must = (d: Decision): void => {
  if (!d.ok) throw refuse(d.code, d.reason);
};

/** What a form type needs from a connector. */
export function supports(type: FormType, c: TargetConnector | undefined): boolean {
  if (!c) return false;
  if (type === 'resetPassword') return typeof c.resetPassword === 'function';
  if (type === 'unlock') return typeof c.unlock === 'function';
  if (type === 'disable') return c.capabilities.supportsEnable;
  if (type === 'groups') return c.capabilities.supportsEntitlements;
  return true;
}

/** The form by id, of the expected type. */
export function formOf<T extends FormType>(engine: Engine, formId: string, type: T): FormOf<T> {
  const form = engine.config.forms.find((f) => f.id === formId);
  if (!form) throw refuse('HELPDESK_FORM_UNKNOWN', `no form "${String(formId).slice(0, 64)}" is configured`);
  if (form.type !== type) throw refuse('HELPDESK_FORM_TYPE', `form ${form.id} is a ${form.type} form, not ${type}`);
  return form as FormOf<T>;
}

/** The person's account in a target as the target holds it now (found by the correlation id), or the stored one. */
async function liveAccount(engine: Engine, target: string, stored: AccountState): Promise<AccountState> {
  const c = engine.targets.get(target);
  if (!c) return stored;
  const codec = correlationCodec(engine.config.targets[target]?.correlation?.value);
  let found: readonly AccountState[];
  try {
    found = await c.find({ attribute: c.correlationAttribute, value: codec.render(stored.personId ?? '') });
  } catch (e) {
    throw new HelpdeskError('HELPDESK_TARGET_UNAVAILABLE', `${target} could not be read: ${(e as Error).message}`, false);
  }
  const live = found.find((a) => a.anchor === stored.anchor);
  if (!live) throw refuse('HELPDESK_NO_ACCOUNT', `the account ${stored.anchor} of person ${stored.personId ?? ''} is no longer in ${target} (next sync updates the store)`);
  return { ...live, target, personId: stored.personId ?? live.personId ?? '' };
}

/**
 * Run every check of a call. `needsTarget: false` (a person-wide disable) accepts a call without a target and
 * then checks every account of the person in the form's targets.
 */
export async function checkCall<T extends FormType>(engine: Engine, call: FormCall, type: T, opts: { needsTarget?: boolean } = {}): Promise<Checked<T>> {
  const form = formOf(engine, call.formId, type);
  if (!mayUseForm(form, call.principal)) throw refuse('HELPDESK_FORBIDDEN', `${call.principal.id} may not use form ${form.id} (roles: ${form.roles.join(', ') || 'none'})`);
  const person = typeof call.personId === 'string' ? await engine.store.persons.get(call.personId) : undefined;
  if (!person) throw refuse('HELPDESK_PERSON_UNKNOWN', `no person ${String(call.personId).slice(0, 64)} is known`);
  if (call.principal.role === 'manager') {
    const persons = new Map((await engine.store.persons.all()).map((p) => [p.id, p]));
    if (call.principal.personId === undefined || !reportsTo(persons, call.principal.personId, person.id)) {
      throw refuse('HELPDESK_FORBIDDEN', `person ${person.id} is not a report of ${call.principal.id}`);
    }
  }
  const targets = formTargets(form, engine.config, (t) => supports(type, engine.targets.get(t)));
  if (call.target !== undefined && !targets.includes(call.target)) {
    throw refuse('HELPDESK_TARGET_NOT_IN_FORM', `form ${form.id} does not act in target ${String(call.target).slice(0, 64)} (targets: ${targets.join(', ') || 'none that support it'})`);
  }
  let chosen: readonly string[];
  if (call.target !== undefined) chosen = [call.target];
  else if (opts.needsTarget === false || targets.length === 1) chosen = targets;
  else throw refuse('HELPDESK_TARGET_REQUIRED', `form ${form.id} acts in ${targets.join(', ')}: name the target`);
  // Scope on the HR record first: it needs no target read.
  must(scopeDecision(form, person, undefined));
  const stored = await engine.store.accounts.byPerson(person.id);
  const accounts: AccountState[] = [];
  for (const target of chosen) {
    const mine = stored.filter((a) => a.target === target);
    if (mine.length === 0) {
      if (call.target !== undefined) throw refuse('HELPDESK_NO_ACCOUNT', `person ${person.id} has no account in ${target}`);
      continue;
    }
    if (mine.length > 1) throw refuse('HELPDESK_AMBIGUOUS', `person ${person.id} has ${mine.length} accounts in ${target}: nothing is done (see cadre explain)`);
    const s = mine[0] as AccountState;
    // One protected view (stored or live) is enough to refuse; the live one also catches a move into an admin OU.
    must(protectionDecision(engine.config, target, [s]));
    const live = await liveAccount(engine, target, s);
    must(protectionDecision(engine.config, target, [live]));
    must(scopeDecision(form, person, live));
    accounts.push(live);
  }
  if (accounts.length === 0) throw refuse('HELPDESK_NO_ACCOUNT', `person ${person.id} has no account in ${chosen.join(', ') || 'any target of the form'}`);
  return { form, person, ...(call.target !== undefined || chosen.length === 1 ? { target: chosen[0] as string } : {}), accounts };
}
