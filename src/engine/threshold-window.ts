/**
 * Thresholds across scoped runs. A webhook batch or an incremental tick plans only the people it names, so a mass
 * termination that arrives over minutes would pass in small runs that each stay under the limits. Every scoped run
 * that passes the gate records its destructive operations here (store meta, one writer under the run lease); the
 * next scoped run is judged on its own operations together with those of the last 24 hours. An approval of a breach
 * clears what it covered, so one decision lets the wave through.
 */
import { DESTRUCTIVE_ACTIONS, evaluateThresholds, type ThresholdOp } from '../core/index.js';
import type { Action, Plan, ThresholdBreach } from '../core/model.js';
import { NOTIFY_TARGET, WRITEBACK_TARGET } from '../core/plan-input.js';
import type { Engine } from './engine.js';

/** Store meta key of the window. */
export const WINDOW_KEY = 'thresholds.window';
/** How far back applied scoped operations count. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

interface Entry { readonly at: string; readonly target: string; readonly action: Action; readonly personId: string }

async function read(engine: Engine): Promise<Entry[]> {
  const raw = await engine.store.meta.get(WINDOW_KEY);
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v as Entry[]).filter((e) => typeof e?.at === 'string' && typeof e.target === 'string' && typeof e.personId === 'string') : [];
  } catch {
    return [];
  }
}

const recent = (entries: readonly Entry[], now: Date): Entry[] => entries.filter((e) => now.getTime() - Date.parse(e.at) < WINDOW_MS);

/**
 * The breaches of a scoped plan judged together with the scoped runs of the last 24 hours: the plan's own (privileged
 * grants included) plus every limit the window pushes over. A breach the window adds says so in its limit text.
 */
export async function windowBreaches(engine: Engine, plan: Plan): Promise<ThresholdBreach[]> {
  const window = recent(await read(engine), engine.now());
  if (window.length === 0) return [...plan.breaches];
  const population = Number(plan.summary['population'] ?? 0);
  const combined: ThresholdOp[] = [...plan.operations, ...window];
  const together = evaluateThresholds(combined, engine.config.thresholds, population).filter((b) => b.privileged === undefined);
  const out = [...plan.breaches];
  for (const b of together) {
    if (out.some((x) => x.target === b.target && x.action === b.action)) continue;
    const before = new Set(window.filter((e) => e.target === b.target && e.action === b.action).map((e) => e.personId)).size;
    out.push({ ...b, limit: `${b.limit} (${before} of them applied by smaller runs in the last 24 h: webhook batches or incremental ticks)` });
  }
  return out;
}

/** After a scoped run passed the gate: remember its destructive operations, drop what approvals covered and what aged out. */
export async function recordWindow(engine: Engine, plan: Plan, approved: readonly { target: string; action: string }[]): Promise<void> {
  const now = engine.now();
  const covered = (e: { target: string; action: string }): boolean => approved.some((a) => (a.target === '*' || a.target === e.target) && (a.action === '*' || a.action === e.action));
  const kept = recent(await read(engine), now).filter((e) => !covered(e));
  const added: Entry[] = plan.operations
    .filter((o) => DESTRUCTIVE_ACTIONS.includes(o.action) && o.target !== NOTIFY_TARGET && o.target !== WRITEBACK_TARGET)
    .filter((o) => !covered(o))
    .map((o) => ({ at: now.toISOString(), target: o.target, action: o.action, personId: o.personId }));
  if (added.length === 0 && kept.length === (await read(engine)).length) return;
  await engine.store.meta.set(WINDOW_KEY, JSON.stringify([...kept, ...added]));
}
