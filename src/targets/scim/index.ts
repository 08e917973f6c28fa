/**
 * SCIM 2.0 target (`type: scim`): Users with the enterprise extension and Groups of a SaaS application.
 */
import type { TargetFactory } from '../contract.js';
import { createScimConnector } from './connector.js';
import { parseScimTargetOptions } from './guard.js';
import { createScimHttp } from './http.js';

export { scimTargetGuard, parseScimTargetOptions } from './guard.js';
export type { ScimTargetOptions } from './guard.js';
export { SCIM_ERROR_CODES, ScimTargetError } from './http.js';
export type { ScimErrorCode } from './http.js';
export { scimString, eqFilter } from './filter.js';
export { ENTERPRISE_URN, parsePath } from './map.js';

/**
 * Create a SCIM target connector. Throws a coded `CONFIG_INVALID` error naming the option path on bad options.
 * Nothing connects until the first call; `/ServiceProviderConfig` is read then and cached.
 */
export const createScimTarget: TargetFactory = async (name, options, deps, target) => {
  const opts = parseScimTargetOptions(name, options);
  return createScimConnector(name, opts, createScimHttp(opts), deps, target);
};
