/**
 * Loads cadre.yaml: YAML parse (syntax errors with line/column), schema validation (every zod issue,
 * located in the source), cross-reference and core rule checks, relative path resolution and secret
 * resolution. All problems are collected, never just the first.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { configGuard, type CadreConfig } from './schema.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { formatPath, locate, parsePath, type ConfigPath } from './locate.js';
import { issuesToProblems, type RawProblem } from './issues.js';
import { crossCheck } from './cross-check.js';
import { withImplicitMappings } from './implicit-mappings.js';
import { checkForms } from './forms-check.js';
import { coreValidateRules } from './rules.js';
import { checkTargetOptions } from './target-options.js';
import { redactSecrets, resolveConfigSecrets } from './secrets.js';

export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';

/** Options for {@link loadConfig}. */
export interface LoadOptions {
  /** Environment for `env:` secret references (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve `env:`/`file:` secret references (default true). `cadre validate --no-secrets` turns it off. */
  readonly resolveSecrets?: boolean;
}

/** Result of validating config text. `config` is set when the schema accepted it (rule problems may remain). */
export interface ValidationResult {
  readonly config: CadreConfig | undefined;
  readonly problems: ConfigProblem[];
}

interface Analysis extends ValidationResult {
  readonly at: (path: ConfigPath) => { line: number; col: number } | undefined;
}

/** Validate cadre.yaml text: syntax, schema, cross-references and rules. No file system, no secrets. */
export function validateConfigText(text: string, file = 'cadre.yaml'): ValidationResult {
  const { config, problems } = analyse(text, file);
  return { config, problems };
}

function analyse(text: string, _file: string): Analysis {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (path: ConfigPath) => locate(doc, lc, path);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): ConfigProblem => {
      const pos = lc.linePos(e.pos[0]);
      return { path: '', message: `YAML syntax error: ${firstLine(e.message)} (line ${pos.line}, column ${pos.col})`, line: pos.line, col: pos.col };
    });
    return { config: undefined, problems, at };
  }
  const input: unknown = doc.toJS({ maxAliasCount: 100 });
  if (input === null || input === undefined) {
    return { config: undefined, problems: [{ path: '', message: 'the file is empty; run "cadre init" for a commented example' }], at };
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { config: undefined, problems: [{ path: '', message: 'expected a mapping at the top level (source:, targets:, …)', line: 1 }], at };
  }
  const parsed = configGuard.safeParse(input);
  if (!parsed.success) {
    return { config: undefined, problems: place(issuesToProblems(parsed.error.issues, input, configGuard), at), at };
  }
  const config = withImplicitMappings(parsed.data);
  const raw: RawProblem[] = [...crossCheck(config), ...checkTargetOptions(config), ...checkForms(config)];
  for (const p of coreValidateRules(config)) raw.push({ path: parsePath(p.path), message: p.message });
  return { config, problems: place(raw, at), at };
}

function place(raw: readonly RawProblem[], at: Analysis['at']): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const dedupe = new Set<string>();
  for (const p of raw) {
    const path = formatPath(p.path);
    const key = `${path}\u0000${p.message}`;
    if (dedupe.has(key)) continue;
    dedupe.add(key);
    const pos = at(p.path);
    out.push({ path, message: redactSecrets(p.message), ...(pos ? { line: pos.line, col: pos.col } : {}) });
  }
  return out.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Read, validate and resolve a config file. Relative paths (sqlite `store.path`, target option
 * `path`/`*File`/`*Dir`, `file:` secrets) resolve against the config file's directory.
 */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<{ config: CadreConfig | undefined; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    const message = code === 'ENOENT'
      ? `config file ${file} not found (create one with "cadre init", or pass --config / set CADRE_CONFIG)`
      : `config file ${file} cannot be read (${code || 'error'})`;
    return { config: undefined, problems: [{ path: '', message }] };
  }
  const analysis = analyse(text, file);
  if (!analysis.config) return { config: undefined, problems: analysis.problems };
  const baseDir = dirname(resolve(file));
  let config = resolvePaths(analysis.config, baseDir);
  const problems = [...analysis.problems];
  if (opts.resolveSecrets !== false) {
    const env = opts.env ?? process.env;
    const r = resolveConfigSecrets(config, { env, baseDir });
    config = r.config;
    problems.push(...place(r.problems.map((p) => ({ path: parsePath(p.path), message: p.message })), analysis.at));
  }
  return { config, problems };
}

/** {@link loadConfig}, throwing a {@link ConfigError} (code `CONFIG_INVALID`) listing every problem. */
export async function loadConfigOrThrow(file: string, opts: LoadOptions = {}): Promise<CadreConfig> {
  const { config, problems } = await loadConfig(file, opts);
  if (!config || problems.length > 0) throw new ConfigError(problems, file);
  return config;
}

const PATH_OPTION = /^(path|.+(File|Dir))$/;

function resolvePaths(config: CadreConfig, baseDir: string): CadreConfig {
  const abs = (p: string): string => (p === ':memory:' || isAbsolute(p) || /^[a-z][a-z0-9+.-]*:/i.test(p) ? p : resolve(baseDir, p));
  const store = config.store.driver === 'sqlite' ? { ...config.store, path: abs(config.store.path) } : config.store;
  const targets: CadreConfig['targets'] = {};
  for (const [name, t] of Object.entries(config.targets)) {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t.options)) options[k] = typeof v === 'string' && PATH_OPTION.test(k) ? abs(v) : v;
    targets[name] = { ...t, options };
  }
  // Console secrets resolve when `cadre serve` starts (web-secrets.ts); a relative `file:` still means the config dir.
  const fileRef = (v: string | undefined): string | undefined => (v?.startsWith('file:') ? `file:${abs(v.slice(5).trim())}` : v);
  const sessionSecret = fileRef(config.web.sessionSecret);
  const clientSecret = fileRef(config.web.oidc?.clientSecret);
  const web = {
    ...config.web,
    ...(sessionSecret !== undefined ? { sessionSecret } : {}),
    ...(config.web.oidc ? { oidc: { ...config.web.oidc, ...(clientSecret !== undefined ? { clientSecret } : {}) } } : {}),
  };
  const hooks = config.source.webhooks;
  const token = fileRef(hooks?.token);
  const source = hooks === undefined ? config.source : {
    ...config.source,
    webhooks: { ...hooks, ...(token !== undefined ? { token } : {}), ...(hooks.tls ? { tls: { cert: abs(hooks.tls.cert), key: abs(hooks.tls.key) } } : {}) },
  };
  return { ...config, source, store, targets, web };
}
