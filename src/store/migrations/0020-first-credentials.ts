import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

/**
 * `first_credentials`: a joiner's first credential (an initial password or an Entra Temporary Access Pass) waiting to
 * be shown once to the manager in the console. `ciphertext` is AES-256-GCM sealed by the engine (never plain text)
 * and is wiped ('') when the credential is viewed, expires or is superseded; `ended` says which, `viewed_by`/`viewed_at`
 * who saw it. Rows stay as the record of the delivery.
 */
export function firstCredentials(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('first_credentials').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('login', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ciphertext', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('ended', 'text')
        .addColumn('viewed_at', 'text')
        .addColumn('viewed_by', 'text')
        .execute();
      await db.schema.createIndex('first_credentials_person').ifNotExists().on('first_credentials').columns(['person_id']).execute();
      await db.schema.createIndex('first_credentials_open').ifNotExists().on('first_credentials').columns(['ended', 'expires_at']).execute();
    },
  };
}
