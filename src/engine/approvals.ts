/**
 * Approving or rejecting a blocked plan from the console, per target and action, with a comment. An approval is
 * stored (approvals-store.ts) and lets the next run through the threshold gate; a rejection withdraws any approval
 * of that scope, so the plan stays blocked. Both are audited.
 */
import type { ThresholdBreach } from '../core/model.js';
import { queryAudit } from '../audit/query.js';
import { APPROVAL_TTL_MS, activeApprovals, readApprovals, writeApprovals, type StoredApproval } from './approvals-store.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';
import { BLOCKED_KEY } from './threshold-gate.js';

/** The plan currently blocked by a threshold. */
export interface BlockedPlan {
  /** Since when the block lasts. */
  readonly since: string;
  /** The run that was blocked last, and when. */
  readonly runId?: string;
  readonly at: string;
  readonly breaches: readonly ThresholdBreach[];
  /** Approvals waiting for the next run. */
  readonly approvals: readonly StoredApproval[];
}

/** The open block (from the gate's state and the last `plan.blocked` entry), or `undefined`. */
export async function blockedPlan(engine: Engine): Promise<BlockedPlan | undefined> {
  const raw = await engine.store.meta.get(BLOCKED_KEY);
  if (!raw) return undefined;
  let since = '';
  try {
    since = String((JSON.parse(raw) as { since?: unknown }).since ?? '');
  } catch {
    return undefined;
  }
  const { rows } = await queryAudit(engine.store, { event: 'plan.blocked', limit: 1 });
  const row = rows[0];
  if (!row) return undefined;
  let breaches: ThresholdBreach[] = [];
  try {
    const b = (JSON.parse(row.payload) as { breaches?: unknown }).breaches;
    breaches = Array.isArray(b) ? (b as ThresholdBreach[]) : [];
  } catch {
    breaches = [];
  }
  const approvals = activeApprovals(await readApprovals(engine.store), engine.now());
  return { since, at: row.at, breaches, approvals, ...(row.runId !== undefined ? { runId: row.runId } : {}) };
}

/** A console decision on one breach. */
export interface BreachDecision {
  readonly target: string;
  readonly action: string;
  readonly comment: string;
  /** `web:<principal id>`. */
  readonly actor: string;
}

function invalid(message: string): CadreError {
  return new CadreError('APPROVAL_INVALID', message, EXIT.usage);
}

async function breachOf(engine: Engine, d: BreachDecision): Promise<{ blocked: BlockedPlan; breach: ThresholdBreach }> {
  if (d.comment.trim() === '') throw invalid('a decision on a blocked plan needs a comment: it is audited');
  if (d.comment.length > 2000) throw invalid('the comment is longer than 2000 characters');
  const blocked = await blockedPlan(engine);
  const breach = blocked?.breaches.find((b) => b.target === d.target && b.action === d.action);
  if (!blocked || !breach) throw invalid(`no blocked ${d.action} on ${d.target} to decide on (the block may be over)`);
  return { blocked, breach };
}

/** Approve one breach: the next run may apply up to that many operations of it. Audited as `plan.approval.granted`. */
export async function approveBreach(engine: Engine, d: BreachDecision): Promise<StoredApproval> {
  const { blocked, breach } = await breachOf(engine, d);
  const now = engine.now();
  const approval: StoredApproval = {
    target: breach.target, action: breach.action, maxCount: breach.count, actor: d.actor, comment: d.comment.trim(),
    at: now.toISOString(), until: new Date(now.getTime() + APPROVAL_TTL_MS).toISOString(),
  };
  await engine.store.transaction(async (tx) => {
    const others = activeApprovals(await readApprovals(tx), now).filter((a) => a.target !== breach.target || a.action !== breach.action);
    await writeApprovals(tx, [...others, approval]);
    await engine.audit.recordIn(tx, {
      actor: d.actor, event: 'plan.approval.granted', ...(blocked.runId !== undefined ? { runId: blocked.runId } : {}), target: breach.target,
      payload: { action: breach.action, count: breach.count, population: breach.population, limit: breach.limit, comment: approval.comment, until: approval.until },
    });
  });
  return approval;
}

/** Reject one breach: every approval of it is withdrawn and the plan stays blocked. Audited as `plan.approval.rejected`. */
export async function rejectBreach(engine: Engine, d: BreachDecision): Promise<void> {
  const { blocked, breach } = await breachOf(engine, d);
  await engine.store.transaction(async (tx) => {
    const list = await readApprovals(tx);
    const withdrawn = list.filter((a) => a.target === breach.target && a.action === breach.action);
    await writeApprovals(tx, list.filter((a) => !withdrawn.includes(a)));
    await engine.audit.recordIn(tx, {
      actor: d.actor, event: 'plan.approval.rejected', ...(blocked.runId !== undefined ? { runId: blocked.runId } : {}), target: breach.target,
      payload: { action: breach.action, count: breach.count, population: breach.population, limit: breach.limit, comment: d.comment.trim(), withdrew: withdrawn.length },
    });
  });
}
