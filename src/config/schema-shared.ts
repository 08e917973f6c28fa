/**
 * Guards used by several config sections (rules, placement, exclusions, helpdesk forms and protection), in their own
 * module so the section files can share them without importing schema.ts (which imports them).
 */
import { z } from 'zod';

const conditionValue = z.union([
  z.string(), z.number(), z.boolean(), z.null(),
  z.array(z.union([z.string(), z.number()])),
  z.object({
    in: z.array(z.union([z.string(), z.number()])).optional(),
    notIn: z.array(z.union([z.string(), z.number()])).optional(),
    matches: z.string().optional(),
    exists: z.boolean().optional(),
    not: z.union([z.string(), z.number(), z.boolean()]).optional(),
  }).strict(),
]);

/** `attribute: expected` predicates, ANDed; `any` ORs nested conditions; `expr` uses the expression language. */
export type Condition = { [attribute: string]: z.infer<typeof conditionValue> | Condition[] | string | undefined };
export const conditionGuard: z.ZodType<Condition> = z.lazy(() => z.record(z.string(), z.union([conditionValue, z.array(conditionGuard)])));

/**
 * One exclusion: accounts Cadre never touches. Exactly one of `dn`, `upn`, `memberOf`: a glob (`*`, `?`),
 * compared case-insensitively (DNs also ignore blanks around `,` and `=`).
 */
export const exclusionGuard = z.object({
  /** The account's distinguished name, e.g. `*,OU=Service Accounts,DC=example,DC=com`. */
  dn: z.string().min(1).optional(),
  /** The account's userPrincipalName, e.g. `breakglass*@example.com`. */
  upn: z.string().min(1).optional(),
  /**
   * A group or entitlement the account holds, e.g. `CN=Tier0 Admins,*`: in AD any group DN (or the managed group's
   * name); in Entra and SQL an entitlement Cadre manages (Entra listings read only managed group memberships).
   */
  memberOf: z.string().min(1).optional(),
  /** Why: shown in plan and explain. */
  reason: z.string().optional(),
}).strict().refine((r) => [r.dn, r.upn, r.memberOf].filter((x) => x !== undefined).length === 1, { message: 'an exclusion names exactly one of dn, upn or memberOf' });

