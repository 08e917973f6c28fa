/**
 * The target conformance suite and its helpers.
 */
export { runConformanceSuite } from './suite.js';
export type { ConformanceHarness, ConformanceOptions, InspectedAccount } from './suite.js';
export {
  applySafely, createChanges, describeResult, desiredFor, diffAttributes, makeCtx, makeOp, mapLimit, sameContainer,
} from './helpers.js';
export type { ConformanceSample, MakeOpOptions } from './helpers.js';
