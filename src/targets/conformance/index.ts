/**
 * The target conformance suite and its helpers.
 */
export { runConformanceSuite } from './suite.js';
export type { ConformanceHarness, ConformanceOptions, InspectedAccount } from './types.js';
export { assertAttributes, assertCodedFailure, assertOk } from './assertions.js';
export {
  applySafely, createChanges, describeResult, desiredFor, diffAttributes, makeCtx, makeOp, mapLimit, sameContainer,
} from './helpers.js';
export type { ConformanceSample, MakeOpOptions } from './helpers.js';
