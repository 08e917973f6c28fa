/**
 * Core domain model shared by every layer. Pure data: no I/O, no clock.
 * Dates are ISO strings: calendar dates as `YYYY-MM-DD`, instants as full ISO-8601 UTC.
 */
import type { FirstSignIn } from './first-sign-in.js';

/** Values an account attribute can hold. `null` means "absent / clear it". */
export type AttrValue = string | number | boolean | string[] | null;

/** HR status as Personio reports it. */
export type PersonStatus = 'onboarding' | 'active' | 'leave' | 'inactive';

/** Cost centre share of a person. */
export interface CostCenter {
  readonly id: string;
  readonly name: string;
  readonly percentage?: number;
}

/** A custom attribute value after normalisation (Personio `dynamic_NNN`). */
export type CustomValue = string | number | boolean | string[] | null;

/**
 * The HR record, normalised and validated. `id` is the Personio employee id as a string.
 * Names are trimmed and NFC-normalised; empty strings become `undefined`.
 */
export interface Person {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly preferredName?: string;
  readonly birthName?: string;
  readonly email?: string;
  readonly gender?: string;
  /** Preferred language, lower-case ISO 639-1 (`de`, `en`), from Personio's `language_code`; picks the mail language. */
  readonly language?: string;
  readonly status: PersonStatus;
  readonly department?: string;
  readonly departmentId?: string;
  readonly office?: string;
  readonly officeId?: string;
  readonly team?: string;
  readonly subcompany?: string;
  readonly position?: string;
  readonly employmentType?: string;
  readonly supervisorId?: string;
  readonly costCenters: readonly CostCenter[];
  /** `YYYY-MM-DD` */
  readonly hireDate?: string;
  readonly terminationDate?: string;
  readonly contractEndDate?: string;
  readonly lastWorkingDay?: string;
  /** Last modification instant reported by the source, if any. */
  readonly updatedAt?: string;
  /** Custom attributes keyed by source key (`dynamic_123`) and by configured alias. */
  readonly custom: Readonly<Record<string, CustomValue>>;
}

/** A record the source delivered but that failed validation; reported, never fatal. */
export interface PersonProblem {
  readonly personId: string | null;
  /** Human-readable label such as "Erika Beispiel (1001)". */
  readonly label: string;
  readonly messages: readonly string[];
  /** What the failed record still says about leaving (fields that parsed): it counts even though the record failed. */
  readonly terminal?: {
    readonly status?: 'inactive';
    readonly terminationDate?: string;
    readonly contractEndDate?: string;
    readonly lastWorkingDay?: string;
  };
  /** The person is known from before and keeps the last good record (with the terminal signals above). */
  readonly keptLastGood?: boolean;
}

/** A complete read of the source. `complete` is false when paging was inconsistent. */
export interface Snapshot {
  readonly persons: readonly Person[];
  readonly problems: readonly PersonProblem[];
  /** Records the source says exist (e.g. Personio `metadata.total_elements`). */
  readonly reportedTotal: number;
  readonly complete: boolean;
  /** Reason the snapshot is not complete, for the exit-4 message. */
  readonly incompleteReason?: string;
  /** Instant the snapshot was read. */
  readonly readAt: string;
}

/**
 * Lifecycle state of a person at time T.
 * `future`: hire date beyond the pre-hire lead window (no account yet).
 */
export type LifecycleState = 'future' | 'prehire' | 'active' | 'leave' | 'terminated' | 'gone';

/** Why something is desired: the rule or lifecycle event behind it (what `explain` shows). */
export interface Reason {
  readonly kind: 'rule' | 'lifecycle' | 'mapping' | 'identifier' | 'placement' | 'drift' | 'correlation' | 'manual' | 'request' | 'review';
  /** Rule name / identifier name / lifecycle event. */
  readonly source: string;
  readonly detail: string;
}

/** A granted entitlement (group, licence, role) and the rule that granted it. */
export interface Grant {
  readonly name: string;
  readonly reason: Reason;
}

/** What one person should have in one target at time T. */
export interface DesiredAccount {
  readonly target: string;
  readonly personId: string;
  /** false: the person should have no account (never created, or delete due). */
  readonly exists: boolean;
  readonly enabled: boolean;
  /** OU / container, if the target supports placement. */
  readonly container?: string;
  readonly attributes: Readonly<Record<string, AttrValue>>;
  /** Per attribute: the mapping that produced it. */
  readonly attributeReasons: Readonly<Record<string, Reason>>;
  readonly entitlements: readonly Grant[];
  /** Lifecycle reason for exists/enabled. */
  readonly lifecycle: Reason;
}

