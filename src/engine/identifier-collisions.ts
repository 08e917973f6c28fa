/**
 * Identifier collisions found at create time: a value someone took in a target after it was planned (an account
 * made by hand between plan and apply). The next plan re-checks that person's reserved values live and moves them
 * to the next free candidate, so the create does not fail on every run.
 */
import type { Operation } from '../core/model.js';
import type { OperationResult } from '../targets/contract.js';

/** Connector codes for "a value of this create is already used by another account". */
export const IDENTIFIER_TAKEN_CODES: readonly string[] = ['AD_IDENTIFIER_TAKEN', 'ENTRA_CONFLICT', 'SQL_UNIQUE_VIOLATION', 'SCIM_IDENTIFIER_TAKEN'];

/** Say what happens next when a create hit an identifier someone took after planning. */
export function explainCollision(op: Operation, result: OperationResult): OperationResult {
  if (result.ok || op.action !== 'create' || !IDENTIFIER_TAKEN_CODES.includes(result.error.code)) return result;
  return { ...result, error: { ...result.error, message: `${result.error.message} (an identifier was taken in ${op.target} after planning: the next run moves the person to the next free candidate)` } };
}
