/**
 * The person-scoped run behind edit, disable/enable and groups: under the run lease (waiting a little for a running
 * tick), refresh the person's accounts from the target, plan that person alone from the store and apply it through
 * the normal path (thresholds, journal, audit of every operation).
 */
import type { AccountState, Hold } from '../../core/model.js';
import { holdActive } from '../../core/safeguards.js';
import type { Override } from '../../core/overrides.js';
import { correlationCodec } from '../../core/correlation.js';
import { applyPrepared, type ApplyReport } from '../apply.js';
import type { Engine } from '../engine.js';
import { withRunLease } from '../lease.js';
import { preparePlan, type PreparedPlan } from '../planning.js';
import { HelpdeskError } from './types.js';

/** What the run did for the person. */
export interface PersonRun {
  readonly prepared: PreparedPlan;
  readonly report: ApplyReport;
}

/** Re-read accounts from their targets and store them, so the plan diffs against what the target holds now. */
async function refresh(engine: Engine, accounts: readonly AccountState[]): Promise<void> {
  for (const a of accounts) {
    const c = engine.targets.get(a.target);
    if (!c || a.personId === undefined) continue;
    const codec = correlationCodec(engine.config.targets[a.target]?.correlation?.value);
    const found = await c.find({ attribute: c.correlationAttribute, value: codec.render(a.personId) });
    const live = found.find((x) => x.anchor === a.anchor);
    if (live) await engine.store.accounts.upsert({ ...live, target: a.target, personId: a.personId });
  }
}

/**
 * Plan and apply one person now. Waits up to `waitMs` for another run's lease, then gives up with
 * `HELPDESK_BUSY` (nothing was done).
 */
export async function runForPerson(engine: Engine, personId: string, actor: string, opts: { accounts: readonly AccountState[]; extraOverrides?: readonly Override[]; waitMs: number }): Promise<PersonRun> {
  const signal = AbortSignal.timeout(opts.waitMs);
  let held = false;
  try {
    return await withRunLease(engine, { command: 'helpdesk', wait: true, signal }, async (lease) => {
      held = true;
      await refresh(engine, opts.accounts);
      const prepared = await preparePlan(engine, {
        source: { kind: 'store' }, onlyPersons: [personId], storedAccounts: true,
        ...(opts.extraOverrides && opts.extraOverrides.length > 0 ? { extraOverrides: opts.extraOverrides } : {}),
      });
      const report = await applyPrepared(engine, prepared, { actor, kind: 'apply', storePersons: 'none', lease });
      return { prepared, report };
    });
  } catch (e) {
    if (!held && signal.aborted) {
      throw new HelpdeskError('HELPDESK_BUSY', `another run kept the run lease for more than ${Math.round(opts.waitMs / 1000)} s: nothing was done, try again in a moment`, false);
    }
    throw e;
  }
}

/** The run's operations for one target of the person, compact (for the caller and the audit). */
export function outcomesOf(run: PersonRun, personId: string, target?: string): { action: string; status: string; entitlement?: string; error?: string; attributes?: string[] }[] {
  return run.report.outcomes
    .filter((o) => o.op.personId === personId && (target === undefined || o.op.target === target))
    .map((o) => ({
      action: o.op.action, status: o.status,
      ...(o.op.entitlement !== undefined ? { entitlement: o.op.entitlement } : {}),
      ...(o.error ? { error: o.error.code } : {}),
      ...(o.op.changes.length > 0 ? { attributes: o.op.changes.map((c) => c.attribute) } : {}),
    }));
}

/** The hold in force on the person's account in `target` (an account hold wins over a person hold). */
export async function holdOn(engine: Engine, personId: string, target: string | undefined): Promise<Hold | undefined> {
  const now = engine.now().toISOString();
  const tz = engine.config.lifecycle.timezone;
  const holds = (await engine.store.holds.byPerson(personId)).filter((h) => holdActive(h, now, tz));
  return holds.find((h) => h.target === target) ?? holds.find((h) => h.target === undefined);
}
