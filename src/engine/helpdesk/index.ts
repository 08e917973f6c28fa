/**
 * The helpdesk service: one entry point per form type, which the web console's `forms` routes (and a CLI) call.
 * Every call re-checks everything from its arguments (form id, person id, target, attribute and group names) against
 * the config and what the store and the target hold, and is audited in one place ({@link audited}).
 */
import { formTargets, mayUseForm, protectionDecision, scopeDecision } from '../../core/forms.js';
import type { Engine } from '../engine.js';
import { actorOf, audited } from './audit.js';
import { supports } from './check.js';
import { resetPasswordAction, unlockAction } from './direct.js';
import { disableAction, enableAction } from './disable.js';
import { editAction, groupsAction } from './planned.js';
import type { ActionOutcome, AvailableForm, DisableCall, EditCall, EnableCall, FormCall, FormPrincipal, GroupsCall, PersonAccount, ResetPasswordCall, ResetPasswordResult } from './types.js';

export { HelpdeskError } from './types.js';
export type * from './types.js';

/** Options of {@link createHelpdesk}. */
export interface HelpdeskOptions {
  /** Audit actor prefix: `web` for the console (`web:<principal id>`), `cli` for a command. */
  readonly actorPrefix?: string;
  /** How long an edit, disable or group change waits for a running sync's lease (default 30 s). */
  readonly waitMs?: number;
}

/** The service. Every method throws a {@link HelpdeskError} (coded) when refused or failed. */
export interface Helpdesk {
  /** Forms the principal may use on the person, with the targets where each applies. */
  formsFor(principal: FormPrincipal, personId: string): Promise<AvailableForm[]>;
  /** The person's accounts (stored state) with their live lock and password state where the target reports it. */
  accountsOf(personId: string): Promise<PersonAccount[]>;
  /** Reset a password; the result carries it once (show it, then forget it). */
  resetPassword(call: ResetPasswordCall): Promise<ResetPasswordResult>;
  unlock(call: FormCall): Promise<{ target: string; anchor: string; wasLocked?: boolean }>;
  edit(call: EditCall): Promise<ActionOutcome>;
  disable(call: DisableCall): Promise<ActionOutcome & { until?: string }>;
  enable(call: EnableCall): Promise<ActionOutcome>;
  groups(call: GroupsCall): Promise<ActionOutcome>;
}

/** Create the helpdesk service over an open engine. */
export function createHelpdesk(engine: Engine, opts: HelpdeskOptions = {}): Helpdesk {
  const prefix = opts.actorPrefix ?? 'web';
  const waitMs = opts.waitMs ?? 30_000;
  const planned = (call: FormCall) => ({ actor: actorOf(call, prefix), waitMs });
  return {
    async formsFor(principal, personId) {
      const person = await engine.store.persons.get(personId);
      if (!person) return [];
      const accounts = await engine.store.accounts.byPerson(personId);
      const out: AvailableForm[] = [];
      for (const form of engine.config.forms) {
        if (!mayUseForm(form, principal) || !scopeDecision(form, person, undefined).ok) continue;
        const targets = formTargets(form, engine.config, (t) => supports(form.type, engine.targets.get(t))).filter((t) => {
          const mine = accounts.filter((a) => a.target === t);
          // What the store knows; the action re-checks live (a protected account is refused there too).
          return mine.length === 1 && scopeDecision(form, person, mine[0]).ok && protectionDecision(engine.config, t, mine).ok;
        });
        if (targets.length === 0) continue;
        out.push({ id: form.id, type: form.type, ...(form.title !== undefined ? { title: form.title } : {}), targets });
      }
      return out;
    },
    async accountsOf(personId) {
      const out: PersonAccount[] = [];
      for (const a of await engine.store.accounts.byPerson(personId)) {
        const c = engine.targets.get(a.target);
        const base: PersonAccount = {
          target: a.target, anchor: a.anchor, enabled: a.enabled, attributes: a.attributes, entitlements: a.entitlements,
          ...(a.dn !== undefined ? { dn: a.dn } : {}), ...(a.container !== undefined ? { container: a.container } : {}),
        };
        if (!c?.accountStatus) { out.push(base); continue; }
        try {
          out.push({ ...base, status: await c.accountStatus(a.anchor) });
        } catch (e) {
          out.push({ ...base, statusError: String((e as { code?: unknown }).code ?? 'UNAVAILABLE') });
        }
      }
      return out.sort((x, y) => x.target.localeCompare(y.target));
    },
    resetPassword: (call) => audited(engine, 'resetPassword', call, actorOf(call, prefix), () => resetPasswordAction(engine, call)),
    unlock: (call) => audited(engine, 'unlock', call, actorOf(call, prefix), () => unlockAction(engine, call)),
    edit: (call) => audited(engine, 'edit', call, actorOf(call, prefix), () => editAction(engine, call, planned(call))),
    disable: (call) => audited(engine, 'disable', call, actorOf(call, prefix), () => disableAction(engine, call, planned(call))),
    enable: (call) => audited(engine, 'enable', call, actorOf(call, prefix), () => enableAction(engine, call, planned(call))),
    groups: (call) => audited(engine, 'groups', call, actorOf(call, prefix), () => groupsAction(engine, call, planned(call))),
  };
}
