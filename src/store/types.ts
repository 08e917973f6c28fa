/**
 * Store contract used by the engine. One implementation (kysely) serves SQLite and PostgreSQL.
 */
import type { AccountState, DisableRecord, Hold, Operation, Person, Reservation } from '../core/model.js';
import type { Override } from '../core/overrides.js';
import type { WriteBackRecord } from '../core/write-back.js';
import type { RequestStatus } from '../core/requests/policy.js';
import type { FirstCredentialsRepo } from './first-credentials.js';

export type { FirstCredential, FirstCredentialsRepo, NewFirstCredential } from './first-credentials.js';

/** A catalogue request (#id). */
export interface AccessRequest {
  readonly id: number;
  readonly item: string;
  readonly personId: string;
  /** Principal id of who asked. */
  readonly requester: string;
  readonly justification: string;
  /** Last day (`YYYY-MM-DD`, inclusive) of the grant; absent: open-ended. */
  readonly endDate?: string;
  readonly status: RequestStatus;
  /** Index of the approval stage it waits for (pending) or reached. */
  readonly stage: number;
  readonly createdAt: string;
  readonly decidedAt?: string;
  /** When an approved grant ended (revoked / expired). */
  readonly endedAt?: string;
  /** Why it ended or was refused. */
  readonly note?: string;
  /** The "expires in 7 days" mail went out. */
  readonly reminded: boolean;
}

/** One approver's decision on a request stage. */
export interface RequestDecision {
  readonly requestId: number;
  readonly stage: number;
  readonly approver: string;
  readonly decision: 'approve' | 'reject';
  readonly comment: string;
  readonly at: string;
}

/** An approver lets a delegate decide in their place between two instants. */
export interface Delegation { readonly approver: string; readonly delegate: string; readonly from: string; readonly until: string }
import type { KnownPeriod } from '../core/periods.js';
import type { Role } from '../core/roles.js';
import type { ReviewCampaign, ReviewDecision, ReviewItem } from '../core/reviews/model.js';

/** Journal status of one operation within a run. */
export type JournalStatus = 'pending' | 'done' | 'failed' | 'skipped';

/** One journal row. */
export interface JournalEntry {
  readonly runId: string;
  readonly opId: string;
  readonly target: string;
  readonly personId: string;
  readonly action: string;
  readonly status: JournalStatus;
  /** The operation as JSON (no secrets). */
  readonly operation: Operation;
  readonly attempts: number;
  readonly error?: string;
  /** Result anchor (e.g. the created account's id). */
  readonly anchor?: string;
  readonly updatedAt: string;
}

/** A run of plan/apply/sync. */
export interface RunRecord {
  readonly id: string;
  readonly kind: 'plan' | 'apply' | 'sync' | 'incremental';
  readonly status: 'running' | 'ok' | 'failed' | 'blocked' | 'refused';
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Plan id/basis this run applies. */
  readonly planBasis?: string;
  readonly summary?: Readonly<Record<string, number>>;
}

/** A stored audit entry (hash-chained). */
export interface AuditRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly event: string;
  readonly runId?: string;
  readonly personId?: string;
  readonly target?: string;
  /** JSON text of the payload (before/after/reason). Never contains secrets. */
  readonly payload: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Which audit entries a query returns. Every field narrows; `since` inclusive, `until` exclusive (ISO instants or
 * dates, compared as text like the stored `at`).
 */
export interface AuditFilter {
  readonly personId?: string;
  /** Exact actor (`web:alice`), or a prefix ending in `*` (`web:*`). */
  readonly actor?: string;
  /** An event name, matching it and every event below it (`apply` matches `apply` and `apply.operation.done`). */
  readonly event?: string;
  readonly target?: string;
  readonly since?: string;
  readonly until?: string;
}

/** One page of an audit query, in `seq` order. */
export interface AuditPageRequest {
  /** Rows to return (at least 1). */
  readonly limit: number;
  /** `desc` (newest first, the default) or `asc`. */
  readonly order?: 'asc' | 'desc';
  /** Keyset cursor: only rows after this seq in the chosen order (below it for `desc`, above it for `asc`). */
  readonly afterSeq?: number;
}

/** Who holds the run lease (diagnostics for "waiting for run X…"). */
export interface LeaseHolder {
  /** The holder's run id. */
  readonly holder: string;
  /** The command holding it: `sync`, `apply`, `run`. */
  readonly command: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly expiresAt: string;
}

/** A request for the run lease. */
export interface LeaseClaim {
  readonly holder: string;
  readonly command: string;
  /** A holder that has not renewed for this long counts as dead. */
  readonly timeoutMs: number;
}

