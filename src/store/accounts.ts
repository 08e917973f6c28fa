/** Accounts repository: last known account state per target. */
import type { Kysely } from 'kysely';
import type { AccountState, DisableRecord } from '../core/model.js';
import type { RepoContext } from './context.js';
import type { Database } from './schema.js';
import type { DisableChange, Store } from './types.js';
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

type DisabledRow = { target: string; anchor: string; disabled_at: string | null; disabled_by: string | null; disabled_via: string | null };

const disabledFromRow = (r: DisabledRow): DisableRecord => ({
  target: r.target,
  anchor: r.anchor,
  at: r.disabled_at ?? '',
  by: r.disabled_by === 'cadre' ? 'cadre' : 'observed',
  ...(r.disabled_via === 'create' || r.disabled_via === 'disable' ? { via: r.disabled_via } : {}),
});

async function writeDisabled(db: Kysely<Database>, items: readonly DisableChange[]): Promise<void> {
  for (const it of items) {
    const set = 'clear' in it
      ? { disabled_at: null, disabled_by: null, disabled_via: null }
      : { disabled_at: it.at, disabled_by: it.by, disabled_via: it.via ?? null };
    await db.updateTable('accounts').set(set).where('target', '=', it.target).where('anchor', '=', it.anchor).execute();
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
      // Who disabled an account is the store's own knowledge (no listing has it): keep it for accounts that remain.
      const kept = await db.selectFrom('accounts').select(['target', 'anchor', 'disabled_at', 'disabled_by', 'disabled_via'])
        .where('target', '=', target).where('disabled_at', 'is not', null).execute();
      await db.deleteFrom('accounts').where('target', '=', target).execute();
      await upsertMany(db, states);
      const anchors = new Set(states.map((s) => s.anchor));
      await writeDisabled(db, kept.filter((r) => anchors.has(r.anchor)).map(disabledFromRow));
    }),
    async remove(target, anchor) {
      await ctx.db.deleteFrom('accounts').where('target', '=', target).where('anchor', '=', anchor).execute();
    },
    async disabled(target) {
      let q = ctx.db.selectFrom('accounts').select(['target', 'anchor', 'disabled_at', 'disabled_by', 'disabled_via'])
        .where('disabled_at', 'is not', null);
      if (target !== undefined) q = q.where('target', '=', target);
      return (await q.orderBy('target').orderBy('anchor').execute()).map(disabledFromRow);
    },
    setDisabled: (items) => ctx.atomic((db) => writeDisabled(db, items)),
  };
}
