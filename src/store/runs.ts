/** Runs of plan/apply/sync. */
import type { RepoContext } from './context.js';
import type { RunRecord, Store } from './types.js';
import { nowIso, parseJson } from './util.js';
import type { RunsTable } from './schema.js';

const KINDS: readonly RunRecord['kind'][] = ['plan', 'apply', 'sync', 'incremental'];
const STATUSES: readonly RunRecord['status'][] = ['running', 'ok', 'failed', 'blocked', 'refused'];

function fromRow(r: RunsTable): RunRecord {
  const kind = KINDS.find((k) => k === r.kind) ?? 'sync';
  const status = STATUSES.find((s) => s === r.status) ?? 'failed';
  return {
    id: r.id,
    kind,
    status,
    startedAt: r.started_at,
    ...(r.finished_at === null ? {} : { finishedAt: r.finished_at }),
    ...(r.plan_basis === null ? {} : { planBasis: r.plan_basis }),
    ...(r.summary === null ? {} : { summary: parseJson<Record<string, number>>(r.summary, `runs ${r.id}`) }),
  };
}

/** Runs repository over a context. */
export function runsRepo(ctx: RepoContext): Store['runs'] {
  const get = async (id: string): Promise<RunRecord | undefined> => {
    const row = await ctx.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  };
  return {
    async start(run) {
      const row: RunsTable = {
        id: run.id,
        kind: run.kind,
        status: 'running',
        started_at: run.startedAt ?? nowIso(),
        finished_at: null,
        plan_basis: run.planBasis ?? null,
        summary: run.summary === undefined ? null : JSON.stringify(run.summary),
      };
      await ctx.db.insertInto('runs').values(row).execute();
      return fromRow(row);
    },
    async finish(id, status, summary) {
      const res = await ctx.db.updateTable('runs')
        .set((eb) => ({
          status,
          finished_at: nowIso(),
          summary: summary === undefined ? eb.ref('summary') : JSON.stringify(summary),
        }))
        .where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new Error(`unknown run ${id}`);
    },
    get,
    async recent(limit) {
      const rows = await ctx.db.selectFrom('runs').selectAll()
        .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(Math.max(0, Math.floor(limit))).execute();
      return rows.map(fromRow);
    },
  };
}
