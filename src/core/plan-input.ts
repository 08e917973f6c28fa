/**
 * Input of the planner: everything it needs, nothing it has to fetch. Time is passed in as `at`.
 */
import type { CadreConfig } from '../config/schema.js';
import type { TargetCapabilities } from './capabilities.js';
import type { AddressListSpec } from './address-list.js';
import type { TargetCatalog } from './checks.js';
import type { AccountState, DisableRecord, Hold, OffboardStep, Reservation, Snapshot } from './model.js';
import type { AccessException, AccessGrant } from './access-grants.js';
import type { Override } from './overrides.js';
import type { EmploymentHistory } from './periods.js';

/** What the planner needs to know about a live target (from its connector). */
export interface TargetInfo {
  readonly capabilities: TargetCapabilities;
  /** Attribute holding the person id (e.g. `employeeID`); set on create when no mapping sets it. */
  readonly correlationAttribute: string;
  /** Identifier kind → attributes; overrides `targets.<name>.identifiers` when given. */
  readonly identifierAttributes?: Readonly<Record<string, readonly string[]>>;
  /** Naming attribute changed by `rename` instead of `update` when `supportsRename` (default `cn`). */
  readonly namingAttribute?: string;
  /** Attributes set when the account is created and never updated afterwards (e.g. a UPN that must not follow name changes). */
  readonly createOnly?: readonly string[];
  /**
   * A multi-valued attribute built from the person's reserved addresses (AD `proxyAddresses`: `SMTP:` primary,
   * `smtp:` others), diffed per value so that values Cadre does not own are never touched (see address-list.ts).
   */
  readonly addressList?: AddressListSpec;
  /** Attributes the target reports but never lets Cadre write (Graph `proxyAddresses`): never filled, never diffed. */
  readonly readOnlyAttributes?: readonly string[];
  /** Attributes whose value makes the target disable the account itself at that time (AD `accountExpires`). */
  readonly expiryAttributes?: readonly string[];
  /** Entitlement names that are licences here (Entra `licences:`), for the `removeLicences` offboarding step. */
  readonly licenceEntitlements?: readonly string[];
  /** Offboarding steps the connector carries out as `offboard` operations. */
  readonly offboardSteps?: readonly OffboardStep[];
  /** What the live target holds that the config can name (entitlements, containers); absent: not checked. */
  readonly catalog?: TargetCatalog;
}

/** Planner input. */
export interface PlanInput {
  /** Instant the plan is computed "as of" (ISO-8601). */
  readonly at: string;
  /** Wall-clock instant of computation, recorded in the plan. */
  readonly createdAt: string;
  readonly config: CadreConfig;
  readonly snapshot: Snapshot;
  /** Known account state of every target. */
  readonly accounts: readonly AccountState[];
  /**
   * Who disabled which account (from the store). A disabled account without a `cadre` record is a manual lock:
   * not re-enabled (per the target's `reenable` policy) and never deleted. Absent: no records.
   */
  readonly disabled?: readonly DisableRecord[];
  /** Holds (from the store), expired ones included: the planner ignores those past `at`. Absent: none. */
  readonly holds?: readonly Hold[];
  /** Overrides (from the store), expired ones included: the planner ignores those past `at`. Absent: none. */
  readonly overrides?: readonly Override[];
  /**
   * Entitlements approved requests grant (from the store), ended ones included: the planner grants the active ones
   * (unless a rule grants them already) and names an ended one as the reason of its revoke. Absent: none.
   */
  readonly accessGrants?: readonly AccessGrant[];
  /** Entitlements a decision (an access review) keeps removed even where a rule grants them. Absent: none. */
  readonly accessExceptions?: readonly AccessException[];
  /** All identifier reservations (after `allocateIdentifiers`). */
  readonly reservations: readonly Reservation[];
  /** Live targets by name; enabled targets without an entry are skipped. */
  readonly targets: Readonly<Record<string, TargetInfo>>;
  /**
   * What the store remembers of persons' earlier records (one entry per hire date seen), so that an earlier
   * employment period still counts after HR cleared its end dates when entering a rehire.
   */
  readonly history?: EmploymentHistory;
  /**
   * Creates that an interrupted run left open (target, person): an account found for one of them is most likely
   * Cadre's own, created before the crash, so its adoption is crash recovery and needs no review.
   */
  readonly resumedCreates?: readonly { readonly target: string; readonly personId: string }[];
  /** Scope the plan to these persons (incremental sync, `--person`). */
  readonly onlyPersons?: readonly string[];
}

/** Pseudo-target of write-back operations. */
export const WRITEBACK_TARGET = 'personio';
/** Pseudo-target of notification operations. */
export const NOTIFY_TARGET = 'notify';
