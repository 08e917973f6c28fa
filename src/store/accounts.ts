/** Accounts repository: last known account state per target. */
import type { Kysely } from 'kysely';
import type { AccountState } from '../core/model.js';
import type { RepoContext } from './context.js';
import type { Database } from './schema.js';
import type { Store } from './types.js';
import { BATCH_ROWS, chunks, nowIso, parseJson } from './util.js';

const toRow = (s: AccountState, at: string) => ({
  target: s.target,
  anchor: s.anchor,
  person_id: s.personId ?? null,
  correlation: s.correlation ?? null,
  state: JSON.stringify(s),
  updated_at: at,
});

const fromRow = (r: { target: string; anchor: string; state: string }): AccountState =>
  parseJson<AccountState>(r.state, `accounts ${r.target}/${r.anchor}`);

async function upsertMany(db: Kysely<Database>, states: readonly AccountState[]): Promise<void> {
  const at = nowIso();
  for (const batch of chunks(states, BATCH_ROWS)) {
    const rows = [...new Map(batch.map((s) => [`${s.target}\u0000${s.anchor}`, toRow(s, at)])).values()];
    await db.insertInto('accounts').values(rows)
      .onConflict((oc) => oc.columns(['target', 'anchor']).doUpdateSet((eb) => ({
        person_id: eb.ref('excluded.person_id'),
        correlation: eb.ref('excluded.correlation'),
        state: eb.ref('excluded.state'),
        updated_at: eb.ref('excluded.updated_at'),
      })))
      .execute();
  }
}

/** Accounts repository over a context. */
export function accountsRepo(ctx: RepoContext): Store['accounts'] {
  return {
    async all(target) {
      let q = ctx.db.selectFrom('accounts').select(['target', 'anchor', 'state']);
      if (target !== undefined) q = q.where('target', '=', target);
      return (await q.orderBy('target').orderBy('anchor').execute()).map(fromRow);
    },
    async get(target, anchor) {
      const row = await ctx.db.selectFrom('accounts').select(['target', 'anchor', 'state'])
        .where('target', '=', target).where('anchor', '=', anchor).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async byPerson(personId) {
      const rows = await ctx.db.selectFrom('accounts').select(['target', 'anchor', 'state'])
        .where('person_id', '=', personId).orderBy('target').orderBy('anchor').execute();
      return rows.map(fromRow);
    },
    upsert: (state) => upsertMany(ctx.db, [state]),
    replaceTarget: (target, states) => ctx.atomic(async (db) => {
      const foreign = states.find((s) => s.target !== target);
      if (foreign) throw new Error(`replaceTarget(${target}) got an account of target ${foreign.target}`);
      await db.deleteFrom('accounts').where('target', '=', target).execute();
      await upsertMany(db, states);
    }),
    async remove(target, anchor) {
      await ctx.db.deleteFrom('accounts').where('target', '=', target).where('anchor', '=', anchor).execute();
    },
  };
}
