/** Persons repository: the last HR snapshot. */
import type { Person } from '../core/model.js';
import type { RepoContext } from './context.js';
import type { Store } from './types.js';
import { BATCH_ROWS, chunks, nowIso, parseJson } from './util.js';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const toRow = (p: Person, at: string) => ({ id: p.id, data: JSON.stringify(p), updated_at: at });

async function insertMany(db: Kysely<Database>, persons: readonly Person[], upsert: boolean): Promise<void> {
  const at = nowIso();
  for (const batch of chunks(persons, BATCH_ROWS)) {
    // A batch must not repeat a key (PostgreSQL refuses ON CONFLICT hitting one row twice): last one wins.
    const rows = [...new Map(batch.map((p) => [p.id, toRow(p, at)])).values()];
    const q = db.insertInto('persons').values(rows);
    await (upsert
      ? q.onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), updated_at: eb.ref('excluded.updated_at') })))
      : q
    ).execute();
  }
}

/** Persons repository over a context. */
export function personsRepo(ctx: RepoContext): Store['persons'] {
  return {
    replaceAll: (persons) => ctx.atomic(async (db) => {
      await db.deleteFrom('persons').execute();
      // Duplicates across batches are resolved by upsert (last one wins).
      await insertMany(db, persons, true);
    }),
    upsertMany: (persons) => ctx.atomic((db) => insertMany(db, persons, true)),
    async all() {
      const rows = await ctx.db.selectFrom('persons').select(['id', 'data']).orderBy('id').execute();
      return rows.map((r) => parseJson<Person>(r.data, `persons ${r.id}`));
    },
    async get(id) {
      const row = await ctx.db.selectFrom('persons').select('data').where('id', '=', id).executeTakeFirst();
      return row ? parseJson<Person>(row.data, `persons ${id}`) : undefined;
    },
    async count() {
      const row = await ctx.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
