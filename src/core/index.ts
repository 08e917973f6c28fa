/**
 * The pure core: model, rules, lifecycle, planner, thresholds, explain and plan formatting.
 */
export * from './model.js';
export type { TargetCapabilities } from './capabilities.js';
export { sameValue } from './values.js';
export { lifecycleAt, localDate, addDays, daysBetween, endDateOf, accountStateFor, type LifecycleInfo } from './lifecycle.js';
export { decideEnd, latestEnd, endDatesOf, endFieldName, periodsOf, periodsToRemember, type DecidedDate, type DisableAt, type EmploymentHistory, type EmploymentPeriod, type EndDates, type EndField, type KnownPeriod, type Periods } from './periods.js';
export { computePlan, computeBasis } from './planner.js';
export { addressListChange, diffAddressList, wantedAddresses, addressValueKey, type AddressListSpec, type AddressListDiff } from './address-list.js';
export { catalogBlockers, checkReferences, configReferences, catalogKey, type TargetCatalog, type CatalogReference } from './checks.js';
export { closestName, editDistance } from './similar.js';
export { keepLastGood, withTerminalSignals } from './last-good.js';
export { WRITEBACK_TARGET, NOTIFY_TARGET, type PlanInput, type TargetInfo } from './plan-input.js';
export { buildPlanContext, desiredAccounts, desiredDetail, matchAccount, secondaryCorrelationValue, type PlanContext, type DesiredDetail, type AccountMatch } from './desired.js';
export { orderOperations, compareOps, ACTION_ORDER } from './ordering.js';
export { evaluateThresholds, DESTRUCTIVE_ACTIONS, type ThresholdOp } from './thresholds.js';
export { accessFor, accessGrantActive, accessGrantTransitions, applyAccess, type AccessException, type AccessGrant } from './access-grants.js';
export { activeOverrides, applyOverrides, describeOverride, entitlementOverrideKey, overriddenEntitlement, overrideActive, overrideReason, overrideTransitions, ENTITLEMENT_OVERRIDE, type Override } from './overrides.js';
export { explainPerson, formatExplanation, type Explanation, type TargetExplanation } from './explain.js';
export { formatPlan, summaryLine, type FormatOptions } from './plan-format.js';
export { canonicalJson, sha256Hex } from './hash.js';
export { compileTemplate, compileExpression, renderTemplate, ExpressionError, FUNCTIONS, type CompiledTemplate, type CompiledExpression } from './rules/expressions.js';
export { toIdentifierAscii, transliterate } from './rules/transliterate.js';
export { candidates, matchesPerson, identifierOrder, comparePersonIds, IdentifierConfigError } from './rules/identifiers.js';
export { allocateIdentifiers, type AllocateOptions, type Allocation, type IsFree } from './rules/allocation.js';
export { evaluateCondition, compileCondition, ConditionError, type ConditionResult } from './rules/conditions.js';
export { placementFor, type PlacementResult } from './rules/placement.js';
export { entitlementsFor, managedPredicate } from './rules/entitlements.js';
export { validateRules, type RuleProblem } from './rules/validate.js';
export { personContext } from './rules/context.js';
