/** Loads what the reports read from the store (never from the live targets, except licence seat counts). */
import type { AccountState } from '../../core/model.js';
import type { ReportInput } from '../../core/reports/common.js';
import type { TargetInfo } from '../../core/plan-input.js';
import type { Engine } from '../engine.js';
import { targetInfo } from '../planning.js';

/**
 * The stored snapshot and the accounts as of `engine.now()`: listed live from every target the engine opened (see
 * {@link liveAccounts}), or with `stored` only the stored account state (no target is contacted).
 */
export async function loadReportInput(engine: Engine, opts: { stored?: boolean; target?: string } = {}): Promise<ReportInput> {
  const [persons, history] = await Promise.all([engine.store.persons.all(), engine.store.periods.all()]);
  const accounts = opts.stored === true ? await engine.store.accounts.all() : await liveAccounts(engine, opts.target);
  return { at: engine.now().toISOString(), config: engine.config, persons, accounts, history };
}

/**
 * The planner's view of every enabled target: from its connector when the engine opened one, otherwise a neutral
 * one (every capability, no correlation attribute), which is all the reports need to evaluate rules.
 */
export function reportTargets(engine: Engine): Record<string, TargetInfo> {
  const live = targetInfo(engine);
  const out: Record<string, TargetInfo> = {};
  for (const [name, t] of Object.entries(engine.config.targets)) {
    if (!t.enabled) continue;
    out[name] = live[name] ?? {
      capabilities: { supportsPassword: true, supportsMove: true, supportsRename: true, supportsEnable: true, supportsEntitlements: true, supportsLicences: true, softDelete: false },
      correlationAttribute: '',
    };
  }
  return out;
}

/**
 * Accounts listed live from each open connector (or only `target`), linked to persons through the store as the
 * planner links them. The store remembers linked accounts only, so accounts nobody owns are found this way.
 * Targets without an open connector contribute their stored accounts.
 */
export async function liveAccounts(engine: Engine, target?: string): Promise<AccountState[]> {
  const stored = await engine.store.accounts.all();
  const links = new Map(stored.filter((a) => a.personId !== undefined).map((a) => [`${a.target}\u0000${a.anchor}`, a.personId as string]));
  const out: AccountState[] = [];
  for (const [name, t] of Object.entries(engine.config.targets)) {
    if (!t.enabled || (target !== undefined && name !== target)) continue;
    const connector = engine.targets.get(name);
    if (!connector) {
      out.push(...stored.filter((a) => a.target === name));
      continue;
    }
    for await (const page of connector.list()) {
      for (const a of page) {
        const personId = a.personId ?? links.get(`${name}\u0000${a.anchor}`);
        out.push(personId !== undefined ? { ...a, target: name, personId } : { ...a, target: name });
      }
    }
  }
  return out;
}
