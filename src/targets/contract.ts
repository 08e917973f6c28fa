/**
 * The connector contract every target implements (AD, Entra, SCIM, SQL).
 * A factory validates its config with a zod `*Guard` and returns a {@link TargetConnector}.
 */
import type { TargetConfig } from '../config/schema.js';
import type { AddressListSpec } from '../core/address-list.js';
import type { TargetCapabilities } from '../core/capabilities.js';
import type { AccountState, DesiredAccount, OffboardStep, Operation } from '../core/model.js';
import type { PasswordPolicy } from '../core/password-policy.js';

export type { TargetCapabilities } from '../core/capabilities.js';
export type { PasswordPolicy } from '../core/password-policy.js';
export { sameValue } from '../core/values.js';

/** A coded, readable error. `transient` errors are retried by the executor. */
export interface TargetError {
  readonly code: string;
  readonly message: string;
  readonly transient: boolean;
  /** Seconds the target asked us to wait (Retry-After). */
  readonly retryAfter?: number;
}

/** Result of applying one operation. Expected failures are results, not exceptions. */
export type OperationResult =
  | {
    readonly ok: true;
    readonly anchor?: string;
    readonly state?: AccountState;
    readonly note?: string;
    /** A create found an existing account and adopted it: its password was not set. */
    readonly adopted?: boolean;
    /**
     * The account already was as the operation asks (an enable or disable of an account already in that state):
     * nothing was written. A disable that finds the account disabled is not Cadre's: someone locked it first.
     */
    readonly unchanged?: boolean;
  }
  | { readonly ok: false; readonly error: TargetError };

/** Everything `apply` may need beyond the operation itself. */
export interface ApplyContext {
  /** The full desired account for the operation's person (for create and moves). */
  readonly desired?: DesiredAccount;
  /** Known state of the account, if any. */
  readonly current?: AccountState;
  /** Initial password for create/setPassword. In memory only: never log, journal or audit it. */
  readonly secret?: string;
  /** Anchor of another person's account in this target (e.g. manager), resolved at run time. */
  resolveAnchor(personId: string): Promise<string | undefined>;
}

/** Lookup by the correlation attribute (or a configured secondary attribute). */
export interface Correlation {
  readonly attribute: string;
  readonly value: string;
}

