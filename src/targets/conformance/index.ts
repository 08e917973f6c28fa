/**
 * The target conformance suite and its helpers.
 */
export { runConformanceSuite } from './suite.js';
export { createMemoryTarget, MEMORY_PASSWORD_POLICY } from './memory-target.js';
export type { MemoryTarget, MemoryTargetOptions } from './memory-target.js';
export type { ConformanceHarness, ConformanceOptions, HelpdeskCapability, InspectedAccount } from './types.js';
export { HELPDESK_CAPABILITIES } from './types.js';
export { assertAttributes, assertCodedFailure, assertOk } from './assertions.js';
export {
  applySafely, createChanges, describeResult, desiredFor, diffAttributes, makeCtx, makeOp, mapLimit, sameContainer,
} from './helpers.js';
export type { ConformanceSample, MakeOpOptions } from './helpers.js';
