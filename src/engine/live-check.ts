/**
 * `cadre validate --live`: connects to the source and to every enabled target and checks what a config can
 * get wrong against the real systems — credentials, permissions, the configured OUs, groups and licences, and
 * the correlation attribute's index. Read-only: nothing is written, the store is not opened.
 */
import { tapTarget } from '../core/first-sign-in.js';
import type { CadreConfig } from '../config/schema.js';
import { redactSecrets } from '../config/secrets.js';
import { checkReferences, configReferences } from '../core/checks.js';
import { literalGrants } from '../core/rules/entitlements.js';
import { closestName } from '../core/similar.js';
import { createPersonioClient } from '../sources/personio/client.js';
import { createPersonioV2Client } from '../sources/personio/v2/client.js';
import type { LiveFinding, TargetConnector } from '../targets/contract.js';
import { createTarget } from '../targets/registry.js';
import { createLogger, type Logger } from './log.js';

/** A finding and the system it is about (`source` or a target name). */
export interface SystemFinding extends LiveFinding {
  readonly system: string;
}

const messageOf = (e: unknown): string => redactSecrets(e instanceof Error ? e.message : String(e));
const codeOf = (e: unknown, fallback: string): string => {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : fallback;
};

async function checkSource(config: CadreConfig, log: Logger): Promise<LiveFinding[]> {
  const create = config.source.apiVersion === 'v2' ? createPersonioV2Client : createPersonioClient;
  const client = create({ ...config.source, maxRetries: Math.min(config.source.maxRetries, 1) }, { log: log.child({ source: 'personio' }) });
  try {
    const { total } = await client.probe();
    const ok: LiveFinding = { severity: 'ok', code: 'PERSONIO_READ', message: `authenticated at ${config.source.baseUrl}; ${total ?? 'an unknown number of'} employees readable`, hint: '' };
    return [ok, ...await checkReviewDepartments(config, () => client.fetchAll())];
  } catch (e) {
    const code = codeOf(e, 'PERSONIO_UNAVAILABLE');
    const hint = code === 'PERSONIO_AUTH_FAILED'
      ? 'check source.clientId and source.clientSecret (Personio: Settings → Integrations → API credentials)'
      : code === 'PERSONIO_FORBIDDEN'
        ? 'give the API credentials read access to the employee attributes Cadre uses'
        : `check source.baseUrl (${config.source.baseUrl}) and the network path to it`;
    return [{ severity: 'error', code, message: messageOf(e), hint, unreachable: true }];
  }
}

/**
 * Review scopes' departments against the departments Personio has (one full read, only when a template names
 * departments): a department nobody is in makes a campaign review nothing.
 */
async function checkReviewDepartments(config: CadreConfig, read: () => Promise<{ readonly persons: readonly { readonly department?: string }[] }>): Promise<LiveFinding[]> {
  const wanted = config.reviews.templates.flatMap((t, i) => (t.scope.departments ?? []).map((d, j) => ({ id: t.id, d, path: `reviews.templates[${i}].scope.departments[${j}]` })));
  if (wanted.length === 0) return [];
  const known = new Set<string>();
  for (const p of (await read()).persons) if (p.department !== undefined && p.department !== '') known.add(p.department);
  const lower = new Set([...known].map((d) => d.toLowerCase()));
  const out: LiveFinding[] = wanted.filter((w) => !lower.has(w.d.toLowerCase())).map((w) => {
    const near = closestName(w.d, known);
    return {
      severity: 'error', code: 'REVIEW_DEPARTMENT_UNKNOWN', message: `${w.path}: ${w.id}: nobody in Personio is in department "${w.d}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}`,
      hint: 'correct the department in the review template (departments are matched case-insensitively)',
    };
  });
  return out.length > 0 ? out : [{ severity: 'ok', code: 'REVIEW_DEPARTMENTS', message: `${wanted.length} review scope department(s) exist in Personio`, hint: '' }];
}

