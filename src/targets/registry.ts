/**
 * Maps a target `type` from cadre.yaml to its connector factory. Imports are lazy so a
 * deployment only loads the protocols it uses.
 */
import type { TargetConfig } from '../config/schema.js';
import type { TargetConnector, TargetDeps, TargetFactory } from './contract.js';

type Loader = () => Promise<TargetFactory>;

const loaders: Record<string, Loader> = {
  sql: async () => (await import('./sql/index.js')).createSqlTarget,
  ad: async () => (await import('./ad/index.js')).createAdTarget,
  entra: async () => (await import('./entra/index.js')).createEntraTarget,
  scim: async () => (await import('./scim/index.js')).createScimTarget,
  rest: async () => (await import('./rest/index.js')).createRestTarget,
};

/** Known target types. */
export const targetTypes = (): string[] => Object.keys(loaders);

/** Create the connector for one configured target; throws a coded error for an unknown type. */
export async function createTarget(name: string, target: TargetConfig, deps: TargetDeps): Promise<TargetConnector> {
  const load = loaders[target.type];
  if (!load) {
    throw Object.assign(new Error(`targets.${name}.type: unknown target type "${target.type}" (known: ${targetTypes().join(', ')})`), { code: 'CONFIG_INVALID' });
  }
  const factory = await load();
  return factory(name, target.options, deps, target);
}
