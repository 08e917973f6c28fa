/**
 * Parsing one helpdesk form submission into the service call of its type. Only parsing: which fields were sent
 * and, for edits and groups, which of them differ from what the store holds (so an unchanged field does not become
 * an override). Every name is passed on as sent; the service decides whether it is allowed.
 */
import type { FormConfig } from '../../config/schema-forms.js';
import type { AccountState, Person } from '../../core/model.js';
import type { Engine } from '../../engine/engine.js';
import type { FormPrincipal, Helpdesk } from '../../engine/helpdesk/index.js';
import { HelpdeskError } from '../../engine/helpdesk/index.js';
import { accountLabel, valueText, type FormResult } from '../views/forms.js';

/** A urlencoded form body (@fastify/formbody: repeated fields become arrays). */
export type FormBody = Readonly<Record<string, string | string[] | undefined>>;

/** What {@link submitForm} needs. */
export interface SubmitArgs {
  readonly engine: Engine;
  readonly helpdesk: Helpdesk;
  readonly principal: FormPrincipal;
  readonly form: FormConfig;
  readonly personId: string;
  /** `undefined`: no target named (a form with one target, or a person-wide disable). */
  readonly target: string | undefined;
  readonly body: FormBody;
}

/** The single value of a field (a repeated single-value field is bad input). */
function one(body: FormBody, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new HelpdeskError('HELPDESK_VALUE_INVALID', `field ${name.slice(0, 64)} was sent more than once`, true);
  return v;
}

/** Every value of a repeatable field. */
const many = (body: FormBody, name: string): string[] => {
  const v = body[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** The person's stored account in the target (or their only one in the form's reach), for diffs and labels. */
async function storedAccount(engine: Engine, personId: string, target: string | undefined, anchor?: string): Promise<AccountState | undefined> {
  const all = await engine.store.accounts.byPerson(personId);
  const mine = all.filter((a) => (target === undefined || a.target === target) && (anchor === undefined || a.anchor === anchor));
  return mine.length === 1 ? mine[0] : undefined;
}

const labelOf = async (engine: Engine, personId: string, target: string, anchor: string): Promise<string> => {
  const a = await storedAccount(engine, personId, target, anchor);
  return a ? accountLabel(a) : anchor;
};

/** Submit: call the service for the form's type; returns what the result page shows. Throws {@link HelpdeskError}. */
export async function submitForm(a: SubmitArgs): Promise<{ result: FormResult; person: Person }> {
  const { engine, helpdesk, form, body } = a;
  const call = { principal: a.principal, formId: form.id, personId: a.personId, ...(a.target !== undefined ? { target: a.target } : {}) };
  const reason = one(body, 'reason')?.trim();
  const withReason = reason !== undefined && reason !== '' ? { reason } : {};
  let result: FormResult;
  switch (form.type) {
    case 'resetPassword': {
      const mode = one(body, 'mode');
      const typed = mode === 'typed' ? one(body, 'password') ?? '' : undefined;
      if (typed === '') throw new HelpdeskError('HELPDESK_PASSWORD_REQUIRED', 'no password was typed', true);
      const asked = one(body, 'mustChangeAsked') === '1';
      const r = await helpdesk.resetPassword({ ...call, ...(typed !== undefined ? { password: typed } : {}), ...(asked ? { mustChange: one(body, 'mustChange') === '1' } : {}) });
      result = { type: 'resetPassword', target: r.target, account: await labelOf(engine, a.personId, r.target, r.anchor), password: r.password, mustChange: r.mustChange };
      break;
    }
    case 'unlock': {
      const r = await helpdesk.unlock(call);
      result = { type: 'unlock', target: r.target, account: await labelOf(engine, a.personId, r.target, r.anchor), ...(r.wasLocked !== undefined ? { wasLocked: r.wasLocked } : {}) };
      break;
    }
    case 'edit': {
      const stored = await storedAccount(engine, a.personId, a.target);
      const attributes: Record<string, string> = {};
      for (const key of Object.keys(body)) {
        if (!key.startsWith('attr.')) continue;
        const name = key.slice('attr.'.length);
        const value = (one(body, key) ?? '').trim();
        const k = stored ? Object.keys(stored.attributes).find((x) => x.toLowerCase() === name.toLowerCase()) : undefined;
        // Unchanged fields are not sent: an unchanged rule-mapped value must not turn into an override.
        if (stored && valueText(k === undefined ? null : stored.attributes[k]) === value) continue;
        attributes[name] = value;
      }
      const r = await helpdesk.edit({ ...call, attributes, ...withReason });
      result = { type: 'edit', target: r.target, account: r.anchor !== undefined ? await labelOf(engine, a.personId, r.target, r.anchor) : r.target, overrides: r.overrides };
      break;
    }
    case 'disable': {
      if (one(body, 'op') === 'enable') {
        const r = await helpdesk.enable({ ...call, ...withReason });
        result = { type: 'enable', target: r.target, enabled: r.operations.some((o) => o.action === 'enable' && o.status === 'done') };
      } else {
        const until = one(body, 'until')?.trim();
        const r = await helpdesk.disable({ ...call, reason: reason ?? '', ...(until !== undefined && until !== '' ? { until } : {}) });
        result = { type: 'disable', target: r.target, ...(r.until !== undefined ? { until: r.until } : {}) };
      }
      break;
    }
    case 'groups': {
      const stored = await storedAccount(engine, a.personId, a.target);
      const has = new Set((stored?.entitlements ?? []).map((e) => e.toLowerCase()));
      const checked = many(body, 'group');
      const ticked = new Set(checked.map((g) => g.toLowerCase()));
      const add = checked.filter((g) => !has.has(g.toLowerCase()));
      const remove = form.groups.filter((g) => has.has(g.toLowerCase()) && !ticked.has(g.toLowerCase()));
      const r = await helpdesk.groups({ ...call, add, remove, ...withReason });
      result = { type: 'groups', target: r.target, account: r.anchor !== undefined ? await labelOf(engine, a.personId, r.target, r.anchor) : r.target, added: add, removed: remove };
      break;
    }
  }
  const person = await engine.store.persons.get(a.personId);
  if (!person) throw new HelpdeskError('HELPDESK_PERSON_UNKNOWN', `no person ${a.personId.slice(0, 64)} is known`, true);
  return { result, person };
}
