/**
 * The commented example cadre.yaml that `cadre init` writes (a new user learns the whole config
 * from it) and the demo config `cadre demo` runs. Both validate with zero problems (example.test.ts).
 */
import { FORMS_EXAMPLE } from './example-forms.js';
import { REVIEWS_EXAMPLE } from './example-reviews.js';
import { TARGETS_EXAMPLE } from './example-targets.js';
import { q, type ConfigTextOptions } from './yaml-text.js';

export { demoConfig, type DemoOptions } from './demo.js';

/**
 * Options for {@link exampleConfig} (defaults: the public Personio API, store `.cadre/cadre.db`, table file
 * `.cadre/phonebook.db`, schema `./schema/cadre.schema.json`).
 */
export type ExampleOptions = ConfigTextOptions;


/** A fully commented example cadre.yaml. */
export function exampleConfig(opts: ExampleOptions = {}): string {
  const personioUrl = opts.personioUrl ?? 'https://api.personio.de';
  const storePath = opts.storePath ?? '.cadre/cadre.db';
  const sqlPath = opts.sqlPath ?? '.cadre/phonebook.db';
  const schemaPath = opts.schemaPath ?? './schema/cadre.schema.json';
  return `# yaml-language-server: $schema=${schemaPath}
#
# cadre.yaml — what Cadre should do with your people.
#
# Personio is the source of truth. For every person, the rules below compute what they should have in each
# target (accounts, attributes, groups, roles, licences). \`cadre plan\` shows the difference to what the targets
# hold; \`cadre apply\` carries it out, journalled and audited. Nothing here is applied until you say so.
#
#   cadre validate          check this file (every problem, with its line)
#   cadre plan              what would change now (add --at 2025-07-01 to look at another day)
#   cadre explain <id>      why a person gets what they get
#   cadre apply             carry out a reviewed plan
#
# Secrets are never written here: \`env:NAME\` reads an environment variable, \`file:/path\` reads a file
# (trimmed; relative paths are relative to this file). Relative paths in this file are relative to this file.
# Templates: "{{ expression }}" — person fields (firstName, lastName, preferredName, department, office,
# position, team, subcompany, employmentType, hireDate, supervisorId, custom.<alias>…), identifiers
# (id.username, id.mail, id.upn), \`a ?? b\` (first non-empty), and functions such as lower(), upper(),
# ascii(), left(s, n), replace(s, a, b), join(list, sep), coalesce(…), ref(personId) (that person's account).

version: 1

organisation:
  name: Example GmbH
  domain: example.com

# ── Source: Personio (API v1 credentials: Settings → Integrations → API credentials) ───────────────────────
source:
  type: personio
  baseUrl: ${q(personioUrl)}
  clientId: env:PERSONIO_CLIENT_ID
  clientSecret: env:PERSONIO_CLIENT_SECRET
  # partnerId: example-partner          # X-Personio-Partner-ID header, if Personio gave you one
  # appId: cadre                        # X-Personio-App-ID header
  pageSize: 100                         # employees per request (Personio allows at most 100)
  maxRetries: 4                         # retries for 429/5xx and network errors, with back-off
  timeoutMs: 30000
  # Custom attributes, by the alias you use in rules → Personio attribute id (see GET /company/employees).
  customAttributes: {}
  #   phone: dynamic_123456
  #   costCentreCode: dynamic_234567
  # Personio webhooks instead of polling (API v2 only; see the README's "Personio webhooks"):
  # apiVersion: v2
  # webhooks:
  #   enabled: true
  #   token: env:PERSONIO_WEBHOOK_TOKEN   # the token given to \`cadre personio webhooks register\`
  #   path: /webhooks/personio
  #   listen: { host: 127.0.0.1, port: 8090 }   # cadre run's listener; cadre serve without it uses the console port
  #   # tls: { cert: /etc/cadre/tls.crt, key: /etc/cadre/tls.key }   # or terminate TLS at a reverse proxy

# ── Store: Cadre's own state (identifier reservations, known accounts, journal, audit log) ─────────────────
store:
  driver: sqlite
  path: ${q(storePath)}
# store:
#   driver: postgres
#   url: env:CADRE_DATABASE_URL          # postgres://cadre:…@db.example.com:5432/cadre
#   poolSize: 10

# ── Identifiers: allocated once per person, unique across the store AND every live target ──────────────────
# Patterns are tried in order until one is free. Placeholders: {first} {last} {preferred} {f} {l}
# {first:N} {last:N} (first N letters), {n} (2, 3, … up to maxNumber) and other identifiers ({username}).
# Names are transliterated (Müller → mueller, Łukasz → lukasz) and reduced to a-z 0-9 . _ -.
identifiers:
  username:
    patterns: ["{first}.{last}", "{f}{last}", "{first:2}{last}", "{first:3}{last}", "{f}{last}{n}"]
    maxLength: 20            # sAMAccountName allows 20 characters
    onNameChange: keep       # a login never changes once given out
    maxNumber: 99
  mail:
    patterns: ["{first}.{last}@example.com", "{f}.{last}@example.com", "{first}.{last}{n}@example.com"]
    maxLength: 64
    onNameChange: regenerate # follows a name change (marriage); the old address stays reserved as an alias
  upn:
    patterns: ["{username}@example.com"]
    onNameChange: keep

# ── Lifecycle: when accounts appear, are disabled and are deleted ──────────────────────────────────────────
lifecycle:
  preHireDays: 14            # create the (disabled) accounts 14 days before the hire date; enable on day 1
  disableAt: earliest        # access closes at the end of the earliest end date (last working day / termination / contract end);
                             # or name one: lastWorkingDay, terminationDate, contractEnd (unset → earliest of the others)
  retentionDays: 90          # delete accounts 90 days after the LATEST end date
  leave: keep                # people on leave keep their access; "disable" disables them for the leave
  timezone: Europe/Berlin    # "day 1" and "the end of the last day" are computed in this zone
  missingIsLeaver: true      # someone deleted in Personio is handled like a leaver (never deleted at once)
  # offboarding:             # extra steps when a leaver's accounts are disabled, each planned and audited (README: Offboarding steps)
  #   - step: removeGroups    # every managed group
  #   - step: notify
  #     to: [manager, it-desk@example.com]
  #   - step: delete          # the delayed delete after retentionDays: always last

# ── Targets: where accounts live ───────────────────────────────────────────────────────────────────────────
targets:
  # A table in an SQL database (SQLite or PostgreSQL): a phone book, an ERP user table, a legacy app.
  phonebook:
    type: sql
    enabled: true
    options:
      driver: sqlite
      path: ${q(sqlPath)}
      # driver: postgres
      # url: env:PHONEBOOK_DATABASE_URL
      table: people
      key: id                          # primary key; becomes the account's anchor
      generateKey: true                # Cadre generates a UUID for new rows
      correlationColumn: employee_id   # holds the Personio id: existing rows are adopted, not duplicated
      enabledColumn: active
      containerColumn: location        # filled from placement (below)
      columns:                         # attribute (below) → column; unlisted attributes use their own name
        username: login
        mail: email
        displayName: display_name
        givenName: first_name
        surname: last_name
        title: job_title
        manager: manager_id
        startDate: start_date
      entitlements:                    # one row per (account, entitlement)
        table: people_entitlements
        accountColumn: person_id
        entitlementColumn: entitlement
      createTables: true               # create missing tables (leave false for a schema you do not own)
    # Which identifiers this target uses, and in which of its attributes a value must be free.
    identifiers:
      username: [username]
      mail: [mail]
    attributes:
      username: "{{ id.username }}"
      mail: "{{ id.mail }}"
      displayName: "{{ preferredName ?? firstName }} {{ lastName }}"
      givenName: "{{ preferredName ?? firstName }}"
      surname: "{{ lastName }}"
      department: "{{ department }}"
      title: "{{ position }}"
      manager: "{{ ref(supervisorId) }}"   # the manager's row key in this table
      startDate: "{{ hireDate }}"
    placement:
      by: office
      map:
        Berlin: BER
        München: MUC
        Hamburg: HAM
      default: HQ
      rules:
        - when: { employmentType: external }
          container: EXTERNAL
    # Only entitlements matching these are ever revoked; anything else found in the table is left alone.
    managedEntitlements: ["role:*", "group:*"]
    # Every grant of these needs \`--approve\`, however few: the plan is blocked (exit 3) until someone approves it.
    privilegedEntitlements: ["role:it-admin"]
    # Accounts Cadre never touches, even when they carry someone's id (globs, case-insensitive): by \`dn\`, \`upn\`
    # or \`memberOf\` (a group or entitlement the account holds). Listed in the plan and in \`cadre explain\`.
    exclude:
      - memberOf: "role:break-glass"
        reason: emergency access, managed by hand
    password: false
    leaver:
      removeEntitlements: true         # revoke managed entitlements when the account is disabled
      moveToDisabled: false

${TARGETS_EXAMPLE}

# ── Entitlements: who gets which group, role or licence (each grant records the rule, for \`cadre explain\`) ──
# \`when\` keys are person fields; values: a value (case-insensitive equality), a list (any of), null (empty),
# { in: […], notIn: […], matches: "regex", exists: true, not: value }, or any: [ … ] (OR), expr: "expression".
# All keys of one \`when\` must hold. An empty \`when\` matches everybody.
entitlements:
  - name: all-staff
    description: Everybody employed by us (not contractors).
    when: { employmentType: internal }
    grant:
      phonebook: [group:all-staff]
      # ad: ["CN=GG-All-Staff,OU=Groups,DC=example,DC=com"]
      # entra: [group:all-staff, licence:ENTERPRISEPACK]
      # scim: [app-users]
  - name: finance
    when: { department: Finance }
    grant:
      phonebook: [role:finance]
  - name: people-managers
    description: Team leads and managers approve leave and expenses.
    when: { position: { matches: "(manager|lead|head)" } }
    grant:
      phonebook: [role:approver]
  - name: it-admins
    when:
      any:
        - { department: IT, position: [System Administrator, Network Engineer] }
        - { position: { matches: "^identity" } }
    grant:
      phonebook: [role:it-admin]
  - name: office-berlin
    when: { office: Berlin }
    grant:
      phonebook: [group:office-berlin]

# ── Thresholds: a plan with more destructive changes than this is blocked as a whole until approved ────────
thresholds:
  default: { count: 25, percent: 10 }  # enable, disable, delete, revoke, move, rename without their own limit
  adopt: { count: 10, percent: 10 }    # taking over existing accounts: a first sync is reviewed, then --approve
  actions:
    delete: { count: 5 }
  targets:
    phonebook:
      disable: { count: 50, percent: 20 }

# ── Notifications (e-mail) ──────────────────────────────────────────────────────────────────────────────────
notifications:
  # smtp:
  #   host: smtp.example.com
  #   port: 587                       # STARTTLS, required: a server that does not offer it gets no mail
  #   secure: false                   # true for implicit TLS (port 465)
  #   # allowPlain: true              # only for a relay on this host: lets mails go out unencrypted
  #   user: env:SMTP_USER
  #   pass: env:SMTP_PASSWORD
  #   from: "Cadre <cadre@example.com>"
  # Mails are in the recipient's Personio language (language_code de/en), else in this one.
  defaultLanguage: en
  # How a joiner's manager gets the first password; the joiner mail itself never carries it.
  #   console: shown once in the web console · tap: Entra Temporary Access Pass from day 1
  #   mail-separate: a mail of its own to the manager, sent on the start date (never before)
  passwordDelivery: console
  # Recipients per event: manager (the person's supervisor), person (the person), or fixed addresses.
  events:
    joiner: [manager]
    leaver: [manager, it-ops@example.com]
    # mover: [manager]
    blocked: [it-ops@example.com]
    failure: [it-ops@example.com]
  # digest:                           # once a day: joiners, movers, leavers, failures, blocks of the last 24 h
  #   to: [it-ops@example.com]
  #   at: "07:00"                     # local time in lifecycle.timezone

# ── Write-back: identifiers back into Personio, only where they differ (email: only with source.apiVersion v2) ──
writeBack:
  enabled: false
  attributes: {}
  #   dynamic_345678: "{{ id.username }}"
  #   dynamic_456789: "{{ id.upn }}"

# ── Schedule for \`cadre run\` / \`cadre serve\` ────────────────────────────────────────────────────────────────
schedule:
  every: 30s                 # poll for changed people (with webhooks: no polling, only lifecycle dates, holds, grants)
  fullSyncEvery: 1h          # the full sync is the safety net for changes no event reports

executor:
  retries: 3                 # retries of transient target errors, with back-off
  concurrency: 4             # operations in flight per target

# ── Web console (\`cadre serve\`) ───────────────────────────────────────────────────────────────────────────
web:
  port: 8080
  host: 127.0.0.1            # put a TLS-terminating reverse proxy in front for other machines
  publicUrl: http://localhost:8080   # the URL users open; cookies are secure when it is https
  sessionSecret: env:CADRE_SESSION_SECRET   # >= 32 characters (openssl rand -base64 48); needed by cadre serve only
  idleTimeout: 30m           # a session unused this long ends
  absoluteTimeout: 12h       # and every session ends this long after sign-in
  signInRateLimit: { max: 5, window: 1m }   # sign-in attempts per client address
  # oidc:                    # sign-in through the company's identity provider (Entra ID, Keycloak, …)
  #   issuer: https://idp.example.com/realms/acme
  #   clientId: cadre
  #   clientSecret: env:CADRE_OIDC_SECRET
  #   scopes: [openid, profile, email]
  #   rolesClaim: groups       # claim holding groups or roles
  #   roleMap: { admin: [Cadre-Admins], helpdesk: [Helpdesk], manager: [Managers], auditor: [Audit] }
  #   personClaim: email       # links a manager to their Personio person

${REVIEWS_EXAMPLE}
${FORMS_EXAMPLE}`;
}
