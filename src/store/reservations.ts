/**
 * Identifier reservations. A value (NFC, lower case) belongs to one person across every kind (`identifier_values`);
 * each (kind, value) row references that owner, so the database refuses a second person whatever the kind.
 */
import type { Reservation } from '../core/model.js';
import type { RepoContext } from './context.js';
import { isUniqueViolation } from './errors.js';
import { ReservationConflictError, type Store } from './types.js';
import { nowIso } from './util.js';

/** The comparison key of an identifier: NFC, lower case. */
export const reservationKey = (value: string): string => value.normalize('NFC').toLowerCase();

const fromRow = (r: { kind: string; value: string; person_id: string; status: string }): Reservation => ({
  kind: r.kind,
  value: r.value,
  personId: r.person_id,
  status: r.status === 'alias' ? 'alias' : 'primary',
});

/** Reservations repository over a context. */
export function reservationsRepo(ctx: RepoContext): Store['reservations'] {
  const columns = ['kind', 'value', 'person_id', 'status'] as const;
  return {
    async all() {
      const rows = await ctx.db.selectFrom('reservations').select(columns).orderBy('kind').orderBy('value_key').execute();
      return rows.map(fromRow);
    },
    async byPerson(personId) {
      const rows = await ctx.db.selectFrom('reservations').select(columns)
        .where('person_id', '=', personId).orderBy('kind').orderBy('value_key').execute();
      return rows.map(fromRow);
    },
    async reserve(items) {
      try {
        await ctx.atomic(async (db) => {
          for (const item of items) {
            const key = reservationKey(item.value);
            const at = nowIso();
            // Insert-or-nothing first: a concurrent inserter of the same value makes this wait, then see its row.
            await db.insertInto('identifier_values').values({ value_key: key, person_id: item.personId, updated_at: at })
              .onConflict((oc) => oc.column('value_key').doNothing())
              .execute();
            const owner = await db.selectFrom('identifier_values').select('person_id').where('value_key', '=', key).executeTakeFirstOrThrow();
            if (owner.person_id !== item.personId) throw new ReservationConflictError(item.kind, item.value, owner.person_id);
            await db.insertInto('reservations')
              .values({ kind: item.kind, value: item.value, value_key: key, person_id: item.personId, status: item.status, updated_at: at })
              .onConflict((oc) => oc.columns(['kind', 'value_key']).doNothing())
              .execute();
            await db.updateTable('reservations').set({ status: item.status, value: item.value, updated_at: at })
              .where('kind', '=', item.kind).where('value_key', '=', key).execute();
          }
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Final guard: the unique index refused a duplicate that slipped past the check. Name the holder when the
        // (rolled back) transaction was ours; inside a caller's transaction PostgreSQL allows no further reads.
        if (!ctx.inTransaction) {
          for (const it of items) {
            const held = await ctx.db.selectFrom('identifier_values').select('person_id')
              .where('value_key', '=', reservationKey(it.value)).executeTakeFirst();
            if (held && held.person_id !== it.personId) throw new ReservationConflictError(it.kind, it.value, held.person_id);
          }
        }
        const first = items[0];
        throw new ReservationConflictError(first?.kind ?? 'identifier', first?.value ?? '', 'another person');
      }
    },
    async release(personId) {
      await ctx.atomic(async (db) => {
        await db.deleteFrom('reservations').where('person_id', '=', personId).execute();
        await db.deleteFrom('identifier_values').where('person_id', '=', personId).execute();
      });
    },
    async releaseValues(items) {
      await ctx.atomic(async (db) => {
        for (const it of items) {
          const key = reservationKey(it.value);
          await db.deleteFrom('reservations').where('kind', '=', it.kind).where('value_key', '=', key).where('person_id', '=', it.personId).execute();
          // The value itself stays the person's while another kind of theirs still holds it (upn == mail).
          const left = await db.selectFrom('reservations').select('kind').where('value_key', '=', key).executeTakeFirst();
          if (left === undefined) await db.deleteFrom('identifier_values').where('value_key', '=', key).where('person_id', '=', it.personId).execute();
        }
      });
    },
    async displaced() {
      const rows = await ctx.db.selectFrom('reservations_displaced').select(['kind', 'value', 'person_id', 'status', 'held_by'])
        .orderBy('value_key').orderBy('kind').execute();
      return rows.map((r) => ({ ...fromRow(r), heldBy: r.held_by }));
    },
  };
}
