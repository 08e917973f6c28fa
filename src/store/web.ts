/** Console repositories: local users and sessions (migration 0009). */
import { isRole } from '../core/roles.js';
import type { RepoContext } from './context.js';
import { isUniqueViolation, StoreError } from './errors.js';
import type { WebUsersTable } from './schema.js';
import type { Store, WebUser } from './types.js';

function fromRow(r: WebUsersTable): WebUser {
  if (!isRole(r.role)) throw new StoreError('STORE_INVALID_DATA', `web_users ${r.id}: unknown role "${r.role}"`);
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    ...(r.person_id !== null ? { personId: r.person_id } : {}),
    passwordHash: r.password_hash,
    disabled: Number(r.disabled) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Local users over a context. */
export function usersRepo(ctx: RepoContext): Store['users'] {
  const get = async (id: string): Promise<WebUser | undefined> => {
    const row = await ctx.db.selectFrom('web_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  };
  return {
    async add(user) {
      try {
        await ctx.db.insertInto('web_users').values({
          id: user.id, username: user.username.toLowerCase(), display_name: user.displayName, role: user.role,
          person_id: user.personId ?? null, password_hash: user.passwordHash, disabled: user.disabled ? 1 : 0,
          created_at: user.createdAt, updated_at: user.updatedAt,
        }).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoreError('STORE_DUPLICATE', `a user named "${user.username.toLowerCase()}" exists already`, { cause: err });
        throw err;
      }
    },
    get,
    async byUsername(username) {
      const row = await ctx.db.selectFrom('web_users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async list() {
      return (await ctx.db.selectFrom('web_users').selectAll().orderBy('username').execute()).map(fromRow);
    },
    async update(id, patch, at) {
      const set: Partial<WebUsersTable> = { updated_at: at };
      if (patch.displayName !== undefined) set.display_name = patch.displayName;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
      if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
      if (patch.personId !== undefined) set.person_id = patch.personId;
      const res = await ctx.db.updateTable('web_users').set(set).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0 ? get(id) : undefined;
    },
    remove: (id) => ctx.atomic(async (db) => {
      const row = await db.selectFrom('web_users').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) await db.deleteFrom('web_users').where('id', '=', id).execute();
      return row ? fromRow(row) : undefined;
    }),
  };
}

/** Sessions over a context. */
export function sessionsRepo(ctx: RepoContext): Store['sessions'] {
  return {
    async get(sid, now) {
      const row = await ctx.db.selectFrom('web_sessions').select(['data', 'expires_at']).where('sid', '=', sid).executeTakeFirst();
      if (!row || row.expires_at <= now) return undefined;
      return { data: row.data, expiresAt: row.expires_at };
    },
    async set(sid, record) {
      await ctx.db.insertInto('web_sessions').values({ sid, data: record.data, expires_at: record.expiresAt })
        .onConflict((oc) => oc.column('sid').doUpdateSet({ data: record.data, expires_at: record.expiresAt }))
        .execute();
    },
    async destroy(sid) {
      await ctx.db.deleteFrom('web_sessions').where('sid', '=', sid).execute();
    },
    async purgeExpired(now) {
      const res = await ctx.db.deleteFrom('web_sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
