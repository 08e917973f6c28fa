/**
 * Semantic validation of the rules in a (schema-valid) config, for `cadre validate`: templates,
 * regular expressions, identifier patterns and cycles, grants to unknown targets, placement.
 */
import type { CadreConfig, Condition } from '../../config/schema.js';
import { compileCondition, conditionPaths } from './conditions.js';
import { PERSON_PATHS } from './context.js';
import { compileExpression, compileTemplate } from './expressions.js';
import { identifierOrder, parsePattern } from './identifiers.js';

/** One problem, with the config path it concerns. */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
}

function checkTemplate(src: string, path: string, out: RuleProblem[], kinds: ReadonlySet<string>): void {
  try {
    const t = compileTemplate(src);
    for (const p of t.paths) checkPath(p, path, out, kinds);
  } catch (e) {
    out.push({ path, message: (e as Error).message });
  }
}

/** Root of a path must be a known context field; `id.<kind>` / `aliases.<kind>` must name a configured kind. */
function checkPath(p: string, path: string, out: RuleProblem[], kinds: ReadonlySet<string>): void {
  const [root, second] = p.split('.');
  if (root === undefined || !PERSON_PATHS.has(root)) {
    out.push({ path, message: `unknown attribute "${p}" (person fields, custom.<name>, id.<kind>, aliases.<kind>, manager.*, lifecycle, endDate)` });
    return;
  }
  if ((root === 'id' || root === 'aliases') && second !== undefined && !kinds.has(second)) {
    out.push({ path, message: `"${p}": no identifier kind "${second}" is configured (known: ${[...kinds].join(', ') || 'none'})` });
  }
}

function checkCondition(cond: Condition | undefined, path: string, out: RuleProblem[], kinds: ReadonlySet<string>): void {
  try {
    compileCondition(cond, path);
  } catch (e) {
    const err = e as Error & { path?: string };
    const where = err.path ?? path;
    out.push({ path: where, message: err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message });
    return;
  }
  for (const key of conditionPaths(cond)) checkPath(key, `${path}.${key}`, out, kinds);
  const walk = (c: Condition | undefined, p: string): void => {
    if (!c) return;
    for (const [k, v] of Object.entries(c)) {
      if (k === 'expr' && typeof v === 'string') {
        try { for (const x of compileExpression(v).paths) checkPath(x, `${p}.expr`, out, kinds); } catch { /* reported above */ }
      } else if ((k === 'any' || k === 'all') && Array.isArray(v)) v.forEach((cc, i) => walk(cc as Condition, `${p}.${k}[${i}]`));
    }
  };
  walk(cond, path);
}

/** Problems of one condition outside the rules (a helpdesk form's scope), against the config's identifier kinds. */
export function conditionProblems(cond: Condition | undefined, path: string, config: CadreConfig): RuleProblem[] {
  const out: RuleProblem[] = [];
  checkCondition(cond, path, out, new Set(Object.keys(config.identifiers)));
  return out;
}

/**
 * Validate rules. Returns every problem found (empty when the rules are usable). Never throws.
 */
export function validateRules(config: CadreConfig): RuleProblem[] {
  const out: RuleProblem[] = [];
  const kinds = new Set(Object.keys(config.identifiers));
  const targets = new Set(Object.keys(config.targets));

  for (const [kind, ic] of Object.entries(config.identifiers)) {
    ic.patterns.forEach((p, i) => {
      const path = `identifiers.${kind}.patterns[${i}]`;
      try {
        const parsed = parsePattern(p, kinds, path);
        if (parsed.kinds.includes(kind)) out.push({ path, message: `pattern "${p}" references its own kind {${kind}}` });
        if (!parsed.pieces.some((x) => x.t !== 'lit')) out.push({ path, message: `pattern "${p}" has no placeholder: every person would get the same value` });
      } catch (e) {
        out.push({ path, message: (e as Error).message.replace(`${path}: `, '') });
      }
    });
  }
  try {
    identifierOrder(config.identifiers);
  } catch (e) {
    const err = e as Error & { path?: string };
    if (!out.some((x) => x.path.startsWith('identifiers.'))) out.push({ path: err.path ?? 'identifiers', message: err.message.replace(/^[^:]+: /, '') });
  }

  for (const [name, t] of Object.entries(config.targets)) {
    for (const [attr, tpl] of Object.entries(t.attributes)) checkTemplate(tpl, `targets.${name}.attributes.${attr}`, out, kinds);
    for (const kind of Object.keys(t.identifiers)) {
      if (!kinds.has(kind)) out.push({ path: `targets.${name}.identifiers.${kind}`, message: `identifier kind "${kind}" is not configured under identifiers` });
    }
    const pl = t.placement;
    if (pl) {
      const path = `targets.${name}.placement.by`;
      try {
        const paths = pl.by.includes('{{') ? compileTemplate(pl.by).paths : compileExpression(pl.by).paths;
        for (const p of paths) checkPath(p, path, out, kinds);
      } catch (e) {
        out.push({ path, message: (e as Error).message });
      }
      pl.rules.forEach((r, i) => checkCondition(r.when, `targets.${name}.placement.rules[${i}].when`, out, kinds));
      if (Object.keys(pl.map).length === 0 && pl.default === undefined && pl.rules.length === 0) {
        out.push({ path: `targets.${name}.placement`, message: 'placement has no map, rules or default: no container can be chosen' });
      }
    }
    if (t.leaver.moveToDisabled && pl?.disabled === undefined) {
      out.push({ path: `targets.${name}.leaver.moveToDisabled`, message: 'moveToDisabled is set but placement.disabled names no container' });
    }
  }

  config.entitlements.forEach((rule, i) => {
    const path = `entitlements[${i}]`;
    checkCondition(rule.when, `${path}.when`, out, kinds);
    for (const [target, names] of Object.entries(rule.grant)) {
      if (!targets.has(target)) {
        out.push({ path: `${path}.grant.${target}`, message: `rule "${rule.name}" grants to target "${target}", which is not configured (targets: ${[...targets].join(', ') || 'none'})` });
        continue;
      }
      names.forEach((n, j) => { if (n.includes('{{')) checkTemplate(n, `${path}.grant.${target}[${j}]`, out, kinds); });
    }
  });
  const seenNames = new Map<string, number>();
  config.entitlements.forEach((rule, i) => {
    const prev = seenNames.get(rule.name);
    if (prev !== undefined) out.push({ path: `entitlements[${i}].name`, message: `duplicate rule name "${rule.name}" (also entitlements[${prev}]): explain could not tell them apart` });
    else seenNames.set(rule.name, i);
  });

  for (const [key, tpl] of Object.entries(config.writeBack.attributes)) {
    checkTemplate(tpl, `writeBack.attributes.${key}`, out, kinds);
    if (key !== 'email' && !/^dynamic_\d+$/.test(key) && !(key in config.source.customAttributes)) {
      out.push({ path: `writeBack.attributes.${key}`, message: `"${key}" is neither email, a dynamic_NNN attribute nor a configured custom attribute alias` });
    }
    if (key === 'email' && config.source.apiVersion !== 'v2') {
      out.push({ path: `writeBack.attributes.${key}`, message: 'Personio v1 cannot change the e-mail address (PATCH ignores it): write it to a custom attribute (dynamic_NNN), or use source.apiVersion: v2, whose PATCH /v2/persons writes email' });
    }
  }
  return out;
}
