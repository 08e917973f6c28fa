import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

const MESSAGE = 'audit log is append-only';

/**
 * Triggers that reject UPDATE and DELETE on `audit` (and TRUNCATE on PostgreSQL). Tampering from outside Cadre
 * (dropping the triggers, editing the file) is what `audit verify` detects.
 */
export function auditAppendOnly(dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'sqlite') {
        await sql.raw(`CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`).execute(db);
        await sql.raw(`CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
          BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`).execute(db);
        return;
      }
      await sql.raw(`CREATE OR REPLACE FUNCTION cadre_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$`).execute(db);
      await sql.raw('DROP TRIGGER IF EXISTS audit_no_update ON audit').execute(db);
      await sql.raw('DROP TRIGGER IF EXISTS audit_no_delete ON audit').execute(db);
      await sql.raw('DROP TRIGGER IF EXISTS audit_no_truncate ON audit').execute(db);
      await sql.raw(`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        FOR EACH ROW EXECUTE FUNCTION cadre_audit_append_only()`).execute(db);
      await sql.raw(`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION cadre_audit_append_only()`).execute(db);
      await sql.raw(`CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION cadre_audit_append_only()`).execute(db);
    },
  };
}
