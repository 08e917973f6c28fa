/**
 * Offboarding steps (`lifecycle.offboarding`): what a leaver's disable brings along. Pure.
 *
 * - `removeLicences` / `removeGroups` change the desired state (the entitlements go), so the diff revokes them like
 *   any entitlement, and a rehire gets them back by the rules' grants.
 * - `hideFromAddressLists`, `revokeSessions`, `webhook` and `homeFolder` are `offboard` operations, planned with the
 *   disable they follow and depending on it: a second run has no disable, so it plans none of them again.
 * - `notify` is a leaver mail listing the steps; `homeFolder` mails the path to the manager.
 * - A re-enable of an account Cadre disabled (a rehire, a corrected end date) undoes what can be undone: the address
 *   list hiding. Sessions revoked, webhooks called and mails sent stay done; the plan says so.
 */
import type { OffboardingStep } from '../config/schema-offboarding.js';
import type { CadreConfig } from '../config/schema.js';
import { makeOp } from './diff.js';
import type { AccountState, Grant, OffboardStep, Operation, Reason } from './model.js';
import { NOTIFY_TARGET, type TargetInfo } from './plan-input.js';

const reason = (detail: string): Reason => ({ kind: 'lifecycle', source: 'offboarding', detail });

/** Which targets a target-wide step applies to: the listed ones, or every one that fits. */
function appliesTo(step: OffboardingStep, target: string, fits: boolean): boolean {
  if (!('targets' in step) || step.targets === undefined) return fits;
  return step.targets.includes(target);
}

/** The entitlement part of offboarding for one target: what a leaver loses there. */
export interface OffboardEntitlements {
  readonly licences: boolean;
  readonly groups: boolean;
  /** Entitlement names that are licences in this target (lower case). */
  readonly licenceNames: ReadonlySet<string>;
}

/** For a leaver's account in `target`: which entitlements the offboarding steps remove (undefined: none). */
export function offboardEntitlements(steps: readonly OffboardingStep[], target: string, info: TargetInfo): OffboardEntitlements | undefined {
  const licenceNames = new Set((info.licenceEntitlements ?? []).map((n) => n.toLowerCase()));
  const caps = info.capabilities;
  const licences = steps.some((s) => s.step === 'removeLicences' && appliesTo(s, target, licenceNames.size > 0 && caps.supportsLicences));
  const groups = steps.some((s) => s.step === 'removeGroups' && appliesTo(s, target, caps.supportsEntitlements));
  return licences || groups ? { licences, groups, licenceNames } : undefined;
}

/** Whether an entitlement goes under {@link OffboardEntitlements}. */
export function offboardRemoves(off: OffboardEntitlements, name: string): boolean {
  return off.licenceNames.has(name.toLowerCase()) ? off.licences : off.groups;
}

/** The desired entitlements of a leaver without those the offboarding steps remove. */
export function withoutOffboarded(grants: readonly Grant[], off: OffboardEntitlements | undefined): readonly Grant[] {
  return off === undefined ? grants : grants.filter((g) => !offboardRemoves(off, g.name));
}

/** The revoke reason of an entitlement an offboarding step removes. */
export function offboardRevokeReason(off: OffboardEntitlements, name: string): Reason {
  return reason(off.licenceNames.has(name.toLowerCase()) ? `offboarding: licence ${name} removed (removeLicences)` : `offboarding: removed from group ${name} (removeGroups)`);
}

const TARGET_STEPS: Readonly<Record<'hideFromAddressLists' | 'revokeSessions', string>> = {
  hideFromAddressLists: 'hidden from address lists',
  revokeSessions: 'sign-in sessions revoked',
};

/** What the offboarding planner needs besides the person's operations. */
export interface OffboardContext {
  readonly config: CadreConfig;
  readonly targets: Readonly<Record<string, TargetInfo>>;
  /** The person's account in a target (for the home folder path and a REST target's anchor). */
  readonly account: (target: string) => AccountState | undefined;
  readonly supervisorId?: string;
  readonly endDate?: string;
  /** First day the accounts may be deleted, for the mails. */
  readonly deleteOn?: string;
  /** The login of an operation's account, for the mails. */
  readonly login: (op: Operation) => string;
  /** Whether Cadre disabled this account itself as a leaver (its enable is an undo of the offboarding). */
  readonly disabledByCadre: (target: string, anchor: string) => boolean;
}

const supports = (info: TargetInfo | undefined, step: OffboardStep): boolean => info?.offboardSteps?.includes(step) === true;

