/**
 * From an IdP's claims to a console principal: which role the configured groups/roles claim grants, and who the
 * person is. Pure: the OIDC flow (oidc.ts) and the routes feed it claims and config.
 */

/** Console roles, most privileged first: the first role whose groups the user has wins. */
export const ROLE_PRECEDENCE = ['admin', 'helpdesk', 'manager', 'auditor'] as const;
/** A console role. */
export type OidcRole = (typeof ROLE_PRECEDENCE)[number];

/** Config keys the mapping reads (`web.oidc`). */
export interface ClaimMapping {
  rolesClaim: string;
  roleMap: Partial<Record<OidcRole, readonly string[]>>;
  personClaim?: string;
}

/** Claims as JSON from the ID token or userinfo. */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * Read a claim by name; a dotted name reaches into objects (Keycloak's `realm_access.roles`) when no claim has the
 * dotted name itself.
 */
export function claimValue(claims: Claims, name: string): unknown {
  if (name in claims) return claims[name];
  let cur: unknown = claims;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The groups/roles in a claim: a string (one value, or space/comma separated as some IdPs send) or a string array. */
export function claimGroups(claims: Claims, rolesClaim: string): string[] {
  const v = claimValue(claims, rolesClaim);
  if (typeof v === 'string') return v.split(/[\s,]+/).filter((s) => s.length > 0);
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  return [];
}

/**
 * The role the claims grant, or undefined when no group of the user is mapped. Group names compare
 * case-insensitively, as the forms' `oidcGroups` do (Entra sends object ids whose case varies where people copy them).
 */
export function mapRole(claims: Claims, m: ClaimMapping): OidcRole | undefined {
  const groups = new Set(claimGroups(claims, m.rolesClaim).map((g) => g.toLowerCase()));
  return ROLE_PRECEDENCE.find((role) => (m.roleMap[role] ?? []).some((g) => groups.has(g.toLowerCase())));
}

/** A stable, readable principal id: the e-mail (lower case) when the IdP sends one, else `sub`. */
export function principalId(claims: Claims): string {
  const email = claims.email;
  if (typeof email === 'string' && email.includes('@')) return email.trim().toLowerCase();
  return String(claims.sub);
}

/** A display name: `name`, else `preferred_username`, else the e-mail, else `sub`. */
export function displayName(claims: Claims): string {
  for (const k of ['name', 'preferred_username', 'email', 'sub']) {
    const v = claims[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return 'unknown';
}

/** The value of the person claim (trimmed), when it is a non-empty string. */
export function personClaimValue(claims: Claims, personClaim: string | undefined): string | undefined {
  const v = personClaim ? claimValue(claims, personClaim) : undefined;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
