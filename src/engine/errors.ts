/** Exit codes of the CLI, shared with the engine so the mapping lives in one place. */
export const EXIT = {
  ok: 0,
  failures: 1,
  usage: 2,
  blocked: 3,
  sourceUnusable: 4,
  /** Another run holds the run lease (`--no-wait`), or this run lost it to another. */
  runInProgress: 5,
} as const;

/** An error that maps to a CLI exit code and carries a stable code. */
export class CadreError extends Error {
  constructor(readonly code: string, message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CadreError';
  }
}

/** The source could not be read completely; nothing may be disabled or deleted on its basis. */
export class SourceUnusableError extends CadreError {
  constructor(message: string) {
    super('SOURCE_UNUSABLE', message, EXIT.sourceUnusable);
  }
}

/** A plan exceeds a safety threshold and was not approved. */
export class ThresholdBlockedError extends CadreError {
  constructor(message: string) {
    super('THRESHOLD_BLOCKED', message, EXIT.blocked);
  }
}

/** Another run holds the run lease and the caller chose not to wait (`--no-wait`). */
export class RunInProgressError extends CadreError {
  constructor(message: string) {
    super('RUN_IN_PROGRESS', message, EXIT.runInProgress);
  }
}

/** This run's lease expired and another run took over: it stops before sending or committing anything more. */
export class LeaseLostError extends CadreError {
  constructor(message: string) {
    super('LEASE_LOST', message, EXIT.runInProgress);
  }
}

/** Map anything thrown to an exit code. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CadreError) return err.exitCode;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'CONFIG_INVALID') return EXIT.usage;
  if (code === 'LEASE_LOST') return EXIT.runInProgress;
  return EXIT.failures;
}
