/** `cadre apply [FILE]`: apply a saved plan (refused when stale) or a fresh one after confirmation. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { formatPlan } from '../../core/index.js';
import type { Engine } from '../../engine/engine.js';
import { applyPrepared, type ApplyReport } from '../../engine/apply.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { describeHolder, withRunLease, type RunLease } from '../../engine/lease.js';
import { preparePlan } from '../../engine/planning.js';
import type { Approvals } from '../../engine/threshold-gate.js';
import type { LeaseHolder } from '../../store/types.js';
import { approvalsOf, takeApprove } from '../approve.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';
import { parseAt } from './plan.js';

interface SavedPlan {
  version: number;
  at: string;
  basis: string;
  scope?: string[] | null;
  /** Computed for another instant (`plan --at`): never applied as of now. */
  preview: boolean;
  operationIds: readonly string[];
}

function readSaved(file: string): SavedPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CadreError('USAGE', `cannot read plan ${file}: ${(err as Error).message}`, EXIT.usage);
  }
  const p = parsed as Partial<SavedPlan> & { createdAt?: unknown; operations?: unknown };
  if (p.version !== 1 || typeof p.at !== 'string' || typeof p.basis !== 'string') {
    throw new CadreError('USAGE', `${file} is not a Cadre plan (write one with: cadre plan --out ${file})`, EXIT.usage);
  }
  // Files without the flag (e.g. `plan --json` output): an instant after the plan was computed is a preview.
  const preview = typeof p.preview === 'boolean' ? p.preview : typeof p.createdAt === 'string' && Date.parse(p.at) > Date.parse(p.createdAt);
  const operationIds = Array.isArray(p.operations) ? p.operations.map((o) => String((o as { id?: unknown }).id)) : [];
  return { version: 1, at: p.at, basis: p.basis, scope: Array.isArray(p.scope) ? p.scope.map(String) : null, preview, operationIds };
}

/**
 * The instant to recompute a saved plan for. A plan for now is applied as of now; a preview (`plan --at`) only with
 * `apply --at` naming its very instant, so that a preview's future disables are never executed today by mistake.
 */
function instantFor(saved: SavedPlan, file: string, at: string | undefined): string | undefined {
  if (at !== undefined && Date.parse(at) !== Date.parse(saved.at)) {
    throw new CadreError('PLAN_INSTANT', `--at ${at} is not the instant of plan ${file} (${saved.at}); pass --at ${saved.at} to apply it as of that instant`, EXIT.usage);
  }
  if (at === undefined && saved.preview) {
    throw new CadreError('PLAN_NOT_NOW', `plan ${file} is a preview as of ${saved.at}, not a plan for now: applying it today would carry out that day's changes (such as disables) early. Compute a plan for now with \`cadre plan --out ${file}\`, or pass --at ${saved.at} to apply it as of that instant on purpose.`, EXIT.usage);
  }
  return at === undefined ? undefined : saved.at;
}

/** Summarise an apply for humans. */
export function reportText(report: ApplyReport, io: Io): string {
  const { c } = io;
  const lines = [`Run ${report.runId}: ${c.green(`${report.counts.done ?? 0} done`)}, ${c.red(`${report.counts.failed ?? 0} failed`)}, ${c.yellow(`${report.counts.skipped ?? 0} skipped`)}`];
  for (const o of report.outcomes) {
    if (o.status === 'done') continue;
    lines.push(`  ${o.status === 'failed' ? c.red('✗') : c.yellow('↷')} ${o.op.action} ${o.op.target} person ${o.op.personId}${o.op.entitlement ? ` ${o.op.entitlement}` : ''}: ${o.error?.code ?? ''} ${o.error?.message ?? ''}`);
  }
  return lines.join('\n');
}

async function confirm(io: Io, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
    io.err('');
  }
}

interface ApplyValues { yes?: boolean; json?: boolean; at?: string; 'no-wait'?: boolean }