/** What a target holds for one account, as read by `list()`/`find()` or remembered in the store. */
export interface AccountState {
  readonly target: string;
  /** Stable, target-assigned id (objectGUID, Graph id, row key). */
  readonly anchor: string;
  /** Person linked in the store, if known. */
  readonly personId?: string;
  /** Raw value of the connector's correlation attribute (e.g. employeeID); the target's template maps it to a person. */
  readonly correlation?: string;
  /** Distinguished name or path of the account where the target has one (AD), for exclusion patterns. */
  readonly dn?: string;
  readonly enabled: boolean;
  readonly container?: string;
  readonly attributes: Readonly<Record<string, AttrValue>>;
  /** Managed entitlements currently held (unmanaged ones go to `unmanaged`). */
  readonly entitlements: readonly string[];
  /** Memberships the target holds that Cadre does not manage: reported, never touched. */
  readonly unmanaged?: readonly string[];
}

/**
 * Who disabled an account, as the store remembers it (a planner input: the targets cannot tell).
 * Only `by: 'cadre'` lets Cadre re-enable (by default) or delete the account.
 */
export interface DisableRecord {
  readonly target: string;
  readonly anchor: string;
  /** Instant Cadre disabled the account (the plan instant), or first saw it disabled. */
  readonly at: string;
  /** `cadre`: Cadre disabled it or created it disabled; `observed`: found disabled, Cadre did not do it. */
  readonly by: 'cadre' | 'observed';
  /** Cadre's operation: `create` (created disabled before the hire date) or `disable`. */
  readonly via?: 'create' | 'disable';
}

/**
 * A human decision that stops Cadre's operations for a person (every target) or one account, except disables.
 * Added by `cadre hold add` (and the console's "temporary disable", which sets `disable`).
 */
export interface Hold {
  readonly personId: string;
  /** Target name; absent: every target of the person (and the Personio write-back). */
  readonly target?: string;
  readonly reason: string;
  /** Who added it (audit actor). */
  readonly actor: string;
  /** Instant it was added. */
  readonly createdAt: string;
  /** Last day it applies (`YYYY-MM-DD`, inclusive, in the lifecycle time zone) or the instant it ends. */
  readonly until?: string;
  /** Also keep the account disabled while the hold lasts (temporary disable). */
  readonly disable?: boolean;
}

/** Why an account gets fewer operations than its desired state asks for (shown by `plan` and `explain`). */
export interface HeldAccount {
  readonly personId: string;
  readonly target: string;
  readonly anchor?: string;
  /** `hold`: a hold; `lock`: disabled outside Cadre; `retention`: disabled, deletion waits for the retention. */
  readonly kind: 'hold' | 'lock' | 'retention';
  readonly reason: string;
  /** Actions Cadre would otherwise have planned. */
  readonly withheld: readonly Action[];
  /** Hold end, or the day the deletion becomes due. */
  readonly until?: string;
}

/** Plan/operation actions, in the order the planner emits them per person. */
export const ACTIONS = [
  'create', 'adopt', 'update', 'move', 'rename', 'enable', 'disable', 'delete',
  'grant', 'revoke', 'setPassword', 'offboard', 'writeBack', 'notify',
] as const;
/** One of {@link ACTIONS}. */
export type Action = (typeof ACTIONS)[number];

/**
 * One attribute change. A multi-valued attribute Cadre owns only in part (AD `proxyAddresses`) also carries
 * the single values to `add` and `remove`: connectors send exactly those and leave every other value alone;
 * `from`/`to` are then the whole list before and after, for plans and the stored state.
 */
