/**
 * Terraform-like rendering of a plan for `cadre plan`. Plans hold no secrets, so nothing is masked.
 */
import pc from 'picocolors';
import type { Action, AttrValue, Operation, Plan } from './model.js';
import { ACTION_ORDER } from './ordering.js';
import { comparePersonIds } from './rules/identifiers.js';

/** Formatting options. */
export interface FormatOptions {
  readonly color: boolean;
}

const SYMBOL: Record<Action, string> = {
  create: '+', adopt: '&', update: '~', move: '>', rename: '~', enable: '↑', disable: '↓', delete: '-',
  grant: '+', revoke: '-', setPassword: '*', offboard: '⊘', writeBack: '←', notify: '✉',
};

/** Control characters from HR or target data (terminal escape sequences) printed as `?`, never sent to the terminal. */
export const terminalSafe = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');

const show = (v: AttrValue | undefined): string => {
  if (v === undefined || v === null) return '(unset)';
  // JSON escapes C0 controls but not DEL or C1 (U+009B is a CSI on many terminals).
  const s = terminalSafe(JSON.stringify(v));
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

const PLURAL: Record<Action, string> = {
  create: 'to create', adopt: 'to adopt', update: 'to update', move: 'to move', rename: 'to rename', enable: 'to enable', disable: 'to disable',
  delete: 'to delete', grant: 'to grant', revoke: 'to revoke', setPassword: 'password(s) to set', offboard: 'offboarding step(s)', writeBack: 'write-back(s)', notify: 'notification(s)',
};

/** Render a plan as text. */
export function formatPlan(plan: Plan, opts: FormatOptions): string {
  const c = pc.createColors(opts.color);
  const paint = (a: Action, s: string): string => {
    switch (a) {
      case 'create': case 'grant': case 'enable': return c.green(s);
      case 'adopt': return c.magenta(s);
      case 'delete': case 'revoke': case 'disable': return c.red(s);
      case 'update': case 'rename': case 'move': case 'setPassword': return c.yellow(s);
      default: return c.cyan(s);
    }
  };
  const lines: string[] = [];
  lines.push(c.bold(`Cadre plan as of ${plan.at}`) + c.dim(`  (basis ${plan.basis.slice(0, 12)})`));
  // Group by person, then target, in plan order within.
  const byPerson = new Map<string, Operation[]>();
  for (const o of plan.operations) {
    const l = byPerson.get(o.personId);
    if (l) l.push(o); else byPerson.set(o.personId, [o]);
  }
  const ids = [...byPerson.keys()].sort(comparePersonIds);
  const named = new Map<string, string>();
  for (const r of plan.reservations) if (r.status === 'primary' && !named.has(r.personId)) named.set(r.personId, r.value);
  for (const pid of ids) {
    const ops = byPerson.get(pid) as Operation[];
    lines.push('');
    lines.push(c.bold(`person ${terminalSafe(pid)}`) + (named.has(pid) ? c.dim(` (${terminalSafe(named.get(pid) ?? '')})`) : ''));
    const targets = [...new Set(ops.map((o) => o.target))];
    for (const t of targets) {
      lines.push(`  ${c.bold(t)}`);
      for (const o of ops.filter((x) => x.target === t)) lines.push(...formatOp(o, paint, c.dim));
    }
  }
  if (plan.held.length > 0) {
    lines.push('', c.yellow(c.bold(`Held (${plan.held.length}): Cadre leaves these as they are`)));
    for (const h of plan.held) {
      const what = h.withheld.length > 0 ? ` (withheld: ${h.withheld.join(', ')})` : '';
      lines.push(c.yellow(terminalSafe(`  ‖ person ${h.personId} in ${h.target === '*' ? 'every target' : h.target}: HELD, ${h.kind}${what}: ${h.reason}`)));
    }
  }
  const blockers = plan.blockers ?? [];
  if (blockers.length > 0) {
    lines.push('', c.red(c.bold(`Config errors (${blockers.length}): nothing is applied until they are fixed`)));
    for (const b of blockers) lines.push(c.red(terminalSafe(`  ✗ ${b.code}: ${b.message}${b.persons > 0 ? ` (${b.persons} person(s) would get it)` : ''}`)));
  }
  if (plan.errors.length > 0) {
    lines.push('', c.red(c.bold(`Errors (${plan.errors.length}): each says what is (not) planned for it`)));
    for (const e of plan.errors) lines.push(c.red(terminalSafe(`  ! person ${e.personId}${e.target ? ` in ${e.target}` : ''}: ${e.code}: ${e.message}`)));
  }
  const moves = plan.reallocations ?? [];
  if (moves.length > 0) {
    lines.push('', c.yellow(c.bold(`Identifiers re-allocated (${moves.length}): reserved values someone else holds now, released on apply`)));
    for (const m of moves) {
      const why = m.reason === 'taken' ? 'taken in a target since it was reserved' : 'moves with an identifier built with it';
      lines.push(c.yellow(terminalSafe(`  ~ person ${m.personId} ${m.kind}: ${m.from} → ${m.to ?? '(none free)'}  (${why})`)));
    }
  }
  if (plan.problems.length > 0) {
    lines.push('', c.yellow(c.bold(`Source problems (${plan.problems.length}): fix these records in Personio`)));
    for (const p of plan.problems) {
      const kept = p.keptLastGood ? ' (planned from the last good record; end dates and status inactive in the new record still count)' : ' (skipped)';
      lines.push(c.yellow(terminalSafe(`  ? ${p.label}: ${p.messages.join('; ')}${kept}`)));
    }
  }
  const excluded = plan.excluded ?? [];
  if (excluded.length > 0) {
    lines.push('', c.dim(c.bold(`Excluded (${excluded.length}): never touched`)));
    for (const e of excluded) lines.push(c.dim(terminalSafe(`  = ${e.target} ${e.name ?? e.anchor}${e.personId !== undefined ? ` (carries person ${e.personId})` : ''}: ${e.rule}`)));
  }
  if (plan.breaches.length > 0) {
    lines.push('', c.red(c.bold('Blocked by thresholds: this plan will not be applied without explicit approval')));
    for (const b of plan.breaches) {
      const what = b.privileged ? `privileged grant(s) of ${b.privileged.join(', ')} to ${b.count} person(s)` : `${b.count} person(s) to ${b.action}`;
      lines.push(c.red(terminalSafe(`  ✗ ${what} in ${b.target === '*' ? 'all targets' : b.target} (population ${b.population}): ${b.limit}`)));
    }
  }
  lines.push('', summaryLine(plan, c.bold));
  return lines.join('\n');
}

function formatOp(o: Operation, paint: (a: Action, s: string) => string, dim: (s: string) => string): string[] {
  const sym = SYMBOL[o.action];
  const why = dim(terminalSafe(`  # ${o.reason.kind}: ${o.reason.source}${o.reason.detail ? ` — ${o.reason.detail}` : ''}`));
  const out: string[] = [];
  switch (o.action) {
    case 'create': {
      const where = o.container !== undefined ? ` in ${terminalSafe(o.container)}` : '';
      const state = o.enabled === false ? ' (disabled)' : '';
      out.push(paint('create', `    ${sym} create${state}${where}`) + why);
      for (const ch of o.changes) out.push(paint('create', `        ${ch.attribute}: ${show(ch.to)}`));
      const tap = o.firstSignIn;
      // The pass is created right after the account; its value is shown once to the manager in the console.
      if (tap) out.push(paint('create', `        + temporary access pass: from ${tap.startDateTime ?? 'creation'}, ${tap.lifetimeInMinutes} min${tap.isUsableOnce ? ', one sign-in' : ''} (shown once to the manager in the console)`));
      break;
    }
    case 'adopt':
      out.push(paint('adopt', `    ${sym} adopt existing account ${terminalSafe(o.anchor ?? '')}`) + why);
      for (const ch of o.changes) out.push(paint('adopt', `        ${ch.attribute}: ${show(ch.from)} → ${show(ch.to)}`));
      break;
    case 'update': case 'rename': case 'writeBack':
      out.push(paint(o.action, `    ${sym} ${o.action}`) + why);
      for (const ch of o.changes) {
        if (ch.add !== undefined || ch.remove !== undefined) {
          // Per-value change: only these values; every other value of the attribute stays.
          const values = [...(ch.remove ?? []).map((v) => `- ${terminalSafe(JSON.stringify(v))}`), ...(ch.add ?? []).map((v) => `+ ${terminalSafe(JSON.stringify(v))}`)];
          out.push(paint(o.action, `        ${ch.attribute}: ${values.join(', ')}`));
        } else out.push(paint(o.action, `        ${ch.attribute}: ${show(ch.from)} → ${show(ch.to)}`));
      }
      break;
    case 'move': {
      const ch = o.changes[0];
      out.push(paint('move', `    ${sym} move ${show(ch?.from)} → ${show(ch?.to)}`) + why);
      break;
    }
    case 'grant': case 'revoke':
      out.push(paint(o.action, `    ${sym} ${o.action} ${terminalSafe(o.entitlement ?? '')}`) + why);
      break;
    case 'offboard':
      out.push(paint('offboard', `    ${sym} offboard ${o.undo === true ? 'undo ' : ''}${o.step}${o.path !== undefined ? ` ${o.path}` : ''}`) + why);
      break;
    case 'notify':
      out.push(paint('notify', `    ${sym} notify ${o.event} → ${o.to.join(', ')}`));
      break;
    default:
      out.push(paint(o.action, `    ${sym} ${o.action}`) + why);
  }
  return out;
}

/** "Plan: 3 to create, 2 to update, … ." */
export function summaryLine(plan: Plan, bold: (s: string) => string = (s) => s): string {
  const parts: string[] = [];
  for (const a of ACTION_ORDER) {
    const n = plan.summary[a] ?? 0;
    if (n > 0) parts.push(`${n} ${PLURAL[a]}`);
  }
  const tail: string[] = [];
  if (plan.held.length > 0) tail.push(`${plan.held.length} held`);
  if ((plan.summary['excluded'] ?? 0) > 0) tail.push(`${plan.summary['excluded']} excluded account(s) never touched`);
  if (plan.errors.length > 0) tail.push(`${plan.errors.length} error(s)`);
  if ((plan.reallocations?.length ?? 0) > 0) tail.push(`${plan.reallocations?.length} identifier(s) re-allocated`);
  if (plan.problems.length > 0) tail.push(`${plan.problems.length} source problem(s)`);
  if ((plan.summary['unmatched'] ?? 0) > 0) tail.push(`${plan.summary['unmatched']} unmatched account(s) ignored`);
  if (plan.breaches.length > 0) tail.push('BLOCKED by thresholds');
  if ((plan.blockers ?? []).length > 0) tail.push(`REFUSED: ${(plan.blockers ?? []).length} config error(s)`);
  const head = parts.length === 0 ? 'No changes. Accounts match the rules.' : `Plan: ${parts.join(', ')}.`;
  return bold(head) + (tail.length > 0 ? ` ${tail.join(', ')}.` : '');
}
