/**
 * Numbered migrations, provided in code (no file scanning, so bundling and tsx both work).
 * Never edit a released migration: add a new one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { StoreError } from '../errors.js';
import { initial } from './0001-initial.js';
import { auditAppendOnly } from './0002-audit-append-only.js';
import { locksHolds } from './0003-locks-holds.js';
import { identifierNamespace } from './0005-identifier-namespace.js';
import { runLease } from './0006-run-lease.js';
import { employmentPeriods } from './0008-employment-periods.js';
import { webConsole } from './0009-web-console.js';
import { overrides } from './0010-overrides.js';
import { auditIndexes } from './0011-audit-indexes.js';
import { requests } from './0014-requests.js';
import { reviews } from './0015-reviews.js';
import { sourceEvents } from './0016-source-events.js';
import { writeBacks } from './0018-write-backs.js';
import { reviewLifts } from './0023-review-lifts.js';
import { firstCredentials } from './0020-first-credentials.js';

/** SQL dialect of a store. */
export type StoreDialect = 'sqlite' | 'postgres';

/** All migrations by name; names sort in application order. */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-audit-append-only': auditAppendOnly(dialect),
    '0003-locks-holds': locksHolds(dialect),
    '0005-identifier-namespace': identifierNamespace(dialect),
    '0006-run-lease': runLease(dialect),
    '0008-employment-periods': employmentPeriods(dialect),
    '0009-web-console': webConsole(dialect),
    '0010-overrides': overrides(dialect),
    '0011-audit-indexes': auditIndexes(dialect),
    '0014-requests': requests(dialect),
    '0015-reviews': reviews(dialect),
    '0016-source-events': sourceEvents(dialect),
    '0018-write-backs': writeBacks(dialect),
    '0023-review-lifts': reviewLifts(dialect),
    '0020-first-credentials': firstCredentials(dialect),
  };
}

/** Apply every pending migration. Idempotent; safe to call from several processes (kysely's lock table). */
export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'cadre_migration',
    migrationLockTableName: 'cadre_migration_lock',
    // Migrations are independent of each other and land in any order (numbers are assigned per feature): a store that
    // already ran a later one still gets an earlier one that arrives afterwards, instead of refusing to open.
    allowUnorderedMigrations: true,
  });
  let { error, results } = await migrator.migrateToLatest();
  // kysely takes no cross-process migration lock on SQLite: when two processes migrate a fresh file at once, one may
  // trip over the other's bookkeeping row. The migrations are idempotent, so a retry converges.
  for (let attempt = 1; error !== undefined && dialect === 'sqlite' && attempt <= 3; attempt += 1) {
    await new Promise((r) => setTimeout(r, 100 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError('STORE_MIGRATION_FAILED', `migration ${failed} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
