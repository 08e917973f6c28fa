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

/** Options that may also come before the command (`cadre --config FILE plan`), as in git and kubectl. */
const GLOBAL_FLAGS = new Set(['--json', '--no-color', '--help', '-h', '--version']);
const GLOBAL_VALUES = new Set(['--config', '-c']);

/**
 * Split leading global options from the command line and move them behind the command name (behind the
 * sub-command for `sim`), where each command parses them. `init` takes the config file as `--path`.
 */
export function hoistGlobalOptions(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '--') break;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (GLOBAL_VALUES.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new CadreError('USAGE', `${name} needs a value (a config file)`, EXIT.usage);
      globals.push('--config', value);
    } else if (GLOBAL_FLAGS.has(a)) {
      globals.push(a);
    } else {
      throw new CadreError('USAGE', `unknown global option "${a}" (before the command: --config FILE, --json, --no-color, --help, --version)`, EXIT.usage);
    }
  }
  const [name, ...rest] = argv.slice(i);
  if (name === undefined) return globals;
  if (name === 'sim') return rest.length === 0 ? [name, ...globals] : [name, rest[0] as string, ...globals, ...rest.slice(1)];
  if (name === 'init') return [name, ...globals.filter((g) => g !== '--no-color').map((g) => (g === '--config' ? '--path' : g)), ...rest];
  return [name, ...globals, ...rest];
}
