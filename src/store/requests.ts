/** Catalogue requests repository (migration 0014). */
import { sql } from 'kysely';
import type { RequestStatus } from '../core/requests/policy.js';
import type { RepoContext } from './context.js';
import type { AccessRequestsTable } from './schema.js';
import type { AccessRequest, Delegation, RequestDecision, Store } from './types.js';

/** Advisory lock key serialising request numbering on PostgreSQL ('cadre-req'). */
const PG_REQUEST_NUMBER_LOCK = 0x63726571;

const requestOf = (r: AccessRequestsTable): AccessRequest => ({
  id: Number(r.id), item: r.item, personId: r.person_id, requester: r.requester, justification: r.justification,
  ...(r.end_date !== null ? { endDate: r.end_date } : {}), status: r.status as RequestStatus, stage: Number(r.stage),
  createdAt: r.created_at, ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
  ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}), ...(r.note !== null ? { note: r.note } : {}), reminded: Number(r.reminded) === 1,
});

/** Requests repository over a context. */
export function requestsRepo(ctx: RepoContext): Store['requests'] {
  return {
    add: (r) => ctx.atomic(async (db) => {
      // Request numbers are shown to people (#42), so they are dense: the next one is max + 1. Two PostgreSQL
      // transactions would read the same max; the lock (held to commit) serialises them. SQLite's write lock does it.
      if (ctx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_REQUEST_NUMBER_LOCK})`.execute(db);
      const max = await db.selectFrom('access_requests').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
      const id = Number(max?.m ?? 0) + 1;
      await db.insertInto('access_requests').values({
        id, item: r.item, person_id: r.personId, requester: r.requester, justification: r.justification, end_date: r.endDate ?? null,
        status: r.status, stage: r.stage, created_at: r.createdAt, decided_at: null, ended_at: null, note: null, reminded: 0,
      }).execute();
      return id;
    }),
    async get(id) {
      const row = await ctx.db.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? requestOf(row) : undefined;
    },
    async list(filter = {}) {
      let q = ctx.db.selectFrom('access_requests').selectAll();
      if (filter.personId !== undefined) q = q.where('person_id', '=', filter.personId);
      if (filter.requester !== undefined) q = q.where('requester', '=', filter.requester);
      if (filter.status !== undefined) q = q.where('status', 'in', [...filter.status]);
      return (await q.orderBy('id').execute()).map(requestOf);
    },
    update: (id, patch) => ctx.atomic(async (db) => {
      await db.updateTable('access_requests').set({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
        ...(patch.decidedAt !== undefined ? { decided_at: patch.decidedAt } : {}),
        ...(patch.endedAt !== undefined ? { ended_at: patch.endedAt } : {}),
        ...(patch.note !== undefined ? { note: patch.note } : {}),
        ...(patch.reminded !== undefined ? { reminded: patch.reminded ? 1 : 0 } : {}),
      }).where('id', '=', id).execute();
    }),
    addDecision: (d) => ctx.atomic(async (db) => {
      await db.insertInto('request_decisions').values({ request_id: d.requestId, stage: d.stage, approver: d.approver, decision: d.decision, comment: d.comment, at: d.at }).execute();
    }),
    async decisions(requestId) {
      return (await ctx.db.selectFrom('request_decisions').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('approver').execute())
        .map((r): RequestDecision => ({ requestId: Number(r.request_id), stage: Number(r.stage), approver: r.approver, decision: r.decision === 'reject' ? 'reject' : 'approve', comment: r.comment, at: r.at }));
    },
    addDelegation: (d) => ctx.atomic(async (db) => {
      await db.insertInto('request_delegations').values({ approver: d.approver, delegate: d.delegate, from_at: d.from, until_at: d.until }).execute();
    }),
    endDelegations: (approvers, delegate, at) => ctx.atomic(async (db) => {
      if (approvers.length === 0) return 0;
      const r = await db.updateTable('request_delegations').set({ until_at: at })
        .where('approver', 'in', [...approvers]).where('delegate', '=', delegate).where('until_at', '>', at).executeTakeFirst();
      return Number(r.numUpdatedRows);
    }),
    async delegations() {
      return (await ctx.db.selectFrom('request_delegations').selectAll().orderBy('approver').execute())
        .map((r): Delegation => ({ approver: r.approver, delegate: r.delegate, from: r.from_at, until: r.until_at }));
    },
  };
}
