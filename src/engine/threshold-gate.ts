/**
 * The threshold gate of an apply: a plan over a safety limit is blocked unless every breach is approved, either as a
 * whole (`--approve`) or per target and action (`--approve ad:disable,entra:delete`). A block is audited on every
 * run, but mailed once per distinct breach, with a daily reminder while it lasts (remembered in the store).
 */
import { mailAdmins } from './notify-admins.js';
import { ACTIONS, sha256Hex } from '../core/index.js';
import type { Plan, ThresholdBreach } from '../core/model.js';
import type { CadreConfig } from '../config/schema.js';
import { activeApprovals, approvalCovers, readApprovals, writeApprovals, type StoredApproval } from './approvals-store.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT, ThresholdBlockedError } from './errors.js';
import { recordWindow, windowBreaches } from './threshold-window.js';

/** Approval of one target and action; either may be `*`. */
export interface Approval {
  readonly target: string;
  readonly action: string;
}

/** `true` approves every breach; a list approves the breaches it names. */
export type Approvals = true | readonly Approval[];

/** Store meta key of the open block: its fingerprint, since when, and when it was last mailed. */
export const BLOCKED_KEY = 'thresholds.blocked';
/** A block that lasts is mailed again after this long. */
export const REMIND_MS = 24 * 60 * 60 * 1000;

interface BlockedState { readonly fingerprint: string; readonly since: string; readonly mailedAt?: string }

const scopeOf = (b: { readonly target: string; readonly action: string }): string => `${b.target}:${b.action}`;

/**
 * Parse `target:action` approvals (comma-separated or repeated). Targets must be configured, actions known; `*`
 * stands for any. A mistyped scope is a usage error rather than a block that can never be lifted.
 */
export function parseApprovals(values: readonly string[], config: CadreConfig): Approval[] {
  const out: Approval[] = [];
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0)) {
    const m = /^([^:\s]+):([^:\s]+)$/.exec(item);
    if (!m) throw new CadreError('USAGE', `--approve ${item}: expected TARGET:ACTION, e.g. ad:disable`, EXIT.usage);
    const [, target = '', action = ''] = m;
    if (target !== '*' && !(target in config.targets)) {
      throw new CadreError('USAGE', `--approve ${item}: no target "${target}" (configured: ${Object.keys(config.targets).join(', ') || 'none'})`, EXIT.usage);
    }
    if (action !== '*' && !(ACTIONS as readonly string[]).includes(action)) {
      throw new CadreError('USAGE', `--approve ${item}: no action "${action}" (one of ${ACTIONS.join(', ')})`, EXIT.usage);
    }
    out.push({ target, action });
  }
  return out;
}

/** The breaches an approval does not cover. */
export function uncovered(breaches: readonly ThresholdBreach[], approve: Approvals | undefined): ThresholdBreach[] {
  if (approve === true) return [];
  const list = approve ?? [];
  return breaches.filter((b) => !list.some((a) => (a.target === '*' || a.target === b.target) && (a.action === '*' || a.action === b.action)));
}

/** The same breach is the same set of blocked targets and actions, whatever the counts of the day. */
function fingerprint(breaches: readonly ThresholdBreach[]): string {
  return sha256Hex([...new Set(breaches.map(scopeOf))].sort().join('\n')).slice(0, 16);
}

async function readBlocked(engine: Engine): Promise<BlockedState | undefined> {
  const raw = await engine.store.meta.get(BLOCKED_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as BlockedState;
  } catch {
    return undefined;
  }
}

const describe = (b: ThresholdBreach): string => `${b.action} on ${b.target}: ${b.count} of ${b.population} (limit ${b.limit})`;