/** A target connector instance. Stateful clients live behind it; it is safe to call concurrently. */
export interface TargetConnector {
  /** Configured target name (the key under `targets:` in cadre.yaml). */
  readonly name: string;
  /** Connector type: `sql`, `ad`, `entra`, `scim`, `rest`. */
  readonly kind: string;
  readonly capabilities: TargetCapabilities;
  /** Attribute whose value is the person id (e.g. `employeeID`). */
  readonly correlationAttribute: string;
  /** Max concurrent `apply` calls the executor should issue. */
  readonly concurrency: number;
  /** Every account the target holds in its managed scope, page by page. */
  list(): AsyncIterable<readonly AccountState[]>;
  /** Accounts whose attribute equals the value (0, 1 or several). */
  find(correlation: Correlation): Promise<readonly AccountState[]>;
  /** Whether an identifier value is unused in the target (checked live, disabled accounts included). */
  isFree(attribute: string, value: string): Promise<boolean>;
  /** Apply one operation. Must be idempotent: a replay after a crash must not duplicate. */
  apply(op: Operation, ctx: ApplyContext): Promise<OperationResult>;
  /** Optional: value mapping for identifier kinds, e.g. `{ username: ['sAMAccountName'], upn: ['userPrincipalName'] }`. */
  readonly identifierAttributes?: Readonly<Record<string, readonly string[]>>;
  /** Optional: attributes this target sets on create only (the planner never updates them). */
  readonly createOnlyAttributes?: readonly string[];
  /**
   * Optional: `list()` returns every account the target holds, not only a managed scope, so identifier
   * checks may rely on the listing instead of calling `isFree` per candidate.
   */
  readonly listsEverything?: boolean;
  /**
   * Optional: a multi-valued attribute of addresses built from the person's reservations and changed per value,
   * only for the values Cadre owns (AD `proxyAddresses`); `apply` must honour a change's `add`/`remove`.
   */
  readonly addressList?: AddressListSpec;
  /** Optional: entitlement names that are licences (Entra `licences:`), for the `removeLicences` offboarding step. */
  readonly licenceEntitlements?: readonly string[];
  /** Optional: offboarding steps `apply` carries out as `offboard` operations (`hideFromAddressLists`, `revokeSessions`, …). */
  readonly offboardSteps?: readonly OffboardStep[];
  /** Optional: attributes reported by `list()` that Cadre must never write (Graph `proxyAddresses`). */
  readonly readOnlyAttributes?: readonly string[];
  /**
   * Optional: attributes whose value makes the target itself disable the account at that time (AD
   * `accountExpires`). Setting one or bringing it forward counts toward the disable thresholds.
   */
  readonly expiryAttributes?: readonly string[];
  /** Optional: per identifier kind, the longest value this target accepts (e.g. sAMAccountName 20). */
  readonly identifierLimits?: Readonly<Record<string, number>>;
  /**
   * Optional: every entitlement a rule may grant here, under every name a rule may use (group names, DNs,
   * licence names). The planner refuses a plan that grants anything else (a typo would revoke the real group).
   */
  listEntitlements?(): Promise<EntitlementListing>;
  /** Optional: every container (OU DN) accounts may be placed in; placement naming another refuses the plan. */
  listContainers?(): Promise<readonly string[]>;
  /**
   * Optional, for `cadre validate --live`: credentials, permissions and schema checks against the live system.
   * Never throws for a finding; each comes with a hint to fix it.
   */
  checkLive?(scope: LiveCheckScope): Promise<readonly LiveFinding[]>;
  /**
   * Optional helpdesk capability: set the account's password (an admin reset, not a change: the old password is
   * not needed) and, when `opts.mustChange`, force a change at the next sign-in; without it, any such flag is
   * cleared. `anchor` is the account's anchor in this target (AD objectGUID, Entra object id).
   *
   * The password is a secret: it is never logged, returned, stored or echoed in an error message. Failures are
   * coded results ({@link HELPDESK_ERROR_CODES}): a password the target's policy refuses is `PASSWORD_POLICY`
   * (not transient: the same password fails again), a missing account `NOT_FOUND`, a right the service account
   * lacks `ACCESS_DENIED`.
   */
  resetPassword?(anchor: string, password: string, opts: ResetPasswordOptions): Promise<OperationResult>;
  /**
   * Optional helpdesk capability: clear an account lockout (too many failed sign-ins), so the user can sign in
   * again at once. AD: `lockoutTime` = 0. Targets without a lockout concept (Entra: Smart Lockout is not
   * writable through Graph) leave it undefined, and the console hides the form. Unlocking an account that is
   * not locked succeeds (idempotent).
   */
  unlock?(anchor: string): Promise<OperationResult>;
  /**
   * Optional helpdesk capability: the account's live lock and password state, as the console shows it.
   * Throws a coded error when the account does not exist or the target cannot be read (nothing to show).
   */
  accountStatus?(anchor: string): Promise<AccountStatus>;
  /**
   * Optional helpdesk capability: the password policy a typed password is checked against before it is sent
   * (see `checkPassword` in src/core/password-policy.ts); the target still has the final word on reset. With an
   * `anchor`, the policy that applies to that account (AD: its fine-grained password policy, if any).
   */
  passwordPolicy?(anchor?: string): Promise<PasswordPolicy>;
  /**
   * Optional reporting capability: seats per licence as the target counts them (Entra: `GET /subscribedSkus`,
   * purchased = `prepaidUnits.enabled`, consumed = `consumedUnits`). For the licence usage report.
   */
  licenceCounts?(): Promise<readonly LicenceCount[]>;
  /**
   * Optional first-sign-in capability (Entra): create a Temporary Access Pass for the account. The pass is a
   * secret: it is returned to the caller once and never logged, stored or echoed in an error. A pass the account
   * already has is replaced (one per user). Failures are coded results (`ENTRA_INVALID` for a lifetime the tenant's
   * policy refuses, `ACCESS_DENIED` without the permission).
   */
  issueTemporaryAccessPass?(anchor: string, req: TemporaryAccessPassRequest): Promise<{ ok: true; tap: IssuedTemporaryAccessPass } | { ok: false; error: TargetError }>;
  close(): Promise<void>;
}

/** What {@link TargetConnector.issueTemporaryAccessPass} asks for. */
export interface TemporaryAccessPassRequest {
  /** When it becomes usable (ISO 8601); absent: at once. */
  readonly startDateTime?: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
}

/** A created Temporary Access Pass, as the target answered (the pass only here, once). */
export interface IssuedTemporaryAccessPass {
  readonly methodId: string;
  readonly pass: string;
  readonly startDateTime: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
  readonly isUsable: boolean;
  readonly methodUsabilityReason: string;
}

