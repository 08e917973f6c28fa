/**
 * REST webhook target (`type: rest`): signed, idempotent JSON requests per action for systems with neither
 * SCIM nor SQL; state is read back from a listing endpoint.
 */
import type { TargetFactory } from '../contract.js';
import { createRestConnector } from './connector.js';
import { parseRestTargetOptions } from './guard.js';

export { restTargetGuard, parseRestTargetOptions } from './guard.js';
export type { RestTargetOptions, RestAction } from './guard.js';
export { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, idempotencyKey, requestTarget, signature, verifySignature } from './signing.js';
export type { SignedRequest } from './signing.js';

/** Create a REST target connector. Throws `CONFIG_INVALID` naming the option path on bad options; connects lazily. */
export const createRestTarget: TargetFactory = async (name, options, deps, target) =>
  createRestConnector(name, parseRestTargetOptions(name, options), deps, target);