/** Mail the block unless this very breach was mailed within the last day. */
async function notifyBlocked(engine: Engine, breaches: readonly ThresholdBreach[]): Promise<void> {
  const now = engine.now();
  const print = fingerprint(breaches);
  const previous = await readBlocked(engine);
  const same = previous?.fingerprint === print;
  const since = same && previous ? previous.since : now.toISOString();
  const due = !same || !previous?.mailedAt || now.getTime() - Date.parse(previous.mailedAt) >= REMIND_MS;
  const to = engine.config.notifications.events.blocked ?? [];
  let mailedAt = same ? previous?.mailedAt : undefined;
  if (due && to.length > 0) {
    const reminder = same && previous?.mailedAt !== undefined;
    const scopes = [...new Set(breaches.map(scopeOf))].join(',');
    const result = await mailAdmins(engine, to, {
      kind: 'blocked', breaches: breaches.map(describe), scopes,
      ...(reminder ? { since: `${since.slice(0, 16).replace('T', ' ')} UTC` } : {}),
    });
    // A mail that did not go out is tried again on the next run.
    if (result.ok) mailedAt = now.toISOString();
  }
  await engine.store.meta.set(BLOCKED_KEY, JSON.stringify({ fingerprint: print, since, ...(mailedAt ? { mailedAt } : {}) }));
}

/**
 * Let the plan through or block it. Throws {@link ThresholdBlockedError} (exit 3) when a breach is not approved; the
 * run is then finished as `blocked` and nothing else happens.
 */
export async function gateThresholds(engine: Engine, plan: Plan, runId: string, opts: { actor: string; approve?: Approvals; scoped: boolean }): Promise<void> {
  const approvals = opts.approve === true ? 'all' : (opts.approve ?? []).map(scopeOf);
  // A scoped plan is judged with what scoped runs applied in the last 24 hours (threshold-window.ts).
  const breaches = opts.scoped ? await windowBreaches(engine, plan) : [...plan.breaches];
  if (breaches.length === 0) {
    // Only an unscoped plan proves that the block is over (an incremental tick sees a few people).
    if (!opts.scoped) await engine.store.meta.set(BLOCKED_KEY, '');
    else await recordWindow(engine, plan, []);
    return;
  }
  // Approvals left by the console (approvals-store.ts) cover what the run's own --approve does not.
  const stored = await readApprovals(engine.store);
  const active = activeApprovals(stored, engine.now());
  const used = new Set<StoredApproval>();
  const open = uncovered(breaches, opts.approve).filter((b) => {
    const a = active.find((x) => approvalCovers(x, b));
    if (a) used.add(a);
    return a === undefined;
  });
  if (open.length === 0) {
    const fromConsole = [...used].map((a) => ({ target: a.target, action: a.action, actor: a.actor, comment: a.comment, at: a.at }));
    await engine.audit.record({ actor: opts.actor, event: 'plan.approved', runId, payload: { breaches, approvals, ...(fromConsole.length > 0 ? { consoleApprovals: fromConsole } : {}) } });
    // Used once: the next block needs a new decision. Lapsed ones go too.
    if (used.size > 0 || active.length < stored.length) await writeApprovals(engine.store, active.filter((a) => !used.has(a)));
    await engine.store.meta.set(BLOCKED_KEY, '');
    if (opts.scoped) await recordWindow(engine, plan, breaches.map((b) => ({ target: b.target, action: b.action })));
    return;
  }
  await engine.audit.record({ actor: opts.actor, event: 'plan.blocked', runId, payload: { breaches, ...(open.length < breaches.length ? { approvals, notApproved: open.map(scopeOf) } : {}) } });
  await engine.store.runs.finish(runId, 'blocked', plan.summary);
  await notifyBlocked(engine, breaches);
  const scopes = [...new Set(open.map(scopeOf))].join(',');
  const partly = open.length < breaches.length ? ` Not covered by the approval: ${scopes}.` : '';
  throw new ThresholdBlockedError(`plan blocked by safety thresholds: ${open.map(describe).join('; ')}.${partly} Review it with \`cadre plan\` and rerun with --approve ${scopes} (or --approve for everything) to apply anyway.`);
}
