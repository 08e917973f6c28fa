/**
 * The console's secrets are resolved when the console starts, not when the config loads: `cadre plan` must keep
 * working on a machine where `CADRE_SESSION_SECRET` is not set, because only `cadre serve` needs it.
 */
import { ConfigError, type ConfigProblem } from './errors.js';
import type { WebConfig } from './schema-web.js';
import { resolveSecret, type ResolveOptions } from './secrets.js';

/** Minimum session secret length (@fastify/session requires 32). */
export const MIN_SESSION_SECRET = 32;

/** Resolved console secrets. */
export interface WebSecrets {
  readonly sessionSecret: string;
  readonly oidcClientSecret?: string;
}

/**
 * Resolve `web.sessionSecret` (required, at least 32 characters) and `web.oidc.clientSecret` (when configured).
 * Throws a {@link ConfigError} that names the setting and never the value.
 */
export function webSecrets(web: WebConfig, opts: ResolveOptions = {}): WebSecrets {
  const problems: ConfigProblem[] = [];
  const attempt = (value: string, path: string): string | undefined => {
    try {
      return resolveSecret(value, path, opts);
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
      return undefined;
    }
  };
  let sessionSecret: string | undefined;
  if (web.sessionSecret === undefined) {
    problems.push({ path: 'web.sessionSecret', message: `cadre serve needs a session secret of at least ${MIN_SESSION_SECRET} characters: set web.sessionSecret: env:CADRE_SESSION_SECRET (e.g. openssl rand -base64 48)` });
  } else {
    sessionSecret = attempt(web.sessionSecret, 'web.sessionSecret');
    if (sessionSecret !== undefined && sessionSecret.length < MIN_SESSION_SECRET) {
      problems.push({ path: 'web.sessionSecret', message: `the session secret has ${sessionSecret.length} characters; it needs at least ${MIN_SESSION_SECRET}` });
    }
  }
  const oidcClientSecret = web.oidc?.clientSecret !== undefined ? attempt(web.oidc.clientSecret, 'web.oidc.clientSecret') : undefined;
  if (problems.length > 0 || sessionSecret === undefined) throw new ConfigError(problems);
  return { sessionSecret, ...(oidcClientSecret !== undefined ? { oidcClientSecret } : {}) };
}
