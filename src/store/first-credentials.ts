/**
 * First credentials repository (migration 0020): a joiner's initial password or Temporary Access Pass, sealed by the
 * engine (`src/engine/credentials/`), held until the manager views it once, it expires, or a newer one replaces it.
 * The store never sees plain text; every way out of the waiting state wipes the ciphertext.
 */
import type { RepoContext } from './context.js';
import type { FirstCredentialsTable } from './schema.js';

/** A credential to keep (sealed). */
export interface NewFirstCredential {
  readonly id: string;
  readonly personId: string;
  readonly target: string;
  readonly login: string;
  readonly kind: 'password' | 'tap';
  /** The sealed value (never plain text). */
  readonly ciphertext: string;
  /** From when it can be used (a TAP's start), ISO 8601. */
  readonly validFrom?: string;
  /** When it is wiped unviewed, ISO 8601. */
  readonly expiresAt: string;
  readonly createdAt: string;
}

/** What the store tells about a credential (never the ciphertext). */
export interface FirstCredential extends Omit<NewFirstCredential, 'ciphertext'> {
  /** Why it is no longer waiting: viewed, expired, or superseded by a newer one. */
  readonly ended?: 'viewed' | 'expired' | 'superseded';
  readonly viewedAt?: string;
  readonly viewedBy?: string;
}

/** The repository. */
export interface FirstCredentialsRepo {
  /** Keep a new credential; an earlier waiting one of the same person, target and kind is wiped (superseded). */
  deposit(c: NewFirstCredential): Promise<readonly FirstCredential[]>;
  /** Every credential of a person, newest first (metadata only). */
  byPerson(personId: string): Promise<FirstCredential[]>;
  /** Credentials still waiting (not ended, not past `expiresAt` at `at`), newest first. */
  waiting(at: string): Promise<FirstCredential[]>;
  /** One by id (metadata only). */
  get(id: string): Promise<FirstCredential | undefined>;
  /**
   * Take the sealed value exactly once: wipes it and records who and when, atomically (compare-and-set, so two
   * concurrent views cannot both succeed). `undefined` when it was viewed, expired or replaced already.
   */
  take(id: string, by: string, at: string): Promise<{ credential: FirstCredential; ciphertext: string } | undefined>;
  /** Wipe every waiting credential past its `expiresAt`; returns those wiped. */
  expire(at: string): Promise<FirstCredential[]>;
}

const fromRow = (r: Omit<FirstCredentialsTable, 'ciphertext'>): FirstCredential => ({
  id: r.id, personId: r.person_id, target: r.target, login: r.login, kind: r.kind === 'tap' ? 'tap' : 'password',
  ...(r.valid_from !== null ? { validFrom: r.valid_from } : {}),
  expiresAt: r.expires_at, createdAt: r.created_at,
  ...(r.ended === 'viewed' || r.ended === 'expired' || r.ended === 'superseded' ? { ended: r.ended } : {}),
  ...(r.viewed_at !== null ? { viewedAt: r.viewed_at } : {}),
  ...(r.viewed_by !== null ? { viewedBy: r.viewed_by } : {}),
});

const META = ['id', 'person_id', 'target', 'login', 'kind', 'valid_from', 'expires_at', 'created_at', 'ended', 'viewed_at', 'viewed_by'] as const;

/** First credentials repository over a context. */
export function firstCredentialsRepo(ctx: RepoContext): FirstCredentialsRepo {
  return {
    deposit: (c) => ctx.atomic(async (db) => {
      const older = await db.selectFrom('first_credentials').select(META).where('person_id', '=', c.personId)
        .where('target', '=', c.target).where('kind', '=', c.kind).where('ended', 'is', null).execute();
      if (older.length > 0) {
        await db.updateTable('first_credentials').set({ ciphertext: '', ended: 'superseded' }).where('id', 'in', older.map((o) => o.id)).execute();
      }
      await db.insertInto('first_credentials').values({
        id: c.id, person_id: c.personId, target: c.target, login: c.login, kind: c.kind, ciphertext: c.ciphertext,
        valid_from: c.validFrom ?? null, expires_at: c.expiresAt, created_at: c.createdAt, ended: null, viewed_at: null, viewed_by: null,
      }).execute();
      return older.map((o) => fromRow({ ...o, ended: 'superseded' }));
    }),
    async byPerson(personId) {
      const rows = await ctx.db.selectFrom('first_credentials').select(META).where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(fromRow);
    },
    async waiting(at) {
      const rows = await ctx.db.selectFrom('first_credentials').select(META).where('ended', 'is', null).where('expires_at', '>', at)
        .orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(fromRow);
    },
    async get(id) {
      const r = await ctx.db.selectFrom('first_credentials').select(META).where('id', '=', id).executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    async take(id, by, at) {
      const r = await ctx.db.selectFrom('first_credentials').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r || r.ended !== null || r.ciphertext === '' || r.expires_at <= at) return undefined;
      // Only the caller whose update still finds the row waiting gets the value.
      const u = await ctx.db.updateTable('first_credentials').set({ ciphertext: '', ended: 'viewed', viewed_at: at, viewed_by: by })
        .where('id', '=', id).where('ended', 'is', null).executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) return undefined;
      return { credential: fromRow({ ...r, ended: 'viewed', viewed_at: at, viewed_by: by }), ciphertext: r.ciphertext };
    },
    expire: (at) => ctx.atomic(async (db) => {
      const rows = await db.selectFrom('first_credentials').select(META).where('ended', 'is', null).where('expires_at', '<=', at).execute();
      if (rows.length === 0) return [];
      await db.updateTable('first_credentials').set({ ciphertext: '', ended: 'expired' }).where('id', 'in', rows.map((r) => r.id)).where('ended', 'is', null).execute();
      return rows.map((r) => fromRow({ ...r, ended: 'expired' }));
    }),
  };
}
