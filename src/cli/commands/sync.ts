/** `cadre sync`: plan and apply in one go (what the daemon does on a full tick). */
import { formatPlan } from '../../core/index.js';
import { EXIT } from '../../engine/errors.js';
import { fullSync } from '../../engine/sync.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';
import { parseAt } from './plan.js';
import { reportText, waitingLine } from './apply.js';
import { approvalsOf, takeApprove } from '../approve.js';

export async function syncCommand(args: string[], io: Io): Promise<number> {
  const { rest, approve } = takeApprove(args);
  const { values } = parse(rest, { ...commonOptions, at: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, 'no-wait': { type: 'boolean' } });
  const at = parseAt(values.at);
  return withEngine(configPath(values.config), async (engine) => {
    const approvals = approvalsOf(approve, engine.config);
    const { prepared, report } = await fullSync(engine, {
      actor: 'cli:sync',
      ...(at ? { at } : {}),
      ...(approvals ? { approve: approvals } : {}),
      lease: { command: 'sync', wait: values['no-wait'] !== true, onWait: (h) => io.err(waitingLine(h)) },
      progress: (stage, d, t) => io.progress(stage, d, t),
    });
    io.progressDone();
    if (values.json) {
      io.out(JSON.stringify({ summary: prepared.plan.summary, errors: prepared.plan.errors, problems: prepared.plan.problems, reallocations: prepared.plan.reallocations ?? [], runId: report?.runId, counts: report?.counts }, null, 2));
    } else {
      if (!values.quiet) io.out(formatPlan(prepared.plan, { color: io.color }));
      if (report) io.out(reportText(report, io));
    }
    return (report?.counts.failed ?? 0) > 0 ? EXIT.failures : EXIT.ok;
  });
}