/** The config's names in a target checked against what the target holds, with "did you mean" suggestions. */
async function checkCatalog(config: CadreConfig, name: string, c: TargetConnector): Promise<LiveFinding[]> {
  const refs = configReferences(config, [name]);
  const wantsGroups = refs.some((r) => r.kind === 'entitlement');
  const wantsContainers = refs.some((r) => r.kind === 'container');
  const listing = wantsGroups && c.listEntitlements ? await c.listEntitlements() : undefined;
  const entitlements = listing?.names;
  const containers = wantsContainers && c.listContainers ? await c.listContainers() : undefined;
  const catalog = { ...(listing ? { entitlements: listing.names, ...(listing.unresolved ? { unresolved: listing.unresolved } : {}) } : {}), ...(containers ? { containers } : {}) };
  const out: LiveFinding[] = checkReferences(refs, { [name]: catalog }).map((b) => ({
    severity: 'error', code: b.code, message: b.message,
    hint: b.code === 'ENTITLEMENT_UNKNOWN'
      ? `correct the name in the rule${b.suggestion ? ` (${b.suggestion})` : ''}, or create the group in ${name}${config.targets[name]?.type === 'entra' ? `, or map the name in targets.${name}.options: groups (name → group displayName or id) or licences (name → SKU part number, e.g. SPE_E3)` : ''}; until then \`cadre plan\` refuses to run, so the real group is never revoked`
      : `correct ${b.source}${b.suggestion ? ` (${b.suggestion})` : ''}, or create the OU in ${name}`,
  }));
  const checked = refs.filter((r) => (r.kind === 'entitlement' ? entitlements : containers) !== undefined).length;
  if (checked > 0 && out.length === 0) out.push({ severity: 'ok', code: 'CONFIG_NAMES', message: `${checked} group/licence/OU name(s) of the config exist`, hint: '' });
  return out;
}

async function checkTarget(config: CadreConfig, name: string, log: Logger): Promise<LiveFinding[]> {
  const target = config.targets[name];
  if (!target) return [];
  let c: TargetConnector;
  try {
    c = await createTarget(name, target, { log: log.child({ target: name }), timezone: config.lifecycle.timezone, grants: literalGrants(config, name) });
  } catch (e) {
    return [{ severity: 'error', code: codeOf(e, 'CONFIG_INVALID'), message: messageOf(e), hint: `fix targets.${name}.options`, unreachable: true }];
  }
  try {
    const refs = configReferences(config, [name]);
    // Offboarding steps that name this target or apply to every target that carries them out.
    const offboardSteps = config.lifecycle.offboarding.filter((st) => !('targets' in st) || st.targets === undefined || st.targets.includes(name)).map((st) => st.step);
    const scope = { entitlements: refs.filter((r) => r.kind === 'entitlement').map((r) => r.name), containers: refs.filter((r) => r.kind === 'container').map((r) => r.name), offboardSteps,
      ...(tapTarget(config) === name ? { temporaryAccessPasses: true } : {}),
    };
    const out: LiveFinding[] = [];
    if (c.checkLive) {
      out.push(...await c.checkLive(scope));
      if (out.some((f) => f.unreachable)) return out;
    } else {
      // No dedicated checks: one page of the listing proves the connection and the table or API.
      for await (const page of c.list()) {
        out.push({ severity: 'ok', code: 'TARGET_READ', message: `accounts are readable (${page.length} on the first page)`, hint: '' });
        break;
      }
      if (out.length === 0) out.push({ severity: 'ok', code: 'TARGET_READ', message: 'accounts are readable (none yet)', hint: '' });
    }
    out.push(...await checkCatalog(config, name, c));
    return out;
  } catch (e) {
    return [{ severity: 'error', code: codeOf(e, 'TARGET_UNAVAILABLE'), message: messageOf(e), hint: `check targets.${name}.options (address, credentials) and that the system is reachable`, unreachable: true }];
  } finally {
    await c.close().catch(() => undefined);
  }
}

/** Run every live check; the source and the targets are checked concurrently. */
export async function checkLive(config: CadreConfig, opts: { log?: Logger } = {}): Promise<SystemFinding[]> {
  const log = opts.log ?? createLogger();
  const names = Object.entries(config.targets).filter(([, t]) => t.enabled).map(([n]) => n);
  const results = await Promise.all([
    checkSource(config, log).then((f) => f.map((x) => ({ ...x, system: 'source' }))),
    ...names.map((n) => checkTarget(config, n, log).then((f) => f.map((x) => ({ ...x, system: n })))),
  ]);
  return results.flat();
}
