/** Coded errors of the Personio source. Messages never contain the client secret or a token. */

/** Error codes the Personio client raises. */
export type PersonioErrorCode =
  | 'PERSONIO_AUTH_FAILED'
  | 'PERSONIO_FORBIDDEN'
  | 'PERSONIO_RATE_LIMITED'
  | 'PERSONIO_UNAVAILABLE'
  | 'PERSONIO_TIMEOUT'
  | 'PERSONIO_BAD_RESPONSE'
  | 'PERSONIO_BAD_REQUEST'
  | 'PERSONIO_NOT_FOUND'
  | 'PERSONIO_VALIDATION'
  | 'PERSONIO_EMAIL_READONLY'
  | 'PERSONIO_FIELD_READONLY';

/** A failure talking to Personio; `code` is stable, `status` is the HTTP status when there was one. */
export class PersonioError extends Error {
  override readonly name = 'PersonioError';
  readonly code: PersonioErrorCode;
  readonly status: number | undefined;
  /** Whether retrying later may succeed (rate limits, outages). */
  readonly retryable: boolean;

  constructor(code: PersonioErrorCode, message: string, opts: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
  }
}

/** Type guard for {@link PersonioError}. */
export function isPersonioError(e: unknown): e is PersonioError {
  return e instanceof PersonioError;
}
