/**
 * Kysely table interfaces. JSON columns are TEXT in both dialects (identical behaviour); instants are ISO-8601 UTC
 * strings, which sort correctly as text.
 */

/** `persons`: the last snapshot of HR records. */
export interface PersonsTable {
  id: string;
  /** JSON of {@link import('../core/model.js').Person}. */
  data: string;
  updated_at: string;
}

/** `accounts`: last known account state per target. */
export interface AccountsTable {
  target: string;
  anchor: string;
  person_id: string | null;
  correlation: string | null;
  /** JSON of {@link import('../core/model.js').AccountState}. */
  state: string;
  updated_at: string;
  /** Who disabled the account (migration 0003): instant, `cadre`/`observed`, Cadre's `create`/`disable`. */
  disabled_at: string | null;
  disabled_by: string | null;
  disabled_via: string | null;
}

/** `holds`: one per (person, target); target `*` holds every target of the person. */
export interface HoldsTable {
  person_id: string;
  target: string;
  reason: string;
  until_at: string | null;
  /** 0/1: also keep the account disabled (temporary disable). */
  disable: number;
  actor: string;
  created_at: string;
}

/** `access_requests` (migration 0014): catalogue requests, id shown as #42. */
export interface AccessRequestsTable {
  id: number;
  item: string;
  person_id: string;
  requester: string;
  justification: string;
  end_date: string | null;
  status: string;
  stage: number;
  created_at: string;
  decided_at: string | null;
  ended_at: string | null;
  note: string | null;
  reminded: number;
}

/** `request_decisions` (migration 0014). */
export interface RequestDecisionsTable {
  request_id: number;
  stage: number;
  approver: string;
  decision: string;
  comment: string;
  at: string;
}

/** `request_delegations` (migration 0014). */
export interface RequestDelegationsTable {
  approver: string;
  delegate: string;
  from_at: string;
  until_at: string;
}

/** `source_events` (migration 0016): webhook events queued before they are acknowledged. */
export interface SourceEventsTable {
  event_key: string;
  delivery_id: string | null;
  event_name: string;
  person_id: string | null;
  occurred_at: string;
  received_at: string;
  processed_at: string | null;
  attempts: number;
  last_error: string | null;
}

/** `write_backs` (migration 0018): the last value Cadre wrote per (person, Personio attribute). */
export interface WriteBacksTable {
  person_id: string;
  attribute: string;
  value: string | null;
  written_at: string;
  run_id: string;
}

/** `first_credentials` (migration 0020): a joiner's first credential, sealed, shown once, then wiped. */
export interface FirstCredentialsTable {
  id: string;
  person_id: string;
  target: string;
  login: string;
  kind: string;
  ciphertext: string;
  valid_from: string | null;
  expires_at: string;
  created_at: string;
  ended: string | null;
  viewed_at: string | null;
  viewed_by: string | null;
}

/** `overrides` (migration 0010): one per (person, target, attribute); entitlements as `entitlement:<name>`. */
export interface OverridesTable {
  person_id: string;
  target: string;
  attribute: string;
  /** JSON of the kept value. */
  value: string;
  actor: string;
  created_at: string;
  /** Last day (`YYYY-MM-DD`) or instant; null: until removed. */
  expires_at: string | null;
  reason: string;
}

/**
 * `reservations`: identifiers, unique per (kind, value_key = lower(value)); (value_key, person_id) references
 * `identifier_values`, so a value belongs to one person across all kinds.
 */
export interface ReservationsTable {
  kind: string;
  value: string;
  value_key: string;
  person_id: string;
  status: string;
  updated_at: string;
}

/** `identifier_values`: each identifier value once (any kind), with the one person who owns it. */
export interface IdentifierValuesTable {
  value_key: string;
  person_id: string;
  updated_at: string;
}

/** `reservations_displaced`: rows migration 0005 took from a person because another one held the value first. */
export interface ReservationsDisplacedTable {
  kind: string;
  value: string;
  value_key: string;
  person_id: string;
  status: string;
  held_by: string;
  displaced_at: string;
}