/** A held run lease. */
export interface LeaseSession {
  /**
   * Renew the heartbeat. False when the lease is no longer ours (it expired and another run took it, or the
   * PostgreSQL session holding the advisory lock was lost).
   */
  renew(): Promise<boolean>;
  /** Give the lease up (idempotent). */
  release(): Promise<void>;
}

/** Result of one attempt to take the lease. */
export type LeaseAttempt =
  | { readonly acquired: true; readonly session: LeaseSession; readonly tookOver?: LeaseHolder }
  | { readonly acquired: false; readonly current?: LeaseHolder };

/** Thrown when a reservation value is already held by another person. */
export class ReservationConflictError extends Error {
  readonly code = 'RESERVATION_CONFLICT';
  constructor(readonly kind: string, readonly value: string, readonly heldBy: string) {
    super(`identifier ${kind}=${value} is already reserved by person ${heldBy}`);
  }
}

/** A disable to record, or (`clear`) the end of one: the account is enabled again. */
export type DisableChange = DisableRecord | { readonly target: string; readonly anchor: string; readonly clear: true };

/** A local console user (`cadre users add`). */
export interface WebUser {
  readonly id: string;
  /** Lower case; unique. */
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** Links a manager to their Personio person. */
  readonly personId?: string;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What `users.update` may change. */
export type WebUserPatch = Partial<Pick<WebUser, 'displayName' | 'role' | 'passwordHash' | 'disabled'>> & { readonly personId?: string | null };

/** A stored console session. */
export interface WebSessionRecord {
  /** JSON text of the session. */
  readonly data: string;
  readonly expiresAt: string;
}

/** Persistent state of Cadre. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Last snapshot of persons. */
  persons: {
    replaceAll(persons: readonly Person[]): Promise<void>;
    upsertMany(persons: readonly Person[]): Promise<void>;
    all(): Promise<Person[]>;
    get(id: string): Promise<Person | undefined>;
    count(): Promise<number>;
  };

  /**
   * Each person's record as last seen per hire date: the earlier employment periods a rehire leaves behind, kept
   * when HR clears the old end dates.
   */
  periods: {
    /** Everything remembered, by person id. */
    all(): Promise<Record<string, KnownPeriod[]>>;
    /** Remember records (insert or replace by person and hire date). */
    record(items: readonly { readonly personId: string; readonly period: KnownPeriod }[]): Promise<void>;
  };

  /** Last known account state per target, linked to persons. */
  accounts: {
    all(target?: string): Promise<AccountState[]>;
    get(target: string, anchor: string): Promise<AccountState | undefined>;
    byPerson(personId: string): Promise<AccountState[]>;
    upsert(state: AccountState): Promise<void>;
    /** Replace every known account of a target with a fresh listing (reconciliation). */
    replaceTarget(target: string, states: readonly AccountState[]): Promise<void>;
    remove(target: string, anchor: string): Promise<void>;
    /** Every remembered disable (who disabled which account, and when). Kept by `upsert` and `replaceTarget`. */
    disabled(target?: string): Promise<DisableRecord[]>;
    /** Record disables (a stored account's row only), or clear them (`null`: the account is enabled again). */
    setDisabled(items: readonly DisableChange[]): Promise<void>;
  };

  /** Holds: at most one per person and target (`target` absent: the whole person). */
  holds: {
    all(): Promise<Hold[]>;
    byPerson(personId: string): Promise<Hold[]>;
    /** Insert or replace the hold of (person, target); returns the one it replaced. */
    put(hold: Hold): Promise<Hold | undefined>;
    /** Remove the hold of (person, target); returns it, or `undefined` when there was none. */
    remove(personId: string, target?: string): Promise<Hold | undefined>;
  };

  /** Webhook events from the source, queued durably before they are acknowledged (drained in `occurredAt` order). */
  sourceEvents: {
    /** Queue an event; false when an event with this key is queued already (a repeated delivery). */
    enqueue(event: Omit<SourceEvent, 'attempts' | 'processedAt' | 'lastError'>): Promise<boolean>;
    /** Unprocessed events, oldest `occurredAt` first. */
    pending(limit: number): Promise<SourceEvent[]>;
    markProcessed(keys: readonly string[], at: string): Promise<void>;
    /** Count a failed attempt (the event stays pending). */
    markFailed(key: string, error: string): Promise<void>;
    /** Stop retrying: the events count as processed at `at` and keep their last error. */
    abandon(keys: readonly string[], at: string): Promise<void>;
    /** Delete events processed before `before` (their keys no longer de-duplicate); returns how many. */
    purgeProcessed(before: string): Promise<number>;
  };

