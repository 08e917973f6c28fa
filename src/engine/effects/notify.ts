/**
 * Effect handler of `notify` operations (pseudo-target `notify`): resolves recipients and hands initial passwords to
 * the joiner mail only.
 */
import type { CadreConfig } from '../../config/schema.js';
import type { Operation, Person } from '../../core/model.js';
import { NOTIFY_TARGET } from '../../core/plan-input.js';
import type { Notifier } from '../../notify/index.js';
import type { OperationResult } from '../../targets/contract.js';
import type { EffectHandler, EffectRunContext } from './contract.js';

const label = (p: Person | undefined, id: string): string => (p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : `person ${id}`);

/** Resolve `manager`, `person` and literal addresses. */
export function recipients(spec: readonly string[], person: Person | undefined, persons: ReadonlyMap<string, Person>): string[] {
  const out = new Set<string>();
  for (const s of spec) {
    if (s === 'manager') {
      const m = person?.supervisorId ? persons.get(person.supervisorId) : undefined;
      if (m?.email) out.add(m.email);
    } else if (s === 'person') {
      if (person?.email) out.add(person.email);
    } else if (s.includes('@')) out.add(s);
  }
  return [...out];
}

/** What the notify handler needs from the engine. */
export interface NotifyEffectDeps {
  readonly config: Pick<CadreConfig, 'notifications' | 'targets'>;
  readonly notifier: Pick<Notifier, 'send'>;
}

/** Send the notification an operation asks for. */
async function notifyOperation(deps: NotifyEffectDeps, op: Operation, { persons, secrets }: EffectRunContext): Promise<OperationResult> {
  if (op.action !== 'notify') return { ok: false, error: { code: 'NOT_SUPPORTED', message: `${op.action} is not a notification`, transient: false } };
  const { event } = op;
  const spec = op.to.length > 0 ? op.to : (deps.config.notifications.events[event] ?? []);
  const person = persons.get(op.personId);
  const to = recipients(spec, person, persons);
  if (to.length === 0) return { ok: true, note: 'no recipient resolved; nothing sent' };
  const lines = op.changes.map((c) => `${c.attribute}: ${c.to === undefined || c.to === null ? '' : String(c.to)}`);
  if (lines.length === 0) lines.push(op.reason.detail);
  const creds = event === 'joiner' ? secrets.get(op.personId) ?? [] : [];
  if (event === 'joiner' && creds.length === 0 && op.resumed === true && Object.values(deps.config.targets).some((t) => t.password)) {
    lines.push('An earlier run was interrupted before this message was sent, so the initial password is not known: please ask the helpdesk to set one.');
  }
  const subject = {
    joiner: `New colleague: accounts for ${label(person, op.personId)} are ready`,
    mover: `Access changed for ${label(person, op.personId)}`,
    leaver: `Accounts of ${label(person, op.personId)} were disabled`,
  }[event];
  const first = creds[0];
  // The initial password goes to the manager only; other recipients get the same mail without it.
  const managers = event === 'joiner' && first ? recipients(['manager'], person, persons).filter((m) => to.includes(m)) : [];
  const others = to.filter((m) => !managers.includes(m));
  const base = {
    event,
    subject,
    lines: [...lines, ...creds.slice(1).map((c) => `${c.target}: login ${c.login} (initial password sent separately by the helpdesk)`)],
    // The end date is the one the planner closed access at (lifecycle.disableAt), not whichever field HR set first.
    ...(person ? { person: { id: person.id, name: label(person, person.id), department: person.department ?? '', position: person.position ?? '', hireDate: person.hireDate ?? '', ...(op.endDate !== undefined ? { endDate: op.endDate } : {}) } } : {}),
  };
  let result = managers.length > 0 && first
    ? await deps.notifier.send({ ...base, to: managers, secret: { label: `Initial password for ${first.login || first.target} (must be changed at first sign-in)`, value: first.password } })
    : undefined;
  if (others.length > 0 && (!result || result.ok)) result = await deps.notifier.send({ ...base, to: others });
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
