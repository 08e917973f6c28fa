/**
 * What a connector's test file provides to the conformance suite.
 */
import type { AttrValue } from '../../core/model.js';
import type { TargetConnector } from '../contract.js';
import type { ConformanceSample } from './helpers.js';

/** What the backend holds for one account, read independently of the connector. */
export interface InspectedAccount {
  readonly enabled: boolean;
  /** Keyed by the target's attribute names (the same names `sample()` uses). */
  readonly attributes: Record<string, AttrValue>;
  readonly container?: string;
  /** Every entitlement the account holds (duplicates included, so a double grant shows). */
  readonly entitlements: string[];
  /** The backend's must-change-password flag (harnesses of targets with `resetPassword`). */
  readonly mustChangePassword?: boolean;
}

/** A connector under test plus independent access to its backend. */
export interface ConformanceHarness {
  /** Fresh connector against a clean real backend (or faithful simulator). The suite closes it before `cleanup()`. */
  readonly connector: TargetConnector;
  /** Desired account for test person i (target-specific attribute names). Distinct i → distinct person ids and identifiers. */
  sample(i: number, variant?: 'renamed' | 'updated'): ConformanceSample;
  /** Independent read of the backend (NOT through the connector), by anchor; undefined = gone. */
  inspect(anchor: string): Promise<InspectedAccount | undefined>;
  cleanup(): Promise<void>;
  /** Attributes holding unique identifiers, checked with `isFree` (default: the connector's identifier attributes, else its correlation attribute). */
  readonly identifierAttributes?: readonly string[];
  /** Whether identifier comparisons are case-insensitive in this target (default true). */
  readonly caseInsensitive?: boolean;
  /** A well-formed anchor that does not exist (default: a random UUID). */
  readonly missingAnchor?: string;
  /** Attribute that can point at another account (e.g. `manager`); enables the `ref:<personId>` test. */
  readonly referenceAttribute?: string;
  /** What `inspect` shows in `referenceAttribute` for a reference to `anchor` (default: the anchor itself; AD: the DN). */
  referenceValue?(anchor: string): Promise<AttrValue>;
  /**
   * Helpdesk tests: whether signing in to the backend with this password works now (AD: an LDAP bind as the
   * user), checked NOT through the connector. Required when the connector has `resetPassword`.
   */
  verifyPassword?(anchor: string, password: string): Promise<boolean>;
  /** Helpdesk tests: lock the account out for real (e.g. failed sign-ins). Required when the connector has `unlock`. */
  lockOut?(anchor: string): Promise<void>;
  /** A password that meets the policy (default: a generated one). */
  strongPassword?(i: number): string;
  /** A password the target's policy refuses (default `short1`). */
  readonly weakPassword?: string;
}

/** The optional helpdesk methods of a connector the suite can test. */
export const HELPDESK_CAPABILITIES = ['resetPassword', 'unlock', 'accountStatus', 'passwordPolicy'] as const;
/** One of {@link HELPDESK_CAPABILITIES}. */
export type HelpdeskCapability = (typeof HELPDESK_CAPABILITIES)[number];

/** Suite options. */
export interface ConformanceOptions {
  /**
   * The helpdesk capabilities this connector has (default none): their tests run, and the suite checks that the
   * connector has exactly these methods.
   */
  readonly helpdesk?: readonly HelpdeskCapability[];
  /** Accounts created for the listing test (default 120). */
  readonly listSize?: number;
  /** The connector's configured page size; when given, the suite checks that `list()` really pages. */
  readonly pageSize?: number;
}
