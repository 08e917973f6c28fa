/** Loads what the reports read from the store (never from the live targets, except licence seat counts). */
import type { ReportInput } from '../../core/reports/common.js';
import type { TargetInfo } from '../../core/plan-input.js';
import type { Engine } from '../engine.js';
import { targetInfo } from '../planning.js';

/** The stored snapshot and account state, as of `engine.now()` (or `at`). */
export async function loadReportInput(engine: Engine, at?: string): Promise<ReportInput> {
  const [persons, accounts, history] = await Promise.all([engine.store.persons.all(), engine.store.accounts.all(), engine.store.periods.all()]);
  return { at: at ?? engine.now().toISOString(), config: engine.config, persons, accounts, history };
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
