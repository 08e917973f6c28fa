/**
 * RBAC: every rule whose `when` holds grants its entitlements per target. Each grant keeps the rule
 * that produced it (shown by `explain`). Entitlement names may be templates (`GG-{{ department }}`).
 */
import type { CadreConfig, EntitlementRule } from '../../config/schema.js';
import type { Grant } from '../model.js';
import { evaluateCondition } from './conditions.js';
import { escapeDnValue, looksLikeDn } from '../dn.js';
import { asText, compileTemplate, findClose } from './expressions.js';
import type { Context } from './expressions.js';

/**
 * A templated entitlement name. In a DN-shaped one (`CN=GG-{{ department }},OU=Groups,…`) every value is
 * DN-escaped (RFC 4514): HR data like `R&D, Europe` stays one RDN value instead of adding RDNs (or breaking the DN).
 */
function renderName(raw: string, ctx: Context): string {
  if (!looksLikeDn(raw.replace(/\{\{[\s\S]*?\}\}/g, 'x'))) return asText(compileTemplate(raw).render(ctx)).trim();
  compileTemplate(raw); // syntax errors as for any template
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const open = raw.indexOf('{{', i);
    if (open === -1) { out += raw.slice(i); break; }
    out += raw.slice(i, open);
    const close = findClose(raw, open + 2);
    out += escapeDnValue(asText(compileTemplate(raw.slice(open, close + 2)).render(ctx)));
    i = close + 2;
  }
  return out.trim();
}

/** Grants for one target, deduplicated case-insensitively (the first matching rule wins). */
export function entitlementsFor(rules: readonly EntitlementRule[], target: string, ctx: Readonly<Record<string, unknown>>): Grant[] {
  const out: Grant[] = [];
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    const names = rule.grant[target];
    if (!names) continue;
    const r = evaluateCondition(rule.when, ctx, `entitlements[${i}].when`);
    if (!r.matched) continue;
    for (const raw of names) {
      const name = raw.includes('{{') ? renderName(raw, ctx) : raw;
      if (name === '') continue;
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name, reason: { kind: 'rule', source: rule.name, detail: rule.description ? `${rule.description} (${r.because})` : r.because } });
    }
  }
  return out;
}

/**
 * The entitlement names the config grants literally in one target (rules, and catalogue items), in config order
 * and deduplicated case-insensitively. A connector that can name one group several ways (AD: cn, sAMAccountName,
 * DN) names memberships by these, so what it lists compares equal to what the rules grant.
 */
export function literalGrants(config: Pick<CadreConfig, 'entitlements'> & { catalog?: { items: readonly { target: string; entitlement: string }[] } }, target: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (n: string): void => {
    if (n.includes('{{') || seen.has(n.toLowerCase())) return;
    seen.add(n.toLowerCase());
    out.push(n);
  };
  for (const rule of config.entitlements) for (const g of rule.grant[target] ?? []) add(g);
  for (const item of config.catalog?.items ?? []) if (item.target === target) add(item.entitlement);
  return out;
}

/** A compiled "is this entitlement managed by Cadre in this target" predicate. */
export type ManagedPredicate = (entitlement: string) => boolean;

const managedCache = new WeakMap<object, Map<string, ManagedPredicate>>();

/**
 * Entitlements Cadre may revoke in a target: `managedEntitlements` patterns (exact, or prefix with a
 * trailing `*`, case-insensitive). When none are configured, every entitlement named in a rule's grant
 * for the target is managed (template grants: their literal prefix).
 */
export function managedPredicate(config: CadreConfig, target: string): ManagedPredicate {
  let perConfig = managedCache.get(config);
  if (!perConfig) { perConfig = new Map(); managedCache.set(config, perConfig); }
  const hit = perConfig.get(target);
  if (hit) return hit;
  let patterns = config.targets[target]?.managedEntitlements ?? [];
  if (patterns.length === 0) {
    const derived: string[] = [];
    for (const rule of config.entitlements) {
      for (const g of rule.grant[target] ?? []) {
        const i = g.indexOf('{{');
        if (i < 0) derived.push(g);
        else if (i > 0) derived.push(`${g.slice(0, i)}*`);
      }
    }
    patterns = derived;
  }
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1).toLowerCase());
    else exact.add(p.toLowerCase());
  }
  const pred: ManagedPredicate = (e) => {
    const l = e.toLowerCase();
    return exact.has(l) || prefixes.some((p) => l.startsWith(p));
  };
  perConfig.set(target, pred);
  return pred;
}
