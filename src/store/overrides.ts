/** Overrides repository: helpdesk edits and form groups the planner keeps over the rules' values. */
import type { Kysely } from 'kysely';
import type { AttrValue } from '../core/model.js';
import type { Override } from '../core/overrides.js';
import type { RepoContext } from './context.js';
import type { Database, OverridesTable } from './schema.js';
import type { Store } from './types.js';

const fromRow = (r: OverridesTable): Override => ({
  personId: r.person_id,
  target: r.target,
  attribute: r.attribute,
  value: JSON.parse(r.value) as AttrValue,
  actor: r.actor,
  createdAt: r.created_at,
  ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
  reason: r.reason,
});

/** Overrides repository over a context. */
export function overridesRepo(ctx: RepoContext): Store['overrides'] {
  const get = async (db: Kysely<Database>, personId: string, target: string, attribute: string): Promise<Override | undefined> => {
    const row = await db.selectFrom('overrides').selectAll().where('person_id', '=', personId).where('target', '=', target).where('attribute', '=', attribute).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  };
  return {
    async all() {
      return (await ctx.db.selectFrom('overrides').selectAll().orderBy('person_id').orderBy('target').orderBy('attribute').execute()).map(fromRow);
    },
    async byPerson(personId) {
      return (await ctx.db.selectFrom('overrides').selectAll().where('person_id', '=', personId).orderBy('target').orderBy('attribute').execute()).map(fromRow);
    },
    put: (o) => ctx.atomic(async (db) => {
      const before = await get(db, o.personId, o.target, o.attribute);
      const row: OverridesTable = {
        person_id: o.personId, target: o.target, attribute: o.attribute, value: JSON.stringify(o.value),
        actor: o.actor, created_at: o.createdAt, expires_at: o.expiresAt ?? null, reason: o.reason,
      };
      await db.insertInto('overrides').values(row)
        .onConflict((oc) => oc.columns(['person_id', 'target', 'attribute']).doUpdateSet({
          value: row.value, actor: row.actor, created_at: row.created_at, expires_at: row.expires_at, reason: row.reason,
        }))
        .execute();
      return before;
    }),
    remove: (personId, target, attribute) => ctx.atomic(async (db) => {
      const before = await get(db, personId, target, attribute);
      if (before) await db.deleteFrom('overrides').where('person_id', '=', personId).where('target', '=', target).where('attribute', '=', attribute).execute();
      return before;
    }),
  };
}
