/** Structured logging (pino). Logs go to stderr so `--json` output on stdout stays clean. */
import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear; secrets must never reach a log line. */
const REDACT = [
  'password', 'secret', 'token', 'clientSecret', 'bindPassword', 'unicodePwd', 'passwordProfile',
  '*.password', '*.secret', '*.token', '*.clientSecret', '*.bindPassword', '*.unicodePwd', '*.passwordProfile',
  'headers.authorization', '*.headers.authorization',
];

/** Create the process logger. Level from CADRE_LOG_LEVEL (default `warn` for the CLI). */
export function createLogger(level = process.env.CADRE_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'cadre' } }, pino.destination(2));
}

export type { Logger };
