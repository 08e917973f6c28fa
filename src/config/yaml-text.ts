/** Helpers for writing YAML text by hand (example and demo configs). */

/** Quote a value for YAML unless it is a plain, safe scalar. */
export function q(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) && !/^[-?:]/.test(value) ? value : JSON.stringify(value);
}

/** Options of the generated configs (`cadre init` example and `cadre demo`); defaults are per generator. */
export interface ConfigTextOptions {
  /** Personio API base URL (or the simulator's). */
  readonly personioUrl?: string;
  /** SQLite store file, relative to the config file. */
  readonly storePath?: string;
  /** SQLite file holding the SQL target tables. */
  readonly sqlPath?: string;
  /** JSON schema path for editor completion; no modeline when not given. */
  readonly schemaPath?: string;
}