  /** Values Cadre wrote back to Personio: the last one per (person, attribute), to recognise their echo. */
  writeBacks: {
    /** Remember writes (insert or replace per person and attribute). */
    record(items: readonly WriteBackRecord[]): Promise<void>;
    /** The remembered writes of these persons. */
    byPersons(personIds: readonly string[]): Promise<WriteBackRecord[]>;
  };

  /** First credentials of joiners, sealed by the engine, shown once in the console (migration 0020; first-credentials.ts). */
  credentials: FirstCredentialsRepo;

  /** Overrides: at most one per person, target and attribute (`entitlement:<name>` for entitlements). */
  overrides: {
    all(): Promise<Override[]>;
    byPerson(personId: string): Promise<Override[]>;
    /** Insert or replace the override of (person, target, attribute); returns the one it replaced. */
    put(override: Override): Promise<Override | undefined>;
    /** Remove the override of (person, target, attribute); returns it, or `undefined` when there was none. */
    remove(personId: string, target: string, attribute: string): Promise<Override | undefined>;
  };

  /** Identifier reservations: a value (lower case) belongs to one person across every kind. */
  reservations: {
    all(): Promise<Reservation[]>;
    byPerson(personId: string): Promise<Reservation[]>;
    /** Insert or confirm; throws {@link ReservationConflictError} when held by someone else. */
    reserve(items: readonly Reservation[]): Promise<void>;
    /** Release every reservation of a person (after deletion + retention). */
    release(personId: string): Promise<void>;
    /** Release single values of a person (a reservation someone else took in a target before it was used). */
    releaseValues(items: readonly Pick<Reservation, 'kind' | 'value' | 'personId'>[]): Promise<void>;
    /** Reservations migration 0005 took from a person because another one held the same value under another kind. */
    displaced(): Promise<(Reservation & { readonly heldBy: string })[]>;
  };

  /** Operation journal. */
  journal: {
    /** Record ops as pending (idempotent on (runId, opId)). */
    add(runId: string, ops: readonly Operation[]): Promise<void>;
    mark(runId: string, opId: string, status: JournalStatus, info?: { error?: string; anchor?: string }): Promise<void>;
    entries(runId: string): Promise<JournalEntry[]>;
    /** Runs with pending operations (an interrupted apply). */
    unfinishedRuns(): Promise<string[]>;
    /** Person and target of every create that failed with one of these error codes (in any run). */
    failedCreates(codes: readonly string[]): Promise<{ personId: string; target: string }[]>;
    /**
     * (target, person) of every create a killed run left open (still pending, or closed as interrupted): whether it
     * reached the target is unknown, so an account found for it is most likely Cadre's own.
     */
    interruptedCreates(): Promise<{ target: string; personId: string }[]>;
  };

  runs: {
    start(run: Omit<RunRecord, 'status' | 'startedAt'> & { startedAt?: string }): Promise<RunRecord>;
    finish(id: string, status: RunRecord['status'], summary?: Readonly<Record<string, number>>): Promise<void>;
    get(id: string): Promise<RunRecord | undefined>;
    recent(limit: number): Promise<RunRecord[]>;
  };

  /** Append-only audit rows; hashing is done by src/audit. */
  audit: {
    last(): Promise<AuditRow | undefined>;
    append(row: AuditRow): Promise<void>;
    /** All rows in seq order, streamed in pages. */
    iterate(pageSize?: number): AsyncIterable<AuditRow[]>;
    /** One page of the rows matching `filter`, in seq order, read through the indexes of migration 0011. */
    query(filter: AuditFilter, page: AuditPageRequest): Promise<AuditRow[]>;
    /**
     * Serialise appends across processes until the current transaction ends (PostgreSQL: advisory transaction
     * lock; SQLite: the BEGIN IMMEDIATE write lock already does it). Call inside {@link Store.transaction} before
     * reading `last()`. Optional so that other Store implementations stay valid.
     */
    lockChain?(): Promise<void>;
  };

  /** Small key/value settings (cursors such as last updated_since). */
  meta: {
    get(key: string): Promise<string | undefined>;
    set(key: string, value: string): Promise<void>;
    /**
     * Insert the key unless it exists; true when this call inserted it. Atomic on both backends (primary key), so of
     * several processes claiming the same key exactly one wins (the daily digest is sent once).
     */
    claim(key: string, value: string): Promise<boolean>;
    /** Remove a key (a claim whose work failed, so the next attempt can claim it again). */
    remove(key: string): Promise<void>;
  };

