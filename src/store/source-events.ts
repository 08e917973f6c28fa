/** Source events repository: the durable queue of Personio webhook events (migration 0016). */
import type { RepoContext } from './context.js';
import type { SourceEventsTable } from './schema.js';
import type { SourceEvent, Store } from './types.js';

const fromRow = (r: SourceEventsTable): SourceEvent => ({
  key: r.event_key,
  ...(r.delivery_id !== null ? { deliveryId: r.delivery_id } : {}),
  eventName: r.event_name,
  ...(r.person_id !== null ? { personId: r.person_id } : {}),
  occurredAt: r.occurred_at,
  receivedAt: r.received_at,
  ...(r.processed_at !== null ? { processedAt: r.processed_at } : {}),
  attempts: Number(r.attempts),
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
});

/** Source events repository over a context. */
export function sourceEventsRepo(ctx: RepoContext): Store['sourceEvents'] {
  return {
    async enqueue(e) {
      const r = await ctx.db.insertInto('source_events').values({
        event_key: e.key, delivery_id: e.deliveryId ?? null, event_name: e.eventName, person_id: e.personId ?? null,
        occurred_at: e.occurredAt, received_at: e.receivedAt, processed_at: null, attempts: 0, last_error: null,
      }).onConflict((oc) => oc.column('event_key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async pending(limit) {
      const rows = await ctx.db.selectFrom('source_events').selectAll().where('processed_at', 'is', null)
        .orderBy('occurred_at').orderBy('event_key').limit(limit).execute();
      return rows.map(fromRow);
    },
    async markProcessed(keys, at) {
      if (keys.length === 0) return;
      await ctx.db.updateTable('source_events').set({ processed_at: at, last_error: null }).where('event_key', 'in', [...keys]).execute();
    },
    async abandon(keys, at) {
      if (keys.length === 0) return;
      await ctx.db.updateTable('source_events').set({ processed_at: at }).where('event_key', 'in', [...keys]).execute();
    },
    async purgeProcessed(before) {
      const r = await ctx.db.deleteFrom('source_events').where('processed_at', 'is not', null).where('processed_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async markFailed(key, error) {
      await ctx.db.updateTable('source_events').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) })).where('event_key', '=', key).execute();
    },
  };
}
