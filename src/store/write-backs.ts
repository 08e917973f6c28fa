/** Write-backs repository: the last value Cadre wrote per (person, Personio attribute) (migration 0018). */
import type { WriteBackRecord } from '../core/write-back.js';
import type { RepoContext } from './context.js';
import type { WriteBacksTable } from './schema.js';
import type { Store } from './types.js';

const fromRow = (r: WriteBacksTable): WriteBackRecord => ({ personId: r.person_id, attribute: r.attribute, value: r.value, writtenAt: r.written_at, runId: r.run_id });
/** Rows per statement (well below both dialects' bound-parameter limits). */
const CHUNK = 500;

/** Write-backs repository over a context. */
export function writeBacksRepo(ctx: RepoContext): Store['writeBacks'] {
  return {
    record: (items) => ctx.atomic(async (db) => {
      for (const w of items) {
        const row: WriteBacksTable = { person_id: w.personId, attribute: w.attribute, value: w.value, written_at: w.writtenAt, run_id: w.runId };
        await db.insertInto('write_backs').values(row)
          .onConflict((oc) => oc.columns(['person_id', 'attribute']).doUpdateSet({ value: row.value, written_at: row.written_at, run_id: row.run_id }))
          .execute();
      }
    }),
    async byPersons(personIds) {
      const out: WriteBackRecord[] = [];
      const ids = [...new Set(personIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await ctx.db.selectFrom('write_backs').selectAll().where('person_id', 'in', ids.slice(i, i + CHUNK))
          .orderBy('person_id').orderBy('attribute').execute();
        out.push(...rows.map(fromRow));
      }
      return out;
    },
  };
}