  /**
   * The run lease: one writer at a time. SQLite: the `run_lease` row is the lock (taken in a write transaction;
   * an expired heartbeat or, on the same host, a dead pid frees it). PostgreSQL: a session advisory lock on a
   * dedicated connection, plus the row for diagnostics; an expired holder's session is terminated.
   */
  lease: {
    /** One attempt; never waits. */
    tryAcquire(claim: LeaseClaim): Promise<LeaseAttempt>;
    /** The current holder, if any. */
    current(): Promise<LeaseHolder | undefined>;
    /**
     * Fencing, inside {@link Store.transaction}: fails with `LEASE_LOST` unless `holder` still holds the lease, so a
     * run that lost it can never commit an outcome after the next run closed its operations as interrupted.
     */
    assertHeld(holder: string): Promise<void>;
  };

  /** Local console users. */
  users: {
    /** Insert; throws a `StoreError` `STORE_DUPLICATE` when the user name is taken. */
    add(user: WebUser): Promise<void>;
    get(id: string): Promise<WebUser | undefined>;
    /** By user name, case-insensitively. */
    byUsername(username: string): Promise<WebUser | undefined>;
    list(): Promise<WebUser[]>;
    /** Change some fields; returns the updated user, or `undefined` when there is none. */
    update(id: string, patch: WebUserPatch, at: string): Promise<WebUser | undefined>;
    /** Remove; returns the removed user. */
    remove(id: string): Promise<WebUser | undefined>;
  };

  /** Console sessions (the @fastify/session store). */
  sessions: {
    /** The session, unless it expired before `now`. */
    get(sid: string, now: string): Promise<WebSessionRecord | undefined>;
    set(sid: string, record: WebSessionRecord): Promise<void>;
    destroy(sid: string): Promise<void>;
    /** Delete every session expired before `now`; returns how many. */
    purgeExpired(now: string): Promise<number>;
  };

  /** Access review campaigns and their items (migration 0015). */
  reviews: {
    addCampaign(c: ReviewCampaign, items: readonly Omit<ReviewItem, 'campaignId'>[]): Promise<void>;
    campaigns(): Promise<ReviewCampaign[]>;
    campaign(id: string): Promise<ReviewCampaign | undefined>;
    items(campaignId: string): Promise<ReviewItem[]>;
    /** Open campaigns' items of one reviewer (`person:<id>` / `user:<id>`). */
    itemsFor(reviewers: readonly string[]): Promise<ReviewItem[]>;
    item(campaignId: string, seq: number): Promise<ReviewItem | undefined>;
    decide(campaignId: string, seq: number, d: { decision: ReviewDecision; comment: string; decidedBy: string; decidedAt: string }): Promise<void>;
    close(id: string, closedBy: string, closedAt: string): Promise<void>;
    /**
     * The review exceptions in force: items of closed campaigns decided `remove` whose access a rule grants or that
     * were found in the target unmanaged, and that nobody lifted; all or one person's.
     */
    exceptions(personId?: string): Promise<ReviewItem[]>;
    /** Lift one exception (migration 0023); false when it was lifted already. */
    lift(campaignId: string, seq: number, l: { liftedBy: string; liftedAt: string; reason: string }): Promise<boolean>;
  };

  /** Catalogue requests, their decisions and approvers' delegations (migration 0014). */
  requests: {
    /** Insert; returns the new id (#42). */
    add(r: Omit<AccessRequest, 'id' | 'reminded'>): Promise<number>;
    get(id: number): Promise<AccessRequest | undefined>;
    list(filter?: { personId?: string; requester?: string; status?: readonly RequestStatus[] }): Promise<AccessRequest[]>;
    update(id: number, patch: Partial<Pick<AccessRequest, 'status' | 'stage' | 'decidedAt' | 'endedAt' | 'note' | 'reminded'>>): Promise<void>;
    addDecision(d: RequestDecision): Promise<void>;
    decisions(requestId: number): Promise<RequestDecision[]>;
    addDelegation(d: Delegation): Promise<void>;
    delegations(): Promise<Delegation[]>;
    /** End an approver's delegations to a delegate that run past `at` (they end at `at`; the rows stay as history). Returns how many. */
    endDelegations(approvers: readonly string[], delegate: string, at: string): Promise<number>;
  };

  /** Run a function in one transaction (used for reservations + journal consistency). */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
}

/** One queued source (webhook) event. */
export interface SourceEvent {
  /** Identity of the event: repeated deliveries share it. */
  readonly key: string;
  readonly deliveryId?: string;
  readonly eventName: string;
  readonly personId?: string;
  /** The event's own time. */
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly processedAt?: string;
  readonly attempts: number;
  readonly lastError?: string;
}
