/** Options of the Entra ID target (`targets.<name>.options` with `type: entra`), validated with zod. */
import { z } from 'zod';

/** zod guard for the Entra target options. */
export const entraTargetGuard = z.object({
  /** Directory (tenant) id or a verified domain. */
  tenantId: z.string().min(1),
  /** App registration (client) id. */
  clientId: z.string().min(1),
  /** Client secret, already resolved from `env:`/`file:`. Never logged. */
  clientSecret: z.string().min(1),
  authorityUrl: z.string().url().default('https://login.microsoftonline.com'),
  graphUrl: z.string().url().default('https://graph.microsoft.com'),
  /** Usage location set before a licence is assigned to a user without one (ISO 3166 alpha-2). */
  usageLocation: z.string().regex(/^[A-Z]{2}$/, 'two upper-case letters (ISO 3166)').default('DE'),
  /** Entitlement name → SKU part number (e.g. `SPE_E3`) or skuId. Entitlements not listed here are groups. */
  licences: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Entitlement name → group displayName or object id (default: the entitlement name is the displayName). */
  groups: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Groups whose members `list()` reads (names as entitlements); default: `groups` keys + non-licence managedEntitlements. */
  managedGroups: z.array(z.string().min(1)).optional(),
  /** Name changes also change the userPrincipalName. */
  upnFollowsName: z.boolean().default(false),
  /** Disable also revokes refresh tokens / sessions. */
  revokeSessionsOnDisable: z.boolean().default(true),
  /** Disable also removes the licences Cadre manages (frees seats). */
  removeLicencesOnDisable: z.boolean().default(false),
  /** Max HTTP requests in flight. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Requests per JSON `$batch` (1 = no batching). Graph allows at most 20. */
  batchSize: z.number().int().min(1).max(20).default(20),
  /** Retries for 5xx / network errors. Throttling (429) is retried separately, always honouring Retry-After. */
  maxRetries: z.number().int().min(0).max(20).default(5),
  /** Retries for 429 per request before giving up as a transient failure. */
  maxThrottleRetries: z.number().int().min(0).max(1000).default(50),
  timeoutMs: z.number().int().positive().default(60_000),
  /** PEM file of an extra CA to trust for authorityUrl and graphUrl (e.g. the Graph simulator's `--tls` certificate). */
  caFile: z.string().min(1).optional(),
}).strict();

/** Validated Entra options. */
export type EntraTargetOptions = z.infer<typeof entraTargetGuard>;