async function run(engine: Engine, io: Io, file: string | undefined, values: ApplyValues, lease: RunLease, approve: Approvals | undefined): Promise<number> {
  const saved = file ? readSaved(file) : undefined;
  const givenAt = parseAt(values.at);
  const at = saved && file ? instantFor(saved, file, givenAt) : givenAt;
  const prepared = await preparePlan(engine, {
    ...(at ? { at } : {}),
    ...(saved?.scope ? { onlyPersons: saved.scope } : {}),
    progress: (stage, d, t) => io.progress(stage, d, t),
  });
  io.progressDone();
  if (saved && saved.basis !== prepared.plan.basis) {
    await engine.audit.record({ actor: 'cli', event: 'plan.stale', payload: { file, basis: saved.basis, current: prepared.plan.basis } });
    throw new CadreError('PLAN_STALE', `plan ${file} is stale: Personio, the targets, the reservations or the config changed since it was computed. Run \`cadre plan --out ${file}\` again and review it.`, EXIT.usage);
  }
  if (saved) {
    // Same inputs, other operations: a lifecycle instant (day 1, end of the last day) passed since the plan was made.
    const now = new Set(prepared.plan.operations.map((o) => o.id));
    const differ = saved.operationIds.filter((id) => !now.has(id)).length + [...now].filter((id) => !saved.operationIds.includes(id)).length;
    if (differ > 0) {
      await engine.audit.record({ actor: 'cli', event: 'plan.stale', payload: { file, basis: saved.basis, at: saved.at, differ } });
      throw new CadreError('PLAN_STALE', `plan ${file} is stale: ${differ} operation(s) are different as of ${prepared.plan.at} than when it was computed for ${saved.at} (a hire or end date was reached). Run \`cadre plan --out ${file}\` again and review it.`, EXIT.usage);
    }
  }
  if (!saved && !values.json) io.out(formatPlan(prepared.plan, { color: io.color }));
  // A killed earlier run still has to be closed (and its pending notifications sent) even when nothing else changed.
  const interrupted = (await engine.store.journal.unfinishedRuns()).length;
  // Config errors (unknown groups / OUs): applyPrepared audits the refusal and exits 2, without asking first.
  const refused = (prepared.plan.blockers ?? []).length > 0;
  if (prepared.plan.operations.length === 0 && interrupted === 0 && !refused) {
    if (!values.json) io.out('Nothing to do.');
    else io.out(JSON.stringify({ runId: null, counts: {}, outcomes: [] }));
    return EXIT.ok;
  }
  if (prepared.plan.operations.length === 0) io.err(`Closing ${interrupted} interrupted run(s).`);
  else if (!saved && !values.yes && !refused) {
    const ok = await confirm(io, `\nApply these ${prepared.plan.operations.length} operations? Only 'yes' is accepted: `);
    if (!ok) {
      io.err('Apply cancelled (use --yes to apply without asking).');
      return EXIT.usage;
    }
  }
  const report = await applyPrepared(engine, prepared, {
    actor: process.env.USER ? `cli:${process.env.USER}` : 'cli',
    lease,
    ...(approve ? { approve } : {}),
    progress: (d, t) => io.progress('apply', d, t),
  });
  io.progressDone();
  if (values.json) io.out(JSON.stringify({ runId: report.runId, counts: report.counts, outcomes: report.outcomes.map((o) => ({ id: o.op.id, action: o.op.action, target: o.op.target, personId: o.op.personId, status: o.status, anchor: o.anchor, error: o.error })) }, null, 2));
  else io.out(reportText(report, io));
  return (report.counts.failed ?? 0) > 0 ? EXIT.failures : EXIT.ok;
}

/** The stderr line shown while another run holds the lease. */
export const waitingLine = (holder: LeaseHolder): string => `waiting for ${describeHolder(holder)} to finish…`;

export async function applyCommand(args: string[], io: Io): Promise<number> {
  const { rest, approve } = takeApprove(args);
  const { values, positionals } = parse(rest, { ...commonOptions, yes: { type: 'boolean', short: 'y' }, at: { type: 'string' }, 'no-wait': { type: 'boolean' } }, true);
  if (positionals.length > 1) throw new CadreError('USAGE', 'apply takes at most one plan file', EXIT.usage);
  parseAt(values.at);
  return withEngine(configPath(values.config), async (engine) => {
    const approvals = approvalsOf(approve, engine.config);
    // The lease is taken before planning: a plan computed while another run applies would be stale at once.
    return withRunLease(engine, { command: 'apply', wait: values['no-wait'] !== true, onWait: (h) => io.err(waitingLine(h)) },
      (lease) => run(engine, io, positionals[0], values, lease, approvals));
  });
}
