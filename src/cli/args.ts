/** Argument parsing on node:util parseArgs with usage errors that map to exit code 2. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CadreError, EXIT } from '../engine/errors.js';

/** Options every engine command accepts. */
export const commonOptions = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs that throws a usage CadreError instead of a TypeError. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new CadreError('USAGE', (err as Error).message, EXIT.usage);
  }
}

/** The config file: --config, then $CADRE_CONFIG, then ./cadre.yaml. */
export function configPath(value: string | undefined): string {
  return value ?? process.env.CADRE_CONFIG ?? 'cadre.yaml';
}
