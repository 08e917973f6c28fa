/**
 * `cadre validate` checks of `forms:` and `protection:` that the schema alone cannot make: unknown targets, duplicate
 * ids, forms nobody may use, attributes no form may edit (Cadre's own: identifiers, correlation, security flags),
 * protected groups offered by a groups form, and scope conditions. Pure: config in, problems out.
 */
import { groupMatcher } from '../core/forms.js';
import { conditionProblems } from '../core/rules/validate.js';
import type { RawProblem } from './issues.js';
import { parsePath } from './locate.js';
import type { CadreConfig } from './schema.js';

/**
 * Attributes no edit form may change, whatever the target (lower case): passwords and account flags have forms of
 * their own, identifiers and the correlation id are Cadre's, and the rest grant rights or change logins.
 */
export const NEVER_EDITABLE: ReadonlySet<string> = new Set([
  'unicodepwd', 'userpassword', 'password', 'passwordprofile', 'pwdlastset', 'lockouttime', 'useraccountcontrol', 'accountenabled',
  'accountexpires', 'memberof', 'member', 'primarygroupid', 'objectclass', 'objectguid', 'objectsid', 'sidhistory', 'distinguishedname',
  'cn', 'name', 'samaccountname', 'userprincipalname', 'employeeid', 'proxyaddresses', 'mail', 'admincount', 'serviceprincipalname',
  'altsecurityidentities', 'msds-keycredentiallink', 'msds-allowedtodelegateto', 'msds-allowedtoactonbehalfofotheridentity',
  'userworkstations', 'scriptpath', 'profilepath', 'homedirectory', 'manager', 'id',
]);

/** Attributes an edit form may not change in one target (lower case): the never-editable ones and Cadre's own there. */
export function reservedAttributes(config: CadreConfig, target: string): Set<string> {
  const t = config.targets[target];
  const out = new Set(NEVER_EDITABLE);
  if (!t) return out;
  for (const attrs of Object.values(t.identifiers)) for (const a of attrs) out.add(a.toLowerCase());
  for (const a of t.createOnly) out.add(a.toLowerCase());
  if (t.secondaryCorrelation) out.add(t.secondaryCorrelation.attribute.toLowerCase());
  return out;
}

/** Problems in `forms:` and `protection:`. */
export function checkForms(config: CadreConfig): RawProblem[] {
  const out: RawProblem[] = [];
  const targets = Object.keys(config.targets);
  const list = (s: readonly string[]): string => s.join(', ') || 'none defined';
  const protectedGroups = config.protection.groups.map(groupMatcher);
  const ids = new Map<string, number>();
  config.forms.forEach((form, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ['forms', i, ...rest];
    const prev = ids.get(form.id);
    if (prev !== undefined) out.push({ path: at('id'), message: `duplicate form id "${form.id}" (also forms[${prev}])` });
    else ids.set(form.id, i);
    if (form.roles.length === 0 && form.oidcGroups.length === 0) {
      out.push({ path: at('roles'), message: `form "${form.id}" names no roles and no oidcGroups: nobody could use it` });
    }
    (form.targets ?? []).forEach((t, j) => {
      if (!(t in config.targets)) out.push({ path: at('targets', j), message: `unknown target "${t}" (targets: ${list(targets)})` });
      else if (config.targets[t]?.enabled === false) out.push({ path: at('targets', j), message: `target "${t}" is disabled` });
    });
    if (form.scope.when !== undefined) {
      for (const p of conditionProblems(form.scope.when, `forms[${i}].scope.when`, config)) out.push({ path: parsePath(p.path), message: p.message });
    }
    if (form.type === 'edit') {
      const within = form.targets ?? targets;
      form.attributes.forEach((a, j) => {
        for (const t of within) {
          if (!(t in config.targets)) continue;
          if (reservedAttributes(config, t).has(a.toLowerCase())) {
            out.push({ path: at('attributes', j), message: `attribute "${a}" cannot be edited by a form in ${t}: it is an identifier, the correlation id, set at creation only, or an account or security attribute with a form or rule of its own` });
            break;
          }
        }
      });
      const seen = new Set<string>();
      form.attributes.forEach((a, j) => {
        if (seen.has(a.toLowerCase())) out.push({ path: at('attributes', j), message: `attribute "${a}" is listed twice` });
        seen.add(a.toLowerCase());
      });
    }
    if (form.type === 'groups') {
      form.groups.forEach((g, j) => {
        if (protectedGroups.some((m) => m(g))) out.push({ path: at('groups', j), message: `group "${g}" is listed under protection.groups: no form may change its members` });
        if (g.includes('{{')) out.push({ path: at('groups', j), message: 'a form names groups literally (no templates)' });
        // Every grant of a privileged entitlement needs an operator's --approve: a form could never grant it.
        const privileged = (form.targets ?? targets).find((t) => (config.targets[t]?.privilegedEntitlements ?? []).some((p) => groupMatcher(p)(g)));
        if (privileged !== undefined) out.push({ path: at('groups', j), message: `group "${g}" is a privileged entitlement in ${privileged} (targets.${privileged}.privilegedEntitlements): every grant needs --approve, so no form may offer it` });
      });
    }
  });
  return out;
}
