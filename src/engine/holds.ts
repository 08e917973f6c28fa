/**
 * Holds: a human decision that stops Cadre's operations for a person or one of their accounts, except disables.
 * The CLI (`cadre hold`) and the web console ("temporary disable": `disable: true`) both go through here, so every
 * change is validated the same way and audited in the transaction that makes it.
 */
import { holdActive } from '../core/safeguards.js';
import type { Hold } from '../core/model.js';
import type { Store } from '../store/types.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';

/** Meta key: persons whose holds changed since the daemon's last tick (it plans them even if HR did not change). */
export const HOLDS_TOUCHED = 'holds.touched';

/** Mark a person for the daemon's next tick (holds and overrides changed outside a run). */
export async function touch(tx: Store, personId: string): Promise<void> {
  const list = new Set<string>(JSON.parse((await tx.meta.get(HOLDS_TOUCHED)) ?? '[]') as string[]);
  list.add(personId);
  await tx.meta.set(HOLDS_TOUCHED, JSON.stringify([...list]));
}

/** Take (and clear) the persons whose holds changed since the last call. */
export async function takeTouchedHolds(store: Store): Promise<string[]> {
  return store.transaction(async (tx) => {
    const list = JSON.parse((await tx.meta.get(HOLDS_TOUCHED)) ?? '[]') as string[];
    if (list.length > 0) await tx.meta.set(HOLDS_TOUCHED, '[]');
    return list;
  });
}

/** What a caller asks for; `createdAt` is the engine's clock. */
export interface HoldRequest {
  readonly personId: string;
  readonly target?: string;
  readonly reason: string;
  readonly actor: string;
  /** `YYYY-MM-DD` (last day, inclusive, lifecycle time zone) or an ISO instant. */
  readonly until?: string;
  readonly disable?: boolean;
}

function invalid(message: string): CadreError {
  return new CadreError('HOLD_INVALID', message, EXIT.usage);
}

/** Normalise `until`: a calendar date stays one; an instant becomes ISO-8601 UTC. */
function untilOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return v;
  const ms = Date.parse(v);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) throw invalid(`--until must be a date (YYYY-MM-DD, last day of the hold) or an ISO instant (got "${v}")`);
  return new Date(ms).toISOString();
}

/** Add (or replace) a hold; audited as `hold.added` with actor and reason. Returns the stored hold. */
export async function addHold(engine: Engine, req: HoldRequest): Promise<Hold> {
  const reason = req.reason.trim();
  if (req.personId.trim() === '') throw invalid('a hold needs a person id');
  if (reason === '') throw invalid('a hold needs a reason (--reason "…"): it is audited and shown in every plan');
  if (req.target !== undefined && engine.config.targets[req.target] === undefined) {
    throw invalid(`unknown target "${req.target}" (configured: ${Object.keys(engine.config.targets).join(', ')})`);
  }
  const until = untilOf(req.until);
  const createdAt = engine.now().toISOString();
  const hold: Hold = {
    personId: req.personId.trim(), reason, actor: req.actor, createdAt,
    ...(req.target !== undefined ? { target: req.target } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(req.disable === true ? { disable: true } : {}),
  };
  if (!holdActive(hold, createdAt, engine.config.lifecycle.timezone)) throw invalid(`--until ${until ?? ''} has already passed`);
  await engine.store.transaction(async (tx) => {
    const replaced = await tx.holds.put(hold);
    await touch(tx, hold.personId);
    await engine.audit.recordIn(tx, {
      actor: req.actor, event: 'hold.added', personId: hold.personId, ...(hold.target !== undefined ? { target: hold.target } : {}),
      payload: { reason, until: hold.until ?? null, disable: hold.disable === true, ...(replaced ? { replaced: { reason: replaced.reason, actor: replaced.actor, until: replaced.until ?? null } } : {}) },
    });
  });
  return hold;
}

/** Remove a hold; audited as `hold.removed`. Throws `HOLD_NOT_FOUND` (exit 2) when there is none. */
export async function removeHold(engine: Engine, req: { readonly personId: string; readonly target?: string; readonly actor: string; readonly reason?: string }): Promise<Hold> {
  return engine.store.transaction(async (tx) => {
    const removed = await tx.holds.remove(req.personId, req.target);
    if (!removed) throw new CadreError('HOLD_NOT_FOUND', `no hold on person ${req.personId}${req.target !== undefined ? ` in ${req.target}` : ' (every target)'}: see \`cadre hold list\``, EXIT.usage);
    await touch(tx, req.personId);
    await engine.audit.recordIn(tx, {
      actor: req.actor, event: 'hold.removed', personId: req.personId, ...(req.target !== undefined ? { target: req.target } : {}),
      payload: { reason: req.reason ?? null, hold: { reason: removed.reason, actor: removed.actor, createdAt: removed.createdAt, until: removed.until ?? null } },
    });
    return removed;
  });
}

/** Every stored hold, with whether it is still in force now. */
export async function listHolds(engine: Engine): Promise<{ hold: Hold; active: boolean }[]> {
  const now = engine.now().toISOString();
  return (await engine.store.holds.all()).map((hold) => ({ hold, active: holdActive(hold, now, engine.config.lifecycle.timezone) }));
}
