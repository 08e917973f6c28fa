/**
 * The planner's operations for the effect handlers beside the targets: the Personio write-back of computed values
 * and the lifecycle mails (joiner, leaver, mover, the separate password mail), each after what it reports. Pure.
 */
import { accountsOf, contextFor, type PlanContext } from './desired.js';
import { makeOp } from './diff.js';
import type { AttrValue, Change, Operation, Person } from './model.js';
import { NOTIFY_TARGET, WRITEBACK_TARGET } from './plan-input.js';
import { compileTemplate } from './rules/expressions.js';
import { sameWriteBackValue, writeBackForm } from './write-back.js';

export const LEAVER_SOURCES: ReadonlySet<string> = new Set(['terminated', 'gone', 'rehire-gap', 'missing-from-source']);

/** Write-back of computed values (e.g. the new mail address) to Personio. */
export function writeBackOp(ctx: PlanContext, person: Person, mine: readonly Operation[]): Operation | undefined {
  const wb = ctx.config.writeBack;
  if (!wb.enabled) return undefined;
  const state = ctx.lifecycle(person).state;
  if (state !== 'prehire' && state !== 'active' && state !== 'leave') return undefined;
  const tctx = contextFor(ctx, person);
  const changes: Change[] = [];
  for (const key of Object.keys(wb.attributes).sort()) {
    let to: AttrValue;
    try {
      to = compileTemplate(wb.attributes[key] as string).render(tctx);
    } catch {
      continue; // reported by validateRules
    }
    const written = writeBackForm(to);
    if (written === null) continue;
    // Compared in the form Personio keeps (trimmed text, lists as text): a value it holds already is never rewritten.
    const from: AttrValue | undefined = key === 'email' ? person.email : person.custom[key];
    if (!sameWriteBackValue(from, written)) changes.push({ attribute: key, from: from ?? null, to: written });
  }
  if (changes.length === 0) return undefined;
  const deps = mine.filter((o) => o.action === 'create' || o.action === 'update').map((o) => o.id);
  return makeOp({ target: WRITEBACK_TARGET, action: 'writeBack', personId: person.id, changes, reason: { kind: 'mapping', source: 'writeBack', detail: `write ${changes.map((c) => c.attribute).join(', ')} back to Personio` }, dependsOn: deps });
}

const LOGIN_ATTRIBUTE = /^(samaccountname|userprincipalname|username|login)$/i;

/** The sign-in name an operation's account goes by: from its changes (a create), else from the known account. */
export function loginOf(ctx: PlanContext, op: Operation): string {
  const pick = (attrs: readonly { attribute: string; value: unknown }[]): string | undefined => {
    // sAMAccountName / userName before the UPN: what people type at a Windows sign-in.
    const sorted = [...attrs].filter((a) => LOGIN_ATTRIBUTE.test(a.attribute) && typeof a.value === 'string' && a.value !== '')
      .sort((a, b) => Number(/principal/i.test(a.attribute)) - Number(/principal/i.test(b.attribute)));
    return sorted[0]?.value as string | undefined;
  };
  const fromChanges = pick(op.changes.map((c) => ({ attribute: c.attribute, value: c.to })));
  if (fromChanges !== undefined) return fromChanges;
  const account = op.anchor !== undefined ? accountsOf(ctx, op.target, op.personId).find((a) => a.anchor === op.anchor) : undefined;
  return account ? pick(Object.entries(account.attributes).map(([attribute, value]) => ({ attribute, value }))) ?? '' : '';
}

/**
 * Joiner / leaver / mover notifications, each after the operations it reports. A rehire whose accounts come back
 * gets the joiner mail. `lc` is the person's lifecycle: its end date is the one that closed access
 * (`lifecycle.disableAt`), so the mail names the same day as the plan and the directory; its `deleteOn` the end of the
 * retention. With `passwordDelivery: mail-separate`, each password set on or after day one (an enabled create, the
 * first-day or rehire setPassword) gets its own `password` mail to the manager, never the joiner mail.
 */
export function notifyOps(ctx: PlanContext, personId: string, mine: readonly Operation[], returning: boolean, lc?: { endDate?: string; deleteOn?: string }): Operation[] {
  const cfg = ctx.config;
  const events = cfg.notifications.events;
  const out: Operation[] = [];
  const accounts = (deps: readonly Operation[]) => deps.map((o) => ({ target: o.target, login: loginOf(ctx, o) }));
  const add = (event: 'joiner' | 'leaver' | 'mover', deps: Operation[], detail: string): void => {
    const to = events[event];
    if (!to || to.length === 0 || deps.length === 0) return;
    out.push(makeOp({
      target: NOTIFY_TARGET, action: 'notify', personId, changes: [],
      reason: { kind: 'lifecycle', source: event, detail },
      dependsOn: deps.map((o) => o.id),
      event, to: [...to], targets: [...new Set(deps.map((o) => o.target))].sort(),
      ...(event === 'mover'
        ? { summary: deps.map((o) => `${o.target}: ${o.action} ${o.entitlement ?? String(o.changes.find((c) => c.attribute === 'container')?.to ?? '')}`.trim()) }
        : { accounts: accounts(deps.filter((o) => o.action === 'create' || o.action === 'enable' || o.action === 'disable')) }),
      ...(event === 'leaver' && lc?.endDate !== undefined ? { endDate: lc.endDate } : {}),
      ...(event === 'leaver' && lc?.deleteOn !== undefined ? { deleteOn: lc.deleteOn } : {}),
    }));
  };
  if (cfg.notifications.passwordDelivery === 'mail-separate') {
    // Only passwords set on an enabled account: a pre-hire create's password is replaced on day one (first-day).
    for (const o of mine.filter((x) => (x.action === 'create' && x.enabled && x.password === true) || x.action === 'setPassword')) {
      out.push(makeOp({
        target: NOTIFY_TARGET, action: 'notify', personId, changes: [],
        reason: { kind: 'lifecycle', source: 'password', detail: `first password for ${o.target}, mailed separately` },
        dependsOn: [o.id], event: 'password', to: ['manager'], targets: [o.target], accounts: accounts([o]),
      }));
    }
  }
  const creates = mine.filter((o) => o.action === 'create');
  add('joiner', creates, 'accounts created');
  const leaves = mine.filter((o) => o.action === 'disable' && LEAVER_SOURCES.has(o.reason.source));
  add('leaver', leaves, 'accounts disabled');
  if (creates.length === 0) {
    const back = returning ? mine.filter((o) => o.action === 'enable' || o.action === 'setPassword') : [];
    if (back.length > 0) {
      add('joiner', back, 'rehired: the former accounts are enabled again');
      return out;
    }
    const moves = mine.filter((o) => o.action === 'move' || o.action === 'grant' || o.action === 'revoke');
    if (leaves.length === 0) add('mover', moves, 'placement or entitlements changed');
  }
  return out;
}
