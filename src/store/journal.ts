/** Operation journal: pending before sending, done/failed after; lets a crashed apply resume. */
import { operationFromJson } from '../core/operation-json.js';
import type { RepoContext } from './context.js';
import { StoreError } from './errors.js';
import type { JournalEntry, JournalStatus, Store } from './types.js';
import { BATCH_ROWS, chunks, nowIso, opt, parseJson } from './util.js';

/** Longest error text kept per operation. */
const MAX_ERROR = 4000;

const STATUSES: readonly JournalStatus[] = ['pending', 'done', 'failed', 'skipped'];
const toStatus = (s: string): JournalStatus => (STATUSES as readonly string[]).includes(s) ? s as JournalStatus : 'failed';

/** Journal repository over a context. */
export function journalRepo(ctx: RepoContext): Store['journal'] {
  return {
    add: (runId, ops) => ctx.atomic(async (db) => {
      if (ops.length === 0) return;
      const last = await db.selectFrom('journal').select((eb) => eb.fn.max('position').as('p'))
        .where('run_id', '=', runId).executeTakeFirst();
      const base = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
      const at = nowIso();
      const seen = new Set<string>();
      const rows = ops.filter((op) => !seen.has(op.id) && seen.add(op.id)).map((op, i) => ({
        run_id: runId,
        op_id: op.id,
        position: base + i,
        target: op.target,
        person_id: op.personId,
        action: op.action,
        status: 'pending',
        operation: JSON.stringify(op),
        attempts: 0,
        error: null,
        anchor: op.anchor ?? null,
        updated_at: at,
      }));
      for (const batch of chunks(rows, BATCH_ROWS)) {
        await db.insertInto('journal').values(batch)
          .onConflict((oc) => oc.columns(['run_id', 'op_id']).doNothing()).execute();
      }
    }),

    async mark(runId, opId, status, info) {
      // attempts counts sends that reached a result (done or failed), so a retried op shows how often it went out.
      const counts = status === 'done' || status === 'failed';
      const res = await ctx.db.updateTable('journal')
        .set((eb) => ({
          status,
          attempts: counts ? eb('attempts', '+', 1) : eb.ref('attempts'),
          error: status === 'done' ? null : info?.error === undefined ? eb.ref('error') : info.error.slice(0, MAX_ERROR),
          anchor: info?.anchor === undefined ? eb.ref('anchor') : info.anchor,
          updated_at: nowIso(),
        }))
        .where('run_id', '=', runId).where('op_id', '=', opId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        throw new StoreError('STORE_UNKNOWN_OPERATION', `journal has no operation ${opId} in run ${runId}`);
      }
    },

    async entries(runId) {
      const rows = await ctx.db.selectFrom('journal').selectAll().where('run_id', '=', runId)
        .orderBy('position').orderBy('op_id').execute();
      return rows.map((r): JournalEntry => {
        const error = opt(r.error);
        const anchor = opt(r.anchor);
        return {
          runId: r.run_id,
          opId: r.op_id,
          target: r.target,
          personId: r.person_id,
          action: r.action,
          status: toStatus(r.status),
          // Rows journaled before the typed operations carry a `data` bag: read into the current shape.
          operation: operationFromJson(parseJson<unknown>(r.operation, `journal ${r.run_id}/${r.op_id}`)),
          attempts: Number(r.attempts),
          ...(error === undefined ? {} : { error }),
          ...(anchor === undefined ? {} : { anchor }),
          updatedAt: r.updated_at,
        };
      });
    },

    async failedCreates(codes) {
      if (codes.length === 0) return [];
      const rows = await ctx.db.selectFrom('journal').select(['person_id', 'target']).distinct()
        .where('status', '=', 'failed').where('action', '=', 'create')
        .where((eb) => eb.or(codes.map((c) => eb('error', 'like', `${c}:%`))))
        .execute();
      return rows.map((r) => ({ personId: r.person_id, target: r.target }));
    },

    async interruptedCreates() {
      const rows = await ctx.db.selectFrom('journal').select(['target', 'person_id']).distinct()
        .where('action', '=', 'create')
        .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'skipped'), eb('error', 'like', 'interrupted%')])]))
        .orderBy('target').orderBy('person_id').execute();
      return rows.map((r) => ({ target: r.target, personId: r.person_id }));
    },

    async unfinishedRuns() {
      const pending = await ctx.db.selectFrom('journal').select('run_id').distinct().where('status', '=', 'pending').execute();
      const running = await ctx.db.selectFrom('runs').select('id').where('status', '=', 'running').execute();
      const ids = new Set([...pending.map((r) => r.run_id), ...running.map((r) => r.id)]);
      if (ids.size === 0) return [];
      // Oldest first, so a resume handles runs in the order they started.
      const started = await ctx.db.selectFrom('runs').select(['id', 'started_at']).where('id', 'in', [...ids]).execute();
      const at = new Map(started.map((r) => [r.id, r.started_at]));
      return [...ids].sort((a, b) => (at.get(a) ?? '').localeCompare(at.get(b) ?? '') || a.localeCompare(b));
    },
  };
}
