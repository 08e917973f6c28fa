import type { Kysely } from 'kysely';
import type { StoreDialect } from './index.js';

interface Row {
  person_id: string;
  hire_date: string;
  termination_date: string | null;
  last_working_day: string | null;
  contract_end_date: string | null;
  seen_at: string;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * `employment_periods`: what Cadre remembers of each person's record per hire date (the end dates it had when last
 * seen), so an earlier period still counts after HR enters a rehire and clears the old end dates. Filled from the
 * stored snapshot, so an upgraded installation remembers the records it last saw.
 */
export function employmentPeriods(_dialect: StoreDialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('employment_periods').ifNotExists()
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('hire_date', 'text', (c) => c.notNull())
        .addColumn('termination_date', 'text')
        .addColumn('last_working_day', 'text')
        .addColumn('contract_end_date', 'text')
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('employment_periods_pk', ['person_id', 'hire_date'])
        .execute();
      const k = db as unknown as Kysely<{ persons: { id: string; data: string; updated_at: string }; employment_periods: Row }>;
      const existing = await k.selectFrom('employment_periods').select('person_id').limit(1).execute();
      if (existing.length > 0) return;
      const persons = await k.selectFrom('persons').select(['id', 'data', 'updated_at']).execute();
      const rows: Row[] = [];
      for (const p of persons) {
        let d: Record<string, unknown>;
        try {
          d = JSON.parse(p.data) as Record<string, unknown>;
        } catch {
          continue; // a corrupt row is reported where persons are read
        }
        const hire = text(d['hireDate']);
        if (hire === null) continue;
        rows.push({
          person_id: p.id, hire_date: hire, seen_at: p.updated_at,
          termination_date: text(d['terminationDate']), last_working_day: text(d['lastWorkingDay']), contract_end_date: text(d['contractEndDate']),
        });
      }
      for (let i = 0; i < rows.length; i += 500) await k.insertInto('employment_periods').values(rows.slice(i, i + 500)).execute();
    },
  };
}
