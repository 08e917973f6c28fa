/**
 * Capability flags of a target, as the planner needs them. Connectors report them (src/targets/contract.ts);
 * they live in the core so the core imports nothing from src/targets/.
 */

/** What a target can do; the planner and executor consult these flags. */
export interface TargetCapabilities {
  /** Accepts an initial password on create / setPassword. */
  readonly supportsPassword: boolean;
  /** Has containers (OUs) and can move accounts between them. */
  readonly supportsMove: boolean;
  /** Has a naming attribute that needs an explicit rename (e.g. AD `cn`). */
  readonly supportsRename: boolean;
  /** Can enable/disable accounts. */
  readonly supportsEnable: boolean;
  /** Has entitlements (groups / roles / rows in an entitlement table). */
  readonly supportsEntitlements: boolean;
  /** Has licences (Entra). */
  readonly supportsLicences: boolean;
  /** Deletes are soft and restorable (Entra deleted items). */
  readonly softDelete: boolean;
}