/** The offboarding operations (and mails) for one person, after the operations planned for them. */
export function offboardingOps(ctx: OffboardContext, personId: string, mine: readonly Operation[], leaverSources: ReadonlySet<string>): Operation[] {
  const steps = ctx.config.lifecycle.offboarding;
  if (steps.length === 0) return [];
  const out: Operation[] = [];
  const leaves = mine.filter((o) => o.action === 'disable' && leaverSources.has(o.reason.source));
  if (leaves.length === 0) return undoOps(ctx, personId, mine);
  const endDate = ctx.endDate !== undefined ? { endDate: ctx.endDate } : {};
  const mailFacts = { ...(ctx.deleteOn !== undefined ? { deleteOn: ctx.deleteOn } : {}), accounts: leaves.map((o) => ({ target: o.target, login: ctx.login(o) })) };
  const done: string[] = [];
  for (const d of leaves) {
    for (const step of ['hideFromAddressLists', 'revokeSessions'] as const) {
      const fits = supports(ctx.targets[d.target], step);
      if (!steps.some((s) => s.step === step && appliesTo(s, d.target, fits)) || !fits) continue;
      out.push(makeOp({ target: d.target, action: 'offboard', step, personId, changes: [], ...(d.anchor !== undefined ? { anchor: d.anchor } : {}), reason: reason(`offboarding: ${TARGET_STEPS[step]}`), dependsOn: [d.id] }));
      done.push(`${d.target}: ${TARGET_STEPS[step]}`);
    }
  }
  const deps = leaves.map((o) => o.id);
  for (const s of steps) {
    if (s.step === 'webhook') {
      const anchor = ctx.account(s.target)?.anchor;
      out.push(makeOp({ target: s.target, action: 'offboard', step: 'webhook', personId, changes: [], ...(anchor !== undefined ? { anchor } : {}), ...endDate, reason: reason(`offboarding: ${s.target} is called`), dependsOn: deps }));
      done.push(`${s.target}: called`);
    } else if (s.step === 'homeFolder') {
      const home = ctx.account(s.target)?.attributes['homeDirectory'];
      if (typeof home !== 'string' || home === '') continue;
      const managerId = ctx.supervisorId !== undefined ? { managerId: ctx.supervisorId } : {};
      out.push(makeOp({
        target: NOTIFY_TARGET, action: 'notify', personId, event: 'leaver', to: [...s.notify], targets: [s.target], ...endDate, ...mailFacts, homeFolder: home,
        changes: [{ attribute: 'homeDirectory', from: null, to: home }], dependsOn: deps,
        reason: reason(`offboarding: the home folder ${home} is handed over to the manager`),
      }));
      if (s.webhook !== undefined) {
        const hook = ctx.account(s.webhook)?.anchor;
        out.push(makeOp({ target: s.webhook, action: 'offboard', step: 'homeFolder', personId, changes: [], ...(hook !== undefined ? { anchor: hook } : {}), path: home, ...managerId, ...endDate, reason: reason(`offboarding: ${s.webhook} is asked to hand ${home} over to the manager`), dependsOn: deps }));
      }
      done.push(`${s.target}: home folder ${home} handed over to the manager`);
    }
  }
  const revoked = mine.filter((o) => o.action === 'revoke' && o.reason.source === 'offboarding');
  for (const r of revoked) done.push(`${r.target}: ${r.reason.detail.replace(/^offboarding: /, '')}`);
  const mail = steps.find((s) => s.step === 'notify');
  if (mail !== undefined) {
    out.push(makeOp({
      target: NOTIFY_TARGET, action: 'notify', personId, event: 'leaver', to: [...mail.to], targets: [...new Set(leaves.map((o) => o.target))].sort(), ...endDate, ...mailFacts,
      changes: [...leaves.map((o) => ({ attribute: o.target, from: null, to: 'account disabled' })), ...done.map((line, i) => ({ attribute: `step ${i + 1}`, from: null, to: line }))],
      summary: done,
      dependsOn: [...deps, ...revoked.map((o) => o.id), ...out.filter((o) => o.action === 'offboard').map((o) => o.id)],
      reason: reason('offboarding: the leaver mail lists the steps'),
    }));
  }
  return out;
}

/** A re-enable of an account Cadre disabled as a leaver: undo the hiding from address lists. */
function undoOps(ctx: OffboardContext, personId: string, mine: readonly Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const e of mine) {
    if (e.action !== 'enable' || e.anchor === undefined || !ctx.disabledByCadre(e.target, e.anchor)) continue;
    const fits = supports(ctx.targets[e.target], 'hideFromAddressLists');
    if (!fits || !ctx.config.lifecycle.offboarding.some((s) => s.step === 'hideFromAddressLists' && appliesTo(s, e.target, fits))) continue;
    out.push(makeOp({
      target: e.target, action: 'offboard', step: 'hideFromAddressLists', undo: true, personId, anchor: e.anchor, changes: [], dependsOn: [e.id],
      reason: reason('re-enabled: shown in address lists again (revoked sessions, webhook calls and mails of the offboarding are not undone)'),
    }));
  }
  return out;
}

/** The configured steps in words, the delayed delete last (what `explain` shows for a person with an end date). */
export function describeOffboarding(steps: readonly OffboardingStep[], deleteOn?: string): string[] {
  if (steps.length === 0) return [];
  const where = (s: OffboardingStep): string => ('targets' in s && s.targets !== undefined ? ` (${s.targets.join(', ')})` : '');
  const out: string[] = [];
  for (const s of steps) {
    switch (s.step) {
      case 'removeLicences': out.push(`remove the managed licences${where(s)}; group-inherited licences go with the groups`); break;
      case 'removeGroups': out.push(`remove from every managed group${where(s)}`); break;
      case 'hideFromAddressLists': out.push(`hide from address lists${where(s)}`); break;
      case 'revokeSessions': out.push(`revoke sign-in sessions${where(s)}`); break;
      case 'webhook': out.push(`call ${s.target}`); break;
      case 'homeFolder': out.push(`hand the home folder (${s.target} homeDirectory) over: mail to ${s.notify.join(', ')}${s.webhook !== undefined ? `, call ${s.webhook}` : ''}`); break;
      case 'notify': out.push(`mail ${s.to.join(', ')} the steps`); break;
      case 'delete': break;
    }
  }
  out.push(`delete the accounts after the retention${deleteOn !== undefined ? ` (on ${deleteOn})` : ''}`);
  return out;
}
