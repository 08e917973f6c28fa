/** Holds repository: human decisions that stop operations for a person or one account, except disables. */
import type { Hold } from '../core/model.js';
import type { Kysely } from 'kysely';
import type { RepoContext } from './context.js';
import type { Database, HoldsTable } from './schema.js';
import type { Store } from './types.js';

/** Stored target of a hold on every target of a person. */
const ALL = '*';

const fromRow = (r: HoldsTable): Hold => ({
  personId: r.person_id,
  ...(r.target !== ALL ? { target: r.target } : {}),
  reason: r.reason,
  actor: r.actor,
  createdAt: r.created_at,
  ...(r.until_at !== null ? { until: r.until_at } : {}),
  ...(Number(r.disable) === 1 ? { disable: true } : {}),
});

/** Holds repository over a context. */
export function holdsRepo(ctx: RepoContext): Store['holds'] {
  const get = async (db: Kysely<Database>, personId: string, target: string): Promise<Hold | undefined> => {
    const row = await db.selectFrom('holds').selectAll().where('person_id', '=', personId).where('target', '=', target).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  };
  return {
    async all() {
      return (await ctx.db.selectFrom('holds').selectAll().orderBy('person_id').orderBy('target').execute()).map(fromRow);
    },
    async byPerson(personId) {
      return (await ctx.db.selectFrom('holds').selectAll().where('person_id', '=', personId).orderBy('target').execute()).map(fromRow);
    },
    put: (hold) => ctx.atomic(async (db) => {
      const target = hold.target ?? ALL;
      const before = await get(db, hold.personId, target);
      const row = {
        person_id: hold.personId, target, reason: hold.reason, until_at: hold.until ?? null,
        disable: hold.disable === true ? 1 : 0, actor: hold.actor, created_at: hold.createdAt,
      };
      await db.insertInto('holds').values(row)
        .onConflict((oc) => oc.columns(['person_id', 'target']).doUpdateSet({
          reason: row.reason, until_at: row.until_at, disable: row.disable, actor: row.actor, created_at: row.created_at,
        }))
        .execute();
      return before;
    }),
    remove: (personId, target) => ctx.atomic(async (db) => {
      const before = await get(db, personId, target ?? ALL);
      if (before) await db.deleteFrom('holds').where('person_id', '=', personId).where('target', '=', target ?? ALL).execute();
      return before;
    }),
  };
}