/** `journal`: one row per operation of a run. */
export interface JournalTable {
  run_id: string;
  op_id: string;
  /** Plan order within the run. */
  position: number;
  target: string;
  person_id: string;
  action: string;
  status: string;
  operation: string;
  attempts: number;
  error: string | null;
  anchor: string | null;
  updated_at: string;
}

/** `runs`: plan/apply/sync runs. */
export interface RunsTable {
  id: string;
  kind: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  plan_basis: string | null;
  summary: string | null;
}

/** `audit`: append-only, hash-chained. `seq` is bigint on PostgreSQL (returned as string by pg). */
export interface AuditTable {
  seq: number | string;
  at: string;
  actor: string;
  event: string;
  run_id: string | null;
  person_id: string | null;
  target: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** `meta`: small key/value settings. */
export interface MetaTable {
  key: string;
  value: string;
}

/** `employment_periods`: each person's record as last seen per hire date (earlier employment periods). */
export interface EmploymentPeriodsTable {
  person_id: string;
  hire_date: string;
  termination_date: string | null;
  last_working_day: string | null;
  contract_end_date: string | null;
  seen_at: string;
}

/** `run_lease`: the run that may write (one row, `name` = 'run'). Instants are ISO-8601 UTC. */
export interface RunLeaseTable {
  name: string;
  /** The run id of the holder. */
  holder: string;
  /** The command that holds it (`sync`, `apply`, `run`). */
  command: string;
  pid: number;
  host: string;
  started_at: string;
  heartbeat_at: string;
  expires_at: string;
  /** PostgreSQL backend pid of the session holding the advisory lock. */
  backend_pid: number | null;
}

/** The whole database. */
/** Migration 0015: access review campaigns. */
export interface ReviewCampaignsTable {
  id: string; template: string; name: string; started_by: string; started_at: string; deadline: string;
  status: string; default_decision: string; closed_at: string | null; closed_by: string | null;
}

/** Migration 0015: access review items. */
export interface ReviewItemsTable {
  campaign_id: string; seq: number; person_id: string; person_name: string; target: string; entitlement: string;
  reason_kind: string; reason_source: string; reason_text: string; department: string | null; position: string | null;
  last_granted_at: string | null; reviewer: string; decision: string | null; comment: string | null;
  decided_by: string | null; decided_at: string | null;
}

/** Migration 0023: lifted review exceptions. */
export interface ReviewLiftsTable {
  campaign_id: string; seq: number; lifted_by: string; lifted_at: string; reason: string;
}

export interface Database {
  persons: PersonsTable;
  accounts: AccountsTable;
  reservations: ReservationsTable;
  identifier_values: IdentifierValuesTable;
  reservations_displaced: ReservationsDisplacedTable;
  journal: JournalTable;
  runs: RunsTable;
  audit: AuditTable;
  meta: MetaTable;
  holds: HoldsTable;
  overrides: OverridesTable;
  source_events: SourceEventsTable;
  write_backs: WriteBacksTable;
  first_credentials: FirstCredentialsTable;
  access_requests: AccessRequestsTable;
  request_decisions: RequestDecisionsTable;
  request_delegations: RequestDelegationsTable;
  review_campaigns: ReviewCampaignsTable;
  review_items: ReviewItemsTable;
  review_lifts: ReviewLiftsTable;
  employment_periods: EmploymentPeriodsTable;
  run_lease: RunLeaseTable;
  web_users: WebUsersTable;
  web_sessions: WebSessionsTable;
}

/** `web_users`: local console users (migration 0009). */
export interface WebUsersTable {
  id: string;
  /** Lower case, unique. */
  username: string;
  display_name: string;
  role: string;
  person_id: string | null;
  /** argon2id PHC string; never a password. */
  password_hash: string;
  /** 0/1. */
  disabled: number;
  created_at: string;
  updated_at: string;
}

/** `web_sessions`: console sessions (migration 0009). */
export interface WebSessionsTable {
  sid: string;
  /** JSON of the session data. */
  data: string;
  expires_at: string;
}
