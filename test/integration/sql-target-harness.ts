/**
 * Shared pieces of the SQL target integration tests: the test target's configuration and its samples.
 * The raw-backend `inspect` lives in each test file (better-sqlite3 / pg, never through the connector).
 */
import { targetGuard } from '../../src/config/schema.js';
import type { TargetConfig } from '../../src/config/schema.js';
import type { AttrValue } from '../../src/core/model.js';
import type { ConformanceSample } from '../../src/targets/conformance/index.js';
import type { TargetDeps } from '../../src/targets/contract.js';

/** Attribute name → column, as the test target maps them (`title` uses its own name). */
export const COLUMN_OF: Readonly<Record<string, string>> = { username: 'login', displayName: 'display_name', mail: 'email', title: 'title', manager: 'manager_key' };

/** The phone-directory style table the tests use. */
export function sqlTargetConfig(options: Record<string, unknown>): TargetConfig {
  return targetGuard.parse({
    type: 'sql',
    options: {
      table: 'directory_accounts',
      correlationColumn: 'person_id',
      enabledColumn: 'active',
      containerColumn: 'department',
      columns: { username: 'login', displayName: 'display_name', mail: 'email', manager: 'manager_key' },
      entitlements: { table: 'directory_roles', accountColumn: 'account_id', entitlementColumn: 'role' },
      createTables: true,
      pageSize: 25,
      ...options,
    },
    attributes: { username: '{{ id.username }}', displayName: '{{ firstName }} {{ lastName }}', mail: '{{ id.mail }}', title: '{{ position }}', manager: '{{ ref(supervisorId) }}' },
    identifiers: { username: ['username'], mail: ['mail'] },
    managedEntitlements: ['erp:*'],
  });
}

/** Sample person i; `updated` changes display name and title, `renamed` changes username, mail and display name. */
export function sqlSample(i: number, variant?: 'renamed' | 'updated'): ConformanceSample {
  const user = variant === 'renamed' ? `renamed${i}` : `user${i}`;
  const attributes: Record<string, AttrValue> = {
    username: user,
    displayName: variant === 'updated' ? `Erika Müller-${i}` : variant === 'renamed' ? `Erika Renamed-${i}` : `Erika Beispiel-${i}`,
    mail: `${user}@example.test`,
    title: variant === 'updated' ? 'Head of Sales' : "Sales O'Rep; DROP TABLE directory_accounts; --",
  };
  return { personId: String(100_000 + i), attributes, container: 'Sales', altContainer: 'Finance', entitlements: ['erp:sales', 'erp:finance'] };
}

/** A silent logger that remembers what was logged (to check no secrets leak). */
export function memoryLog(): TargetDeps['log'] & { lines: string[] } {
  const lines: string[] = [];
  const rec = (obj: object, msg?: string): void => { lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`); };
  return { lines, info: rec, warn: rec, error: rec, debug: rec };
}

/** Raw row → inspected attributes by attribute name. */
export function attributesOfRow(row: Record<string, unknown>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [attr, col] of Object.entries(COLUMN_OF)) {
    const v = row[col];
    out[attr] = v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
  }
  return out;
}
