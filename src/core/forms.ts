/**
 * Helpdesk form decisions, pure: who may use a form, on whom (scope), which accounts and groups no form may touch
 * (protection and Cadre's own exclusions), and which attributes an edit may change. The engine's helpdesk service
 * calls these on every submission with what the store and the target say, never with what a browser sent.
 */
import type { CadreConfig } from '../config/schema.js';
import type { FormConfig, ProtectionConfig } from '../config/schema-forms.js';
import { exclusionTest } from './exclusions.js';
import { globMatcher, normalizeDnLike } from './glob.js';
import type { AccountState, Person } from './model.js';
import { evaluateCondition } from './rules/conditions.js';
import { personContext } from './rules/context.js';

/** Who submits a form: the console's principal (or a CLI user). */
export interface FormPrincipal {
  readonly id: string;
  readonly role: string;
  /** OIDC groups of the principal (the configured groups claim), if signed in through OIDC. */
  readonly groups?: readonly string[];
  /** The principal's own Personio person (managers: whose reports they may act on). */
  readonly personId?: string;
}

/** A refusal: a stable code and a reason for the audit and the form (never a secret). */
export interface Refusal {
  readonly code: string;
  readonly reason: string;
}

/** A decision: allowed, or refused with a reason. */
export type Decision = { readonly ok: true } | ({ readonly ok: false } & Refusal);

const OK: Decision = { ok: true };
const no = (code: string, reason: string): Decision => ({ ok: false, code, reason });

/** Whether the principal may use the form at all: one of its roles, or one of its OIDC groups. Auditors never (read only). */
export function mayUseForm(form: FormConfig, principal: FormPrincipal): boolean {
  if (principal.role === 'auditor') return false;
  if ((form.roles as readonly string[]).includes(principal.role)) return true;
  const groups = new Set((principal.groups ?? []).map((g) => g.toLowerCase()));
  return form.oidcGroups.some((g) => groups.has(g.toLowerCase()));
}

/**
 * Whether `personId` reports to `managerId`, directly or transitively (the manager role's scope). Cycles in the HR
 * data end the walk.
 */
export function reportsTo(persons: ReadonlyMap<string, Person>, managerId: string, personId: string): boolean {
  const seen = new Set<string>();
  let cur = persons.get(personId)?.supervisorId;
  while (cur !== undefined && !seen.has(cur)) {
    if (cur === managerId) return true;
    seen.add(cur);
    cur = persons.get(cur)?.supervisorId;
  }
  return false;
}

/** The container of an account: the connector's, else the parent of its DN. */
function containerOf(a: AccountState): string | undefined {
  if (a.container !== undefined) return a.container;
  const dn = a.dn;
  if (dn === undefined) return undefined;
  const i = dn.search(/(?<!\\),/);
  return i < 0 ? undefined : dn.slice(i + 1);
}

/** Whether a container is `base` or below it (DN comparison, case- and blank-insensitive). */
export function isWithin(container: string, base: string): boolean {
  const c = normalizeDnLike(container);
  const b = normalizeDnLike(base);
  return c === b || c.endsWith(`,${b}`);
}

/** Whether a person and their account are inside the form's scope (`when` on the HR record, `containers` on the account). */
export function scopeDecision(form: FormConfig, person: Person, account: AccountState | undefined): Decision {
  const when = form.scope.when;
  if (when !== undefined && Object.keys(when).length > 0) {
    const r = evaluateCondition(when, personContext(person, {}), `forms.${form.id}.scope.when`);
    if (!r.matched) return no('HELPDESK_OUT_OF_SCOPE', `person ${person.id} is outside the scope of form ${form.id} (${r.because})`);
  }
  const containers = form.scope.containers;
  if (containers !== undefined && account !== undefined) {
    const c = containerOf(account);
    if (c === undefined || !containers.some((b) => isWithin(c, b))) {
      return no('HELPDESK_OUT_OF_SCOPE', `the account in ${account.target} is in ${c ?? 'no known container'}, outside the containers of form ${form.id}`);
    }
  }
  return OK;
}

