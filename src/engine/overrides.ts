/**
 * Overrides seen from the engine: list them (with whether each is still in force) and remove one, audited as
 * `override.removed`, for `cadre override` and the console's person page. Helpdesk forms set them
 * (src/engine/helpdesk/); nothing else writes them.
 */
import { overrideActive, type Override } from '../core/overrides.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';
import { touch } from './holds.js';

/** Every stored override (or one person's), with whether it is still in force now. */
export async function listOverrides(engine: Engine, personId?: string): Promise<{ override: Override; active: boolean }[]> {
  const now = engine.now().toISOString();
  const tz = engine.config.lifecycle.timezone;
  const list = personId === undefined ? await engine.store.overrides.all() : await engine.store.overrides.byPerson(personId);
  return list.map((override) => ({ override, active: overrideActive(override, now, tz) }));
}

/**
 * Remove an override; audited as `override.removed` in the same transaction. The rule's value comes back with the
 * next plan of the person (the daemon's next tick plans them). Throws `OVERRIDE_NOT_FOUND` (exit 2).
 */
export async function removeOverride(engine: Engine, req: { readonly personId: string; readonly target: string; readonly attribute: string; readonly actor: string; readonly reason?: string }): Promise<Override> {
  return engine.store.transaction(async (tx) => {
    const removed = await tx.overrides.remove(req.personId, req.target, req.attribute);
    if (!removed) throw new CadreError('OVERRIDE_NOT_FOUND', `no override of ${req.attribute} for person ${req.personId} in ${req.target}: see \`cadre override list\``, EXIT.usage);
    await touch(tx, req.personId);
    await engine.audit.recordIn(tx, {
      actor: req.actor, event: 'override.removed', personId: req.personId, target: req.target,
      payload: { attribute: req.attribute, reason: req.reason ?? null, override: { value: removed.value, actor: removed.actor, createdAt: removed.createdAt, expiresAt: removed.expiresAt ?? null, reason: removed.reason } },
    });
    return removed;
  });
}
