/**
 * Config errors. A problem names the config path (`targets.ad.attributes.displayName`) and,
 * where known, the line in cadre.yaml; messages never contain secret values.
 */

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Dotted path into the config, e.g. `targets.ad.attributes.displayName`; `''` for the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the config file, when it can be located. */
  readonly line?: number;
  /** 1-based column, when it can be located. */
  readonly col?: number;
}

/** Thrown when a configuration cannot be used. Exit code 2 in the CLI. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  readonly problems: readonly ConfigProblem[];
  /** Config file the problems refer to, when known. */
  readonly file: string | undefined;

  constructor(problems: readonly ConfigProblem[], file?: string) {
    super(summarise(problems, file));
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
  }
}

/** `file:line  path: message`, the format `cadre validate` prints. */
export function formatProblem(p: ConfigProblem, file?: string): string {
  const where = file ? (p.line ? `${file}:${p.line}` : file) : (p.line ? `line ${p.line}` : '');
  const what = p.path ? `${p.path}: ${p.message}` : p.message;
  return where ? `${where}  ${what}` : what;
}

function summarise(problems: readonly ConfigProblem[], file?: string): string {
  const head = `invalid configuration${file ? ` ${file}` : ''} (${problems.length} problem${problems.length === 1 ? '' : 's'})`;
  const shown = problems.slice(0, 20).map((p) => `  ${formatProblem(p, file)}`);
  const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
  return [head, ...shown, ...more].join('\n');
}
