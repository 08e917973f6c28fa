/** Structured logging (pino). Logs go to stderr so `--json` output on stdout stays clean. */
import { pino, type Logger } from 'pino';
import { redactSecrets } from '../config/secrets.js';

/** Paths pino blanks out wherever they appear; secrets must never reach a log line. */
const REDACT = [
  'password', 'secret', 'token', 'clientSecret', 'bindPassword', 'unicodePwd', 'passwordProfile',
  '*.password', '*.secret', '*.token', '*.clientSecret', '*.bindPassword', '*.unicodePwd', '*.passwordProfile',
  'headers.authorization', '*.headers.authorization',
];

/**
 * Every known secret value (config secrets, SMTP password, sealed first credentials: src/config/secrets.ts) taken
 * out of a log call's text: the message and the string fields of its object, one level deep (an error's message
 * from a driver or service can quote a connection URL or a request). The key paths above catch the rest.
 */
function scrubArg(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return redactSecrets(v);
  if (v instanceof Error) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(v) as object) as Error, v, { message: redactSecrets(v.message) });
    if (v.stack !== undefined) copy.stack = redactSecrets(v.stack);
    return copy;
  }
  if (depth < 2 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = scrubArg(x, depth + 1);
    return out;
  }
  return v;
}

/** Create the process logger. Level from CADRE_LOG_LEVEL (default `warn` for the CLI). */
export function createLogger(level = process.env.CADRE_LOG_LEVEL ?? 'warn', destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({
    level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'cadre' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrubArg(a)) as Parameters<typeof method>);
      },
    },
  }, destination);
}

export type { Logger };
