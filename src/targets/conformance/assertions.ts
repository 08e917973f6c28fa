/**
 * Assertions shared by the conformance tests.
 */
import assert from 'node:assert/strict';
import type { AttrValue } from '../../core/model.js';
import { sameValue } from '../contract.js';
import type { OperationResult } from '../contract.js';
import { describeResult } from './helpers.js';

/** Assert an operation succeeded (narrowing the result). */
export function assertOk(r: OperationResult, what: string): asserts r is Extract<OperationResult, { ok: true }> {
  assert.ok(r.ok, `${what} failed: ${describeResult(r)}`);
}

/** Assert every expected attribute has the expected value (order-insensitive for multi-valued). */
export function assertAttributes(actual: Record<string, AttrValue>, expected: Record<string, AttrValue>, what: string): void {
  for (const [k, v] of Object.entries(expected)) {
    assert.ok(sameValue(actual[k], v), `${what}: attribute ${k} is ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`);
  }
}

/** Assert a coded, non-transient failure result. */
export function assertCodedFailure(r: OperationResult, what: string): void {
  assert.equal(r.ok, false, `${what} should fail, got ${describeResult(r)}`);
  if (r.ok) return;
  assert.equal(typeof r.error.code, 'string', `${what}: error.code`);
  assert.ok(r.error.code.length > 0, `${what}: error.code is empty`);
  assert.equal(typeof r.error.message, 'string', `${what}: error.message`);
  assert.equal(r.error.transient, false, `${what}: a missing account is not a transient error`);
}
