/** Entra ID (Microsoft Graph) target: factory registered as type `entra`. */
import type { TargetFactory } from '../contract.js';
import { createEntraConnector } from './connector.js';
import { entraTargetGuard } from './guard.js';

export { entraTargetGuard } from './guard.js';
export type { EntraTargetOptions } from './guard.js';
export type { EntraConnector } from './connector.js';

/** Validate `targets.<name>.options` and build the connector; a bad option throws `CONFIG_INVALID` naming its path. */
export const createEntraTarget: TargetFactory = async (name, options, deps, target) => {
  const parsed = entraTargetGuard.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['targets', name, 'options', ...(issue?.path ?? []).map(String)].join('.');
    throw Object.assign(new Error(`${path}: ${issue?.message ?? 'invalid'}`), { code: 'CONFIG_INVALID' });
  }
  return createEntraConnector(name, parsed.data, deps, target);
};
