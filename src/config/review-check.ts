/**
 * `cadre validate` for access review templates (`reviews.templates`): a scope names configured targets, and
 * entitlement patterns that can match something Cadre knows in them (what the rules grant, `managedEntitlements`,
 * catalogue items). A typo would make a campaign silently review nothing. Patterns shaped like a DN (`CN=VPN
 * Users,*`) name groups the directory holds unmanaged and are not checked here. Departments are HR data: `cadre
 * validate --live` checks them against Personio (src/engine/live-check.ts).
 */
import { globMatcher } from '../core/glob.js';
import type { RawProblem } from './issues.js';
import type { CadreConfig } from './schema.js';

const DN_LIKE = /^[A-Za-z][A-Za-z0-9-]*=/;

/** Entitlement patterns Cadre knows in a target: exact names or `prefix*` (templated rule names up to the first `{{`). */
function knownPatterns(config: CadreConfig, target: string): string[] {
  const out = [...(config.targets[target]?.managedEntitlements ?? [])];
  for (const rule of config.entitlements) {
    for (const g of rule.grant[target] ?? []) {
      const i = g.indexOf('{{');
      out.push(i < 0 ? g : `${g.slice(0, i)}*`);
    }
  }
  for (const item of config.catalog.items) if (item.target === target) out.push(item.entitlement);
  return out;
}

/** Whether a scope glob can match a known name or prefix pattern (prefixes overlap: conservative, no false errors). */
function overlaps(glob: string, known: string): boolean {
  const k = known.toLowerCase();
  if (!k.endsWith('*')) return globMatcher(glob)(known);
  const kp = k.slice(0, -1);
  const gp = glob.toLowerCase().split(/[*?]/, 1)[0] ?? '';
  return gp.startsWith(kp) || kp.startsWith(gp);
}

/** Problems of `reviews.templates` scopes against the targets, rules and catalogue. */
export function reviewCheck(config: CadreConfig): RawProblem[] {
  const out: RawProblem[] = [];
  const all = Object.keys(config.targets);
  config.reviews.templates.forEach((t, i) => {
    const path = ['reviews', 'templates', i, 'scope'];
    const targets: string[] = [];
    (t.scope.targets ?? []).forEach((name, j) => {
      if (all.includes(name)) targets.push(name);
      else out.push({ path: [...path, 'targets', j], message: `${t.id}: unknown target "${name}" (targets: ${all.join(', ') || 'none defined'})` });
    });
    const inScope = t.scope.targets === undefined ? all : targets;
    if (t.scope.targets !== undefined && targets.length === 0) return;
    (t.scope.entitlements ?? []).forEach((glob, j) => {
      if (DN_LIKE.test(glob)) return;
      if (inScope.some((target) => knownPatterns(config, target).some((k) => overlaps(glob, k)))) return;
      out.push({
        path: [...path, 'entitlements', j],
        message: `${t.id}: "${glob}" matches no entitlement Cadre knows in ${inScope.join(', ') || 'any target'} (what the rules grant, managedEntitlements, the catalogue); name a group the directory holds unmanaged by its DN ("CN=VPN Users,*")`,
      });
    });
  });
  return out;
}
