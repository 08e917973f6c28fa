/**
 * Exclusions: accounts Cadre never touches (break-glass, service accounts), matched by DN, UPN or group
 * membership patterns per target. They are never linked, adopted, updated, disabled, deleted or revoked, and never
 * count as a correlation match; the plan and explain list them.
 */
import type { ExclusionRule } from '../config/schema.js';
import { globMatcher } from './glob.js';
import type { AccountState } from './model.js';

/** An excluded account as the plan lists it. */
/** Tests accounts of one target against its exclusion rules; the first matching rule is reported. */
export type ExclusionTest = (account: AccountState) => string | undefined;

const attr = (a: AccountState, name: string): string | undefined => {
  const key = Object.keys(a.attributes).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : a.attributes[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** The account's DN: reported by the connector, else its naming attribute in its container. */
function dnOf(a: AccountState): string | undefined {
  if (a.dn !== undefined) return a.dn;
  const cn = attr(a, 'cn');
  return cn !== undefined && a.container !== undefined ? `CN=${cn},${a.container}` : undefined;
}

/**
 * A compiled test for a target's rules (undefined when it has none). `path` names the rules in what the test reports
 * (default `targets.<target>.exclude`; the helpdesk's `protection.accounts` use the same matcher).
 */
export function exclusionTest(target: string, rules: readonly ExclusionRule[], path = `targets.${target}.exclude`): ExclusionTest | undefined {
  if (rules.length === 0) return undefined;
  const compiled = rules.map((r, i) => {
    const label = (what: string, p: string): string => `${path}[${i}] (${what}: ${p})${r.reason ? `: ${r.reason}` : ''}`;
    if (r.dn !== undefined) {
      const m = globMatcher(r.dn, true);
      return (a: AccountState): string | undefined => { const dn = dnOf(a); return dn !== undefined && m(dn) ? label('dn', r.dn as string) : undefined; };
    }
    if (r.upn !== undefined) {
      const m = globMatcher(r.upn);
      return (a: AccountState): string | undefined => { const upn = attr(a, 'userprincipalname'); return upn !== undefined && m(upn) ? label('upn', r.upn as string) : undefined; };
    }
    const m = globMatcher(r.memberOf as string, true);
    return (a: AccountState): string | undefined => ([...a.entitlements, ...(a.unmanaged ?? [])].some(m) ? label('memberOf', r.memberOf as string) : undefined);
  });
  return (a) => {
    for (const t of compiled) {
      const hit = t(a);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
}

/** A short name for an account: its login, UPN or naming attribute. */
export function accountName(a: AccountState): string | undefined {
  return attr(a, 'samaccountname') ?? attr(a, 'userprincipalname') ?? attr(a, 'cn') ?? attr(a, 'displayname');
}
