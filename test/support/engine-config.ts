/** cadre.yaml text for engine tests: Personio (simulator) → one or more SQL-table targets. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Options for {@link engineConfig}. */
export interface EngineConfigOptions {
  dir: string;
  personioUrl: string;
  /** PostgreSQL URL for the store (default SQLite in dir). */
  storeUrl?: string;
  /** Target names (each a SQL table in its own SQLite file). */
  targets?: string[];
  thresholds?: string;
  extra?: string;
}

const sqlTarget = (name: string, dir: string) => `
  ${name}:
    type: sql
    options:
      driver: sqlite
      path: ${JSON.stringify(join(dir, `${name}.db`))}
      table: accounts
      key: id
      generateKey: true
      correlationColumn: employee_id
      enabledColumn: active
      containerColumn: location
      createTables: true
      columns: { username: username, mail: mail, displayName: display_name, department: department, title: title, aliases: mail_aliases, manager: manager }
      entitlements: { table: account_roles, accountColumn: account_id, entitlementColumn: role }
    attributes:
      username: "{{ id.username }}"
      mail: "{{ id.mail }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      department: "{{ department }}"
      title: "{{ position }}"
      aliases: "{{ join(aliases.mail, ',') }}"
      manager: "{{ supervisorId ? ref(supervisorId) : null }}"
    identifiers: { username: [username], mail: [mail] }
    placement:
      by: office
      map: { Berlin: berlin, "München": munich, Hamburg: hamburg }
      default: other`;

/** Build the YAML. */
export function engineConfig(o: EngineConfigOptions): string {
  const store = o.storeUrl ? `store: { driver: postgres, url: ${JSON.stringify(o.storeUrl)} }` : `store: { driver: sqlite, path: ${JSON.stringify(join(o.dir, 'cadre.db'))} }`;
  const targets = o.targets ?? ['erp'];
  return `source:
  type: personio
  baseUrl: ${JSON.stringify(o.personioUrl)}
  clientId: test-client
  clientSecret: test-secret
${store}
identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}", "{first:2}{last}", "{first:3}{last}", "{f}{last}{n}"]
    maxLength: 20
  mail:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate
lifecycle: { preHireDays: 14, retentionDays: 30, leave: keep, timezone: Europe/Berlin }
targets:${targets.map((t) => sqlTarget(t, o.dir)).join('')}
entitlements:
  - name: all-staff
    grant: { ${targets.map((t) => `${t}: ["role:staff"]`).join(', ')} }
  - name: finance
    when: { department: Finance }
    grant: { ${targets.map((t) => `${t}: ["role:finance"]`).join(', ')} }
  - name: sales
    when: { department: Sales }
    grant: { ${targets.map((t) => `${t}: ["role:sales"]`).join(', ')} }
${o.thresholds ?? 'thresholds: { default: { count: 1000, percent: 20 } }'}
executor: { retries: 2, concurrency: 4 }
${o.extra ?? ''}
`;
}

/** Write cadre.yaml into dir and return its path. */
export function writeEngineConfig(o: EngineConfigOptions): string {
  const file = join(o.dir, 'cadre.yaml');
  writeFileSync(file, engineConfig(o));
  return file;
}
