/**
 * Effect handler of `notify` operations (pseudo-target `notify`): resolves recipients with their language, fills the
 * typed mail model of the event and sends one mail per language. A first password goes only into the separate
 * `password` mail (`passwordDelivery: mail-separate`), to the manager alone, and never before the start date.
 */
import type { CadreConfig } from '../../config/schema.js';
import type { NotifyOperation, Operation, Person } from '../../core/model.js';
import { localDate } from '../../core/lifecycle.js';
import { NOTIFY_TARGET } from '../../core/plan-input.js';
import { mailLanguage, type MailLanguage, type MailModel, type MailPerson, type Notifier, type NotifyResult } from '../../notify/index.js';
import type { OperationResult } from '../../targets/contract.js';
import type { EffectHandler, EffectRunContext } from './contract.js';

const label = (p: Person | undefined, id: string): string => (p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : `person ${id}`);

/** Resolve `manager`, `person` and literal addresses. */
export function recipients(spec: readonly string[], person: Person | undefined, persons: ReadonlyMap<string, Person>): string[] {
  return resolveRecipients(spec, person, persons, 'en').map((r) => r.address);
}

/** A recipient and the language of their mail. */
export interface Recipient {
  readonly address: string;
  readonly lang: MailLanguage;
}

/**
 * Resolve recipient specs with each recipient's language: a person's (the manager's, the person's own, or the person
 * whose e-mail a literal address is) Personio `language_code` when a template exists for it, else `fallback`.
 */
export function resolveRecipients(spec: readonly string[], person: Person | undefined, persons: ReadonlyMap<string, Person>, fallback: MailLanguage): Recipient[] {
  const out = new Map<string, Recipient>();
  let byEmail: Map<string, Person> | undefined;
  const add = (address: string | undefined, p: Person | undefined): void => {
    if (!address) return;
    const k = address.trim().toLowerCase();
    if (!out.has(k)) out.set(k, { address: address.trim(), lang: mailLanguage(p?.language, fallback) });
  };
  for (const s of spec) {
    if (s === 'manager') {
      const m = person?.supervisorId ? persons.get(person.supervisorId) : undefined;
      add(m?.email, m);
    } else if (s === 'person') {
      add(person?.email, person);
    } else if (s.includes('@')) {
      byEmail ??= new Map([...persons.values()].filter((p) => p.email).map((p) => [(p.email as string).toLowerCase(), p]));
      add(s, byEmail.get(s.trim().toLowerCase()));
    }
  }
  return [...out.values()];
}

/** Recipients grouped by language (one mail per language). */
export function byLanguage(rs: readonly Recipient[]): Map<MailLanguage, string[]> {
  const out = new Map<MailLanguage, string[]>();
  for (const r of rs) out.set(r.lang, [...(out.get(r.lang) ?? []), r.address]);
  return out;
}

/** What the notify handler needs from the engine. */
export interface NotifyEffectDeps {
  readonly config: Pick<CadreConfig, 'notifications' | 'targets' | 'lifecycle'>;
  readonly notifier: Pick<Notifier, 'sendMail'>;
  /** The clock (the password mail checks the start date against it). */
  readonly now?: () => Date;
}

function mailPerson(p: Person | undefined, id: string): MailPerson {
  return { id, name: label(p, id), ...(p?.department ? { department: p.department } : {}), ...(p?.position ? { position: p.position } : {}) };
}

/** The mail model of an operation, or a reason to send nothing. */
function modelOf(deps: NotifyEffectDeps, op: NotifyOperation, person: Person | undefined, ctx: EffectRunContext): MailModel | { skip: string } {
  const p = mailPerson(person, op.personId);
  const accounts = op.accounts ?? op.targets.map((target) => ({ target, login: '' }));
  switch (op.event) {
    case 'joiner': {
      const managesPasswords = op.targets.some((t) => deps.config.targets[t]?.password === true);
      return {
        kind: 'joiner', person: p, accounts,
        ...(person?.hireDate ? { startDate: person.hireDate } : {}),
        passwordDelivery: managesPasswords ? deps.config.notifications.passwordDelivery : 'none',
        ...(op.reason.detail.startsWith('rehired') ? { rehire: true } : {}),
      };
    }
    case 'password': {
      const start = person?.hireDate;
      const today = localDate(ctx.at ?? (deps.now ?? (() => new Date()))().toISOString(), deps.config.lifecycle.timezone);
      // The planner only plans it for an enabled account; this is the last line against mailing it early.
      if (start !== undefined && today < start) return { skip: `the start date ${start} has not come yet: no password mail before it` };
      const target = op.targets[0] ?? '';
      const secret = (ctx.secrets.get(op.personId) ?? []).find((s) => s.target === target);
      const account = accounts[0] ?? { target, login: secret?.login ?? '' };
      return { kind: 'password', person: p, account, password: secret?.password ?? '', ...(start ? { startDate: start } : {}) };
    }
    case 'leaver':
      return {
        kind: 'leaver', person: p, disabled: accounts, ...(op.endDate ? { endDate: op.endDate } : {}), ...(op.deleteOn ? { deleteOn: op.deleteOn } : {}),
        ...(op.summary && op.summary.length > 0 ? { steps: op.summary } : {}), ...(op.homeFolder ? { homeFolder: op.homeFolder } : {}),
      };
    case 'mover':
      return { kind: 'mover', person: p, changes: op.summary ?? [op.reason.detail] };
  }
}

/** Send the notification an operation asks for. */
async function notifyOperation(deps: NotifyEffectDeps, op: Operation, ctx: EffectRunContext): Promise<OperationResult> {
  if (op.action !== 'notify') return { ok: false, error: { code: 'NOT_SUPPORTED', message: `${op.action} is not a notification`, transient: false } };
  const { event } = op;
  const person = ctx.persons.get(op.personId);
  // The password mail goes to the manager alone, whatever the event's recipients are.
  const spec = event === 'password' ? ['manager'] : op.to.length > 0 ? op.to : (deps.config.notifications.events[event] ?? []);
  const to = resolveRecipients(spec, person, ctx.persons, deps.config.notifications.defaultLanguage);
  if (to.length === 0) return { ok: true, note: event === 'password' ? 'no manager address: the password was not mailed; ask the helpdesk to set one' : 'no recipient resolved; nothing sent' };
  const model = modelOf(deps, op, person, ctx);
  if ('skip' in model) return { ok: false, error: { code: 'NOTIFY_TOO_EARLY', message: model.skip, transient: false } };
  let result: NotifyResult | undefined;
  for (const [lang, addresses] of byLanguage(to)) {
    result = await deps.notifier.sendMail({ to: addresses, lang, mail: model });
    if (!result.ok) break;
  }
  if (!result) return { ok: true, note: 'nothing sent' };
  if (result.ok) return { ok: true, note: `sent to ${to.length} recipient(s)` };
  if (result.code === 'NOTIFY_NOT_CONFIGURED') return { ok: true, note: 'notifications not configured; nothing sent' };
  return { ok: false, error: { code: result.code, message: `notify ${event} for person ${op.personId}: ${result.message}`, transient: true } };
}

/** The notification handler. An interrupted run's pending mail is sent by the next run, marked as resumed. */
export function notifyEffect(deps: NotifyEffectDeps): EffectHandler {
  return {
    name: NOTIFY_TARGET,
    concurrency: 1,
    apply: (op, ctx) => notifyOperation(deps, op, ctx),
    // The next plan no longer sees those people as joiners (their accounts exist): send it now, without waiting for
    // operations of the dead run.
    resume: (op) => (op.action === 'notify' ? { ...op, dependsOn: [], resumed: true } : undefined),
  };
}