/** The common name of a DN (`CN=GG-VPN,OU=…` → `GG-VPN`), else the value itself. */
function cnOf(v: string): string {
  const m = /^cn=((?:\\.|[^,\\])+),/i.exec(v.trim());
  return m ? (m[1] as string).replace(/\\(.)/g, '$1') : v;
}

/** A matcher for a group pattern: a DN glob when it contains `=`, else a name glob also tried on a DN's common name. */
export function groupMatcher(pattern: string): (membership: string) => boolean {
  if (pattern.includes('=')) {
    const m = globMatcher(pattern, true);
    return (g) => m(g);
  }
  const m = globMatcher(pattern);
  return (g) => m(g) || m(cnOf(g));
}

/**
 * Whether forms may touch an account: Cadre's own exclusions (`targets.<t>.exclude`), `protection.accounts` (the same
 * matcher) and membership of a `protection.memberOf` group. Check every state known of the account (stored and
 * live): one protected view is enough to refuse.
 */
export function protectionDecision(config: CadreConfig, target: string, accounts: readonly AccountState[]): Decision {
  const excluded = exclusionTest(target, config.targets[target]?.exclude ?? []);
  const prot: ProtectionConfig = config.protection;
  const protectedBy = exclusionTest(target, prot.accounts, 'protection.accounts');
  const groups = prot.memberOf.map((p) => ({ p, m: groupMatcher(p) }));
  for (const a of accounts) {
    const ex = excluded?.(a);
    if (ex !== undefined) return no('HELPDESK_PROTECTED', `the account is excluded from Cadre (${ex}): no form may touch it`);
    const pr = protectedBy?.(a);
    if (pr !== undefined) return no('HELPDESK_PROTECTED', `the account is protected (${pr})`);
    const memberships = [...a.entitlements, ...(a.unmanaged ?? [])];
    for (const { p, m } of groups) {
      if (memberships.some(m)) return no('HELPDESK_PROTECTED', `the account is a member of a protected group (protection.memberOf: ${p})`);
    }
  }
  return OK;
}

/** Whether a groups form may change membership of `group`: listed by the form, and not a protected group. */
export function groupDecision(config: CadreConfig, form: FormConfig, group: string): Decision {
  if (form.type !== 'groups') return no('HELPDESK_FORM_TYPE', `form ${form.id} is not a groups form`);
  if (config.protection.groups.some((p) => groupMatcher(p)(group))) {
    return no('HELPDESK_GROUP_PROTECTED', `group ${group} is protected (protection.groups): no form may change its members`);
  }
  if (!form.groups.some((g) => g.toLowerCase() === group.toLowerCase())) {
    return no('HELPDESK_GROUP_NOT_IN_FORM', `group ${group} is not one of form ${form.id}'s groups (${form.groups.join(', ')})`);
  }
  return OK;
}

/** The form's spelling of each requested attribute, or a refusal naming the ones outside its whitelist. */
export function attributeDecision(form: FormConfig, names: readonly string[]): Decision & { readonly attributes?: readonly string[] } {
  if (form.type !== 'edit') return no('HELPDESK_FORM_TYPE', `form ${form.id} is not an edit form`);
  if (names.length === 0) return no('HELPDESK_NOTHING_TO_DO', 'no attribute to change');
  const allowed = new Map(form.attributes.map((a) => [a.toLowerCase(), a]));
  const refused = names.filter((n) => !allowed.has(n.toLowerCase()));
  if (refused.length > 0) {
    return no('HELPDESK_ATTRIBUTE_NOT_ALLOWED', `form ${form.id} may not change ${refused.map((r) => JSON.stringify(r.slice(0, 64))).join(', ')} (allowed: ${form.attributes.join(', ')})`);
  }
  return { ok: true, attributes: names.map((n) => allowed.get(n.toLowerCase()) as string) };
}

/** The targets a form acts in: its own list, or every enabled target that `supports` the form's action. */
export function formTargets(form: FormConfig, config: CadreConfig, supports: (target: string) => boolean): string[] {
  const list = form.targets ?? Object.keys(config.targets).filter((t) => config.targets[t]?.enabled !== false);
  return list.filter((t) => config.targets[t]?.enabled !== false && supports(t));
}
