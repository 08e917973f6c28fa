/**
 * Mappings implied by target options, added when the config is read so the planner treats them like any written
 * mapping: planned, diffed, explained, and updated when the source changes.
 */
import type { CadreConfig } from './schema.js';

/**
 * AD `accountExpiresFromEndDate: true` is the mapping `accountExpires: "{{ filetime(endDate, '<zone>') }}"` (the
 * target's `timezone` option, else `lifecycle.timezone`): set at creation, moved when the end date changes, cleared
 * (`0`, never) when it is removed. An explicit `accountExpires` mapping wins.
 */
export function withImplicitMappings(config: CadreConfig): CadreConfig {
  let targets: CadreConfig['targets'] | undefined;
  for (const [name, t] of Object.entries(config.targets)) {
    if (t.type !== 'ad' || t.options['accountExpiresFromEndDate'] !== true) continue;
    if (Object.keys(t.attributes).some((a) => a.toLowerCase() === 'accountexpires')) continue;
    const zone = typeof t.options['timezone'] === 'string' ? t.options['timezone'] : config.lifecycle.timezone;
    targets ??= { ...config.targets };
    targets[name] = { ...t, attributes: { ...t.attributes, accountExpires: `{{ filetime(endDate, '${zone}') }}` } };
  }
  return targets ? { ...config, targets } : config;
}
