/**
 * The `cadre demo` config: Personio simulator, SQLite store, three SQL-table targets.
 */
import { q, type ConfigTextOptions } from './yaml-text.js';

/** Options for {@link demoConfig} (defaults: store `.cadre/demo/cadre.db`, tables `.cadre/demo/targets.db`). */
export type DemoOptions = ConfigTextOptions;

/**
 * The `cadre demo` config: a Personio simulator, a SQLite store, and three SQL-table targets (ERP, CRM,
 * phone directory) with different column mappings and entitlement rules, so joiners, movers and leavers
 * show up differently in each.
 */
export function demoConfig(opts: DemoOptions = {}): string {
  const personioUrl = opts.personioUrl ?? 'http://127.0.0.1:8080';
  const storePath = opts.storePath ?? '.cadre/demo/cadre.db';
  const sqlPath = q(opts.sqlPath ?? '.cadre/demo/targets.db');
  const header = opts.schemaPath ? `# yaml-language-server: $schema=${opts.schemaPath}\n` : '';
  return `${header}# Cadre demo: a generated company in the Personio simulator, three SQL-table targets in SQLite.
# Look at the tables with: sqlite3 ${sqlPath} 'select * from erp_employees limit 5'
version: 1
organisation:
  name: Beispiel GmbH
  domain: beispiel.example

source:
  type: personio
  baseUrl: ${q(personioUrl)}
  clientId: cadre-demo
  clientSecret: cadre-demo-secret
  customAttributes:
    phone: dynamic_1001
    birthName: dynamic_1002

store:
  driver: sqlite
  path: ${q(storePath)}

identifiers:
  username:
    patterns: ["{f}{last}", "{first:2}{last}", "{first:3}{last}", "{f}{last}{n}"]
    maxLength: 20
    onNameChange: keep
  mail:
    patterns: ["{first}.{last}@beispiel.example", "{f}.{last}@beispiel.example", "{first}.{last}{n}@beispiel.example"]
    onNameChange: regenerate

lifecycle:
  preHireDays: 14
  retentionDays: 30
  leave: disable
  timezone: Europe/Berlin
  missingIsLeaver: true

targets:
  # ERP: one row per employee, legal entity as container, roles in a separate table.
  erp:
    type: sql
    options:
      driver: sqlite
      path: ${sqlPath}
      table: erp_employees
      key: emp_key
      generateKey: true
      correlationColumn: personio_id
      enabledColumn: active
      containerColumn: company_code
      columns:
        username: login
        fullName: full_name
        costCentre: cost_centre
        manager: manager_key
        entryDate: entry_date
        exitDate: exit_date
      entitlements: { table: erp_roles, accountColumn: emp_key, entitlementColumn: role }
      createTables: true
    identifiers:
      username: [username]
    attributes:
      username: "{{ upper(id.username) }}"
      fullName: "{{ lastName }}, {{ preferredName ?? firstName }}"
      costCentre: "{{ first(costCenters) }}"
      department: "{{ department }}"
      manager: "{{ ref(supervisorId) }}"
      entryDate: "{{ hireDate }}"
      exitDate: "{{ endDate }}"
    placement:
      by: subcompany
      map:
        Beispiel GmbH: DE01
        Beispiel Austria GmbH: AT01
        Beispiel Schweiz AG: CH01
      default: DE01
    managedEntitlements: ["role:*"]
    leaver: { removeEntitlements: true }

  # CRM: users with licences by department, sales region as container.
  crm:
    type: sql
    options:
      driver: sqlite
      path: ${sqlPath}
      table: crm_users
      key: user_id
      generateKey: true
      correlationColumn: hr_id
      enabledColumn: is_active
      containerColumn: region
      columns:
        mail: email_address
        displayName: name
        title: job_title
      entitlements: { table: crm_licences, accountColumn: user_id, entitlementColumn: licence }
      createTables: true
    identifiers:
      mail: [mail]
    attributes:
      mail: "{{ id.mail }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      title: "{{ position }}"
      team: "{{ team }}"
    placement:
      by: office
      map:
        Berlin: DE-North
        Hamburg: DE-North
        München: DE-South
        Köln: DE-West
        Frankfurt am Main: DE-West
        Wien: AT
        Graz: AT
        Zürich: CH
        Basel: CH
      default: DE-North
    managedEntitlements: ["licence:*", "role:*"]
    leaver: { removeEntitlements: true }

  # Phone directory: everybody, office as site code, pickup groups per office.
  phone:
    type: sql
    options:
      driver: sqlite
      path: ${sqlPath}
      table: directory
      key: entry_id
      generateKey: true
      correlationColumn: employee_no
      enabledColumn: listed
      containerColumn: site
      columns:
        displayName: display_name
        phone: extension
        mail: email
      entitlements: { table: directory_groups, accountColumn: entry_id, entitlementColumn: group_name }
      createTables: true
    attributes:
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      phone: "{{ custom.phone }}"
      mail: "{{ id.mail }}"
      department: "{{ department }}"
    placement:
      by: office
      map:
        Berlin: BER
        München: MUC
        Hamburg: HAM
        Köln: CGN
        Frankfurt am Main: FRA
        Wien: VIE
        Graz: GRZ
        Zürich: ZRH
        Basel: BSL
      default: Remote
    managedEntitlements: ["group:*"]
    leaver: { removeEntitlements: false }

entitlements:
  - name: internal-staff
    when: { employmentType: internal }
    grant: { erp: [role:self-service], phone: [group:all-staff] }
  - name: erp-finance
    when: { department: Finance }
    grant: { erp: [role:accounting, role:payments-viewer] }
  - name: erp-hr
    when: { department: HR }
    grant: { erp: [role:hr-admin] }
  - name: erp-approvers
    when: { position: { matches: "(manager|lead|head|vp|chief)" } }
    grant: { erp: [role:approver], crm: [role:reports] }
  - name: crm-sales
    when: { department: Sales }
    grant: { crm: [licence:sales-cloud, role:account-owner] }
  - name: crm-support
    when: { department: Customer Support }
    grant: { crm: [licence:service-cloud] }
  - name: crm-marketing
    when: { department: Marketing }
    grant: { crm: [licence:marketing-cloud] }
  - name: phone-pickup-berlin
    when: { office: Berlin }
    grant: { phone: [group:pickup-berlin] }
  - name: phone-pickup-munich
    when: { office: München }
    grant: { phone: [group:pickup-muenchen] }
  - name: phone-pickup-vienna
    when: { office: Wien }
    grant: { phone: [group:pickup-wien] }

thresholds:
  default: { count: 50, percent: 25 }

notifications:
  events: {}

schedule:
  every: 30s
  fullSyncEvery: 1h
`;
}