export interface Change {
  readonly attribute: string;
  readonly from: AttrValue | undefined;
  readonly to: AttrValue | undefined;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

/** Fields every operation has. */
interface OperationBase {
  /** Stable id: a hash of target, action, person, entitlement and changes (+ anchor, notification event). */
  readonly id: string;
  readonly target: string;
  readonly personId: string;
  /** The account the operation applies to, when it already exists. */
  readonly anchor?: string;
  readonly changes: readonly Change[];
  readonly reason: Reason;
  /** Operation ids that must be done first. */
  readonly dependsOn: readonly string[];
}

/** Operations without an entitlement (so `op.entitlement` reads on every operation, absent but on grant/revoke). */
interface NoEntitlement {
  readonly entitlement?: undefined;
}

/** `create`: a new account with every attribute in `changes`. */
export interface CreateOperation extends OperationBase, NoEntitlement {
  readonly action: 'create';
  /** false: created disabled (a pre-hire account before day one). */
  readonly enabled: boolean;
  /** OU / container, where the target supports placement. */
  readonly container?: string;
  /** The target manages passwords: an initial one is generated, set and mailed. */
  readonly password?: boolean;
  /** The person's primary identifiers by kind (`username`, `upn`…), for readers of the plan. */
  readonly identifiers?: Readonly<Record<string, string>>;
  /** The person's end date (`YYYY-MM-DD`), for targets that let an account expire (AD `accountExpiresFromEndDate`). */
  readonly endDate?: string;
  /** A Temporary Access Pass to create with the account (`notifications.passwordDelivery: tap`), never the pass itself. */
  readonly firstSignIn?: FirstSignIn;
}

/** `adopt`: link an existing account found by correlation; its only change, if any, stamps the correlation id. */
export interface AdoptOperation extends OperationBase, NoEntitlement {
  readonly action: 'adopt';
  /** Crash recovery: an interrupted run was creating this account (not counted by thresholds). */
  readonly resumed?: boolean;
  /** The secondary correlation attribute that found the account. */
  readonly via?: string;
}

/** `disable`: the account stays, sign-in stops. */
export interface DisableOperation extends OperationBase, NoEntitlement {
  readonly action: 'disable';
  /** The end date that closed access (`YYYY-MM-DD`) and the lifecycle state behind it, when a leaver's. */
  readonly endDate?: string;
  readonly lifecycle?: LifecycleState;
  /** Text for the disabled account's description stamp (AD `stampDescription`); default `reason.detail`. */
  readonly description?: string;
}

/** `grant` / `revoke` of one entitlement (group, licence, role). */
export interface EntitlementOperation extends OperationBase {
  readonly action: 'grant' | 'revoke';
  readonly entitlement: string;
}

/** Account operations carrying nothing beyond `changes`: update, rename, move, enable, delete, setPassword. */
export interface AccountOperation extends OperationBase, NoEntitlement {
  readonly action: 'update' | 'rename' | 'move' | 'enable' | 'delete' | 'setPassword';
}

/** `writeBack`: computed values (`changes`) written back to the HR source (pseudo-target `personio`). */
export interface WriteBackOperation extends OperationBase, NoEntitlement {
  readonly action: 'writeBack';
}

/** Events a planned notification reports. */
export type NotifyEvent = 'joiner' | 'mover' | 'leaver' | 'password';

/** `notify`: a lifecycle mail after the operations it reports (pseudo-target `notify`). */
export interface NotifyOperation extends OperationBase, NoEntitlement {
  readonly action: 'notify';
  readonly event: NotifyEvent;
  /** Recipient specs: `manager`, `person` or addresses; empty: those configured for the event. */
  readonly to: readonly string[];
  /** Targets of the reported operations. */
  readonly targets: readonly string[];
  /** Leaver: the end date that closed access, named in the mail. */
  readonly endDate?: string;
  /** Leaver: the first day deletion may follow (the end of the retention). */
  readonly deleteOn?: string;
  /** The accounts the mail names (created, disabled, or the one whose password it carries), with their logins. */
  readonly accounts?: readonly { readonly target: string; readonly login: string }[];
  /** Mover: one line per reported change (`ad: move to OU=Sales,…`, `entra: grant Sales`); leaver: the offboarding steps. */
  readonly summary?: readonly string[];
  /** Leaver (offboarding `homeFolder`): the home folder path handed over to the recipients. */
  readonly homeFolder?: string;
  /** Carried over from an interrupted run: the initial password of a joiner is not known any more. */
  readonly resumed?: boolean;
}

/**
 * Offboarding steps a target connector carries out as an `offboard` operation (`lifecycle.offboarding`): AD hides
 * the account from address lists, Entra revokes the sign-in sessions, a REST target is called (`webhook`, and the
 * home-folder handover's optional call).
 */
export const OFFBOARD_STEPS = ['hideFromAddressLists', 'revokeSessions', 'webhook', 'homeFolder'] as const;
/** One of {@link OFFBOARD_STEPS}. */
export type OffboardStep = (typeof OFFBOARD_STEPS)[number];

/** `offboard`: one offboarding step on a leaver's account (after the disable), or its undo on a rehire. */
export interface OffboardOperation extends OperationBase, NoEntitlement {
  readonly action: 'offboard';
  readonly step: OffboardStep;
  /** Rehire: undo the step (AD: shown in address lists again). Only undoable steps are ever undone. */
  readonly undo?: boolean;
  /** The end date that closed access (`YYYY-MM-DD`), for the webhook's body. */
  readonly endDate?: string;
  /** Home-folder handover: the account's home folder path and the manager's person id. */
  readonly path?: string;
  readonly managerId?: string;
}

/** One step of a plan, discriminated by `action`. Never carries secrets. */
export type Operation =
  | CreateOperation | AdoptOperation | DisableOperation | EntitlementOperation | AccountOperation
  | OffboardOperation | WriteBackOperation | NotifyOperation;

/** Per-person planning error: nothing is planned for that person in that target. */
export interface PlanError {
  readonly personId: string;
  readonly target?: string;
  readonly code: string;
  readonly message: string;
}

/**
 * A config mistake found against the live target (a granted entitlement or a placement container that does
 * not exist there): the whole plan is refused, exit 2, until the config is fixed.
 */
export interface PlanBlocker {
  readonly code: 'ENTITLEMENT_UNKNOWN' | 'CONTAINER_UNKNOWN';
  readonly target: string;
  /** The name as the config (or a rendered template) gives it. */
  readonly name: string;
  /** The rule (entitlements) or config path (containers) that names it. */
  readonly source: string;
  /** The closest existing name, when one is close enough to be the intended one. */
  readonly suggestion?: string;
  /** People this plan would give the entitlement to. */
  readonly persons: number;
  readonly message: string;
}

/** A threshold that the plan exceeds. */
export interface ThresholdBreach {
  readonly action: Action;
  readonly target: string | '*';
  readonly count: number;
  readonly population: number;
  readonly limit: string;
  /** Set for grants of privileged entitlements: the entitlements, each needing approval however few. */
  readonly privileged?: readonly string[];
}

/** An account Cadre never touches because an exclusion rule matches it. */
export interface PlanExclusion {
  readonly target: string;
  readonly anchor: string;
  /** Login or name of the account. */
  readonly name?: string;
  /** The person it is linked to or whose correlation id it carries, if any. */
  readonly personId?: string;
  /** The matching rule (`targets.ad.exclude[0] (upn: breakglass*@…)`). */
  readonly rule: string;
}

/** The plan: ordered operations plus the verdict. */
export interface Plan {
  readonly version: 1;
  /** Time the plan was computed "as of". */
  readonly at: string;
  readonly createdAt: string;
  /** Fingerprint of the inputs (snapshot + known state + config); apply refuses a stale plan. */
  readonly basis: string;
  readonly operations: readonly Operation[];
  readonly errors: readonly PlanError[];
  /** Config mistakes found against the live targets: nothing is applied while any remains. */
  readonly blockers: readonly PlanBlocker[];
  readonly problems: readonly PersonProblem[];
  readonly breaches: readonly ThresholdBreach[];
  /** Accounts held by a hold or a manual lock, with the operations withheld. */
  readonly held: readonly HeldAccount[];
  /** Accounts excluded from management (never touched, never matched). */
  readonly excluded: readonly PlanExclusion[];
  /** Identifier reservations the plan proposes (stored on apply). */
  readonly reservations: readonly Reservation[];
  /** Reserved identifiers the plan gives up (released on apply, reported and audited). */
  readonly reallocations?: readonly IdentifierReallocation[];
  readonly summary: Readonly<Record<string, number>>;
}

/**
 * A reserved identifier given up by allocation: `taken` when someone else (an account made by hand, say) holds it
 * now, `joint` when it moved with an identifier it is built with. `to` is the replacement, absent when none is free.
 */
export interface IdentifierReallocation {
  readonly personId: string;
  readonly kind: string;
  readonly from: string;
  readonly to?: string;
  readonly reason: 'taken' | 'joint';
}

/** An identifier (username, mail, UPN…) held by one person. */
export interface Reservation {
  readonly kind: string;
  readonly value: string;
  readonly personId: string;
  /** `primary` is current; `alias` is a former value kept (e.g. old mail after marriage). */
  readonly status: 'primary' | 'alias';
}