/** Seats of one licence, from {@link TargetConnector.licenceCounts}. */
export interface LicenceCount {
  /** The entitlement name the target's config maps to it (Entra `options.licences`), when one does. */
  readonly name?: string;
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** Seats bought and usable. */
  readonly purchased: number;
  /** Seats assigned tenant-wide, including to accounts Cadre does not manage. */
  readonly consumed: number;
}

/** Options of {@link TargetConnector.resetPassword}. */
export interface ResetPasswordOptions {
  /** Force the user to choose a new password at the next sign-in (AD `pwdLastSet` = 0, Entra `forceChangePasswordNextSignIn`). */
  readonly mustChange: boolean;
}

/** What {@link TargetConnector.accountStatus} reports. */
export interface AccountStatus {
  /** Locked out by failed sign-ins right now (AD: the lockout has not yet expired). Always false on Entra. */
  readonly locked: boolean;
  /** The account may sign in (not disabled). */
  readonly enabled: boolean;
  /** When the lockout ends by itself (ISO 8601), when the target knows; absent for "until unlocked". */
  readonly lockedUntil?: string;
  /** When the password was last set (ISO 8601); absent when never set or unknown. */
  readonly passwordLastSet?: string;
  /** The user must change the password at the next sign-in. */
  readonly mustChangePassword?: boolean;
}

/**
 * Error codes the helpdesk capabilities return, the same in every target so the engine and console need no
 * per-target mapping. Other codes (e.g. `AD_UNAVAILABLE`, transient) may appear for infrastructure failures.
 */
export const HELPDESK_ERROR_CODES = ['PASSWORD_POLICY', 'NOT_FOUND', 'ACCESS_DENIED', 'INSECURE_TRANSPORT', 'NOT_SUPPORTED', 'INVALID_VALUE'] as const;
/** One of {@link HELPDESK_ERROR_CODES}. */
export type HelpdeskErrorCode = (typeof HELPDESK_ERROR_CODES)[number];

/** What {@link TargetConnector.listEntitlements} reports. */
export interface EntitlementListing {
  readonly names: readonly string[];
  /** Configured names that point at nothing (a licence mapped to a SKU the tenant lacks), by lower-case name: why. */
  readonly unresolved?: Readonly<Record<string, string>>;
}

/** What the config names in one target, for the permission checks of `cadre validate --live`. */
export interface LiveCheckScope {
  /** Entitlements rules grant literally (templates cannot be known before people are read). */
  readonly entitlements: readonly string[];
  /** Containers placement may put accounts in. */
  readonly containers: readonly string[];
  /** Offboarding steps configured for this target (`lifecycle.offboarding`), e.g. to check the schema has what they write. */
  readonly offboardSteps?: readonly string[];
  /** Cadre creates Temporary Access Passes here (`notifications.passwordDelivery: tap`): their permission is needed. */
  readonly temporaryAccessPasses?: boolean;
}

/** One finding of `cadre validate --live`. */
export interface LiveFinding {
  /** `error`: a plan or apply would fail or do harm (exit 2). `warning`: works, but should be fixed. `ok`: checked and fine. */
  readonly severity: 'error' | 'warning' | 'ok';
  readonly code: string;
  readonly message: string;
  /** What to do about it (empty for `ok`). */
  readonly hint: string;
  /** The system could not be reached or logged in to: nothing else was checked. */
  readonly unreachable?: boolean;
}

/**
 * Factory signature. `options` is the raw `targets.<name>.options` block: the factory validates it
 * with its own zod `*Guard` and throws a coded `CONFIG_INVALID` error naming the path on failure.
 * `target` is the whole validated target block (managedEntitlements, identifiers, …).
 */
export type TargetFactory = (name: string, options: Record<string, unknown>, deps: TargetDeps, target: TargetConfig) => Promise<TargetConnector>;

/** Shared services a connector may use. */
export interface TargetDeps {
  readonly log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };
  /** The lifecycle's IANA time zone (`lifecycle.timezone`): where "the end of the last day" is. */
  readonly timezone?: string;
  /**
   * The entitlement names the config grants literally in this target (rules and catalogue). A connector whose
   * entitlements have several names (an AD group by cn or by DN) lists memberships under these, so the planner
   * sees granted groups as held and can revoke them.
   */
  readonly grants?: readonly string[];
}

/** Helper for connectors: make a coded error result. */
export function fail(code: string, message: string, transient = false, retryAfter?: number): OperationResult {
  return { ok: false, error: retryAfter === undefined ? { code, message, transient } : { code, message, transient, retryAfter } };
}
