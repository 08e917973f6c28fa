/** Argument handling shared by the `cadre sim …` servers: strict parsing, usage on error or --help. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parsed values, or the exit code to return (2 for bad arguments, 0 after --help). */
export function parseSimArgs(args: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): Record<string, string | boolean | undefined> | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return values;
}

/** A string option's value. */
export const stringArg = (values: Record<string, string | boolean | undefined>, k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
