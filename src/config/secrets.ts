/**
 * Secret references in cadre.yaml: `env:NAME` reads an environment variable, `file:/path` reads a
 * file (trimmed; relative paths resolve against the config directory), anything else is literal.
 * Every resolved secret is remembered so {@link redactSecrets} can scrub it from any log or error text.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CadreConfig } from './schema.js';
import { ConfigError, type ConfigProblem } from './errors.js';

/** Target option keys that may hold a secret reference. */
// `clientId` too: the init example reads the Entra app id from `env:` like `source.clientId`; left unresolved, Entra
// would be sent the text "env:ENTRA_CLIENT_ID" as the app id (the simulator accepts any id, so only real tenants failed).
export const SECRET_OPTION_KEY = /secret|password|pass|token|url|^clientId$/i;

const REDACTED = '[redacted]';
/** Values shorter than this are not redacted: they would mangle ordinary text. */
const MIN_REDACT_LENGTH = 4;
const registry = new Set<string>();

/** Options for resolving references. */
export interface ResolveOptions {
  /** Environment to read `env:` references from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory relative `file:` paths resolve against (default: the working directory). */
  readonly baseDir?: string;
}

/** Whether a string is an `env:`/`file:` reference rather than a literal. */
export function isSecretRef(value: unknown): value is string {
  return typeof value === 'string' && (value.startsWith('env:') || value.startsWith('file:'));
}

/**
 * Resolve one secret reference. Throws a {@link ConfigError} naming `path` and the variable or file
 * when it cannot be read; the error never contains a secret value. The result is registered for redaction.
 */
export function resolveSecret(value: string, path: string, opts: ResolveOptions = {}): string {
  let resolved: string;
  if (value.startsWith('env:')) {
    const name = value.slice(4).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ConfigError([{ path, message: `"env:" must be followed by an environment variable name, got "env:${name.slice(0, 40)}"` }]);
    }
    const env = opts.env ?? process.env;
    const v = env[name];
    if (v === undefined || v === '') {
      throw new ConfigError([{ path, message: `environment variable ${name} is not set` }]);
    }
    resolved = v;
  } else if (value.startsWith('file:')) {
    const raw = value.slice(5).trim();
    if (raw === '') throw new ConfigError([{ path, message: '"file:" must be followed by a path' }]);
    const file = isAbsolute(raw) ? raw : resolve(opts.baseDir ?? process.cwd(), raw);
    try {
      resolved = readFileSync(file, 'utf8').trim();
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'EIO';
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code})`;
      throw new ConfigError([{ path, message: `secret file ${file} ${why}` }]);
    }
    if (resolved === '') throw new ConfigError([{ path, message: `secret file ${file} is empty` }]);
  } else {
    resolved = value;
  }
  registerSecret(resolved);
  return resolved;
}

/**
 * Remember a secret so {@link redactSecrets} removes it from text. For URLs with credentials the
 * password is registered separately too (drivers often print host and user but mangle the URL).
 */
export function registerSecret(value: string): void {
  if (value.length < MIN_REDACT_LENGTH) return;
  registry.add(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const u = new URL(value);
      if (u.password) {
        if (u.password.length >= MIN_REDACT_LENGTH) registry.add(u.password);
        const decoded = safeDecode(u.password);
        if (decoded.length >= MIN_REDACT_LENGTH) registry.add(decoded);
      }
    } catch {
      // not a parseable URL: the whole value is registered already
    }
  }
}

/** Replace every known secret value in `text` with `[redacted]`. Use on anything logged or shown. */
export function redactSecrets(text: string): string {
  if (registry.size === 0 || text === '') return text;
  // Longest first, so a URL is replaced before the password inside it.
  const values = [...registry].sort((a, b) => b.length - a.length);
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

/** Forget all registered secrets (tests, or a config reload that replaces every secret). */
export function forgetSecrets(): void {
  registry.clear();
}

/**
 * Resolve every secret reference in a validated config: the Personio credentials, SMTP user and
 * password, the PostgreSQL URL, and target options whose key looks secret (`SECRET_OPTION_KEY`) and
 * whose value is an `env:`/`file:` reference (nested option objects included). Literal values of the
 * fixed secret fields are registered for redaction as well. Returns a new config and all problems.
 */
export function resolveConfigSecrets(config: CadreConfig, opts: ResolveOptions = {}): { config: CadreConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const tryResolve = (value: string, path: string): string => {
    try {
      return resolveSecret(value, path, opts);
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
      return value;
    }
  };

  const source = {
    ...config.source,
    clientId: tryResolve(config.source.clientId, 'source.clientId'),
    clientSecret: tryResolve(config.source.clientSecret, 'source.clientSecret'),
  };
  const store = config.store.driver === 'postgres' ? { ...config.store, url: tryResolve(config.store.url, 'store.url') } : config.store;

  let notifications = config.notifications;
  const smtp = notifications.smtp;
  if (smtp) {
    notifications = {
      ...notifications,
      smtp: {
        ...smtp,
        ...(smtp.user !== undefined ? { user: tryResolve(smtp.user, 'notifications.smtp.user') } : {}),
        ...(smtp.pass !== undefined ? { pass: tryResolve(smtp.pass, 'notifications.smtp.pass') } : {}),
      },
    };
  }

  const targets: CadreConfig['targets'] = {};
  for (const [name, t] of Object.entries(config.targets)) {
    targets[name] = { ...t, options: resolveOptions(t.options, `targets.${name}.options`, tryResolve) as Record<string, unknown> };
  }
  return { config: { ...config, source, store, notifications, targets }, problems };
}

function resolveOptions(value: unknown, path: string, resolveOne: (v: string, p: string) => string, key = ''): unknown {
  if (typeof value === 'string') return SECRET_OPTION_KEY.test(key) && isSecretRef(value) ? resolveOne(value, path) : value;
  if (Array.isArray(value)) return value.map((v, i) => resolveOptions(v, `${path}.${i}`, resolveOne, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveOptions(v, `${path}.${k}`, resolveOne, k);
    return out;
  }
  return value;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
