/** Employment periods repository: each person's record as last seen per hire date. */
import type { KnownPeriod } from '../core/periods.js';
import type { RepoContext } from './context.js';
import type { Store } from './types.js';
import { BATCH_ROWS, chunks, opt } from './util.js';

/** Periods repository over a context. */
export function periodsRepo(ctx: RepoContext): Store['periods'] {
  return {
    async all() {
      const rows = await ctx.db.selectFrom('employment_periods').selectAll().orderBy('person_id').orderBy('hire_date').execute();
      const out: Record<string, KnownPeriod[]> = {};
      for (const r of rows) {
        const t = opt(r.termination_date);
        const l = opt(r.last_working_day);
        const c = opt(r.contract_end_date);
        (out[r.person_id] ??= []).push({
          hireDate: r.hire_date, seenAt: r.seen_at,
          ...(t !== undefined ? { terminationDate: t } : {}), ...(l !== undefined ? { lastWorkingDay: l } : {}), ...(c !== undefined ? { contractEndDate: c } : {}),
        });
      }
      return out;
    },
    record: (items) => ctx.atomic(async (db) => {
      for (const batch of chunks(items, BATCH_ROWS)) {
        // One row per key per statement (PostgreSQL refuses ON CONFLICT hitting a row twice): the last one wins.
        const rows = [...new Map(batch.map(({ personId, period: p }) => [`${personId}\u0000${p.hireDate}`, {
          person_id: personId, hire_date: p.hireDate, seen_at: p.seenAt,
          termination_date: p.terminationDate ?? null, last_working_day: p.lastWorkingDay ?? null, contract_end_date: p.contractEndDate ?? null,
        }])).values()];
        await db.insertInto('employment_periods').values(rows)
          .onConflict((oc) => oc.columns(['person_id', 'hire_date']).doUpdateSet((eb) => ({
            seen_at: eb.ref('excluded.seen_at'),
            termination_date: eb.ref('excluded.termination_date'),
            last_working_day: eb.ref('excluded.last_working_day'),
            contract_end_date: eb.ref('excluded.contract_end_date'),
          })))
          .execute();
      }
    }),
  };
}
