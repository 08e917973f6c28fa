/** Options of the SCIM 2.0 target (`targets.<name>.options` with `type: scim`), validated with zod. */
import { z } from 'zod';

/** Authentication: a bearer token or HTTP basic. Secrets come already resolved from `env:`/`file:`; never logged. */
export const scimAuthGuard = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }).strict(),
]);

/** zod guard for the SCIM target options. */
export const scimTargetGuard = z.object({
  /** Base URL of the SCIM service, the part before `/Users` (e.g. `https://app.example.com/scim/v2`). */
  baseUrl: z.string().url(),
  auth: scimAuthGuard,
  /**
   * Where the person id lives: `externalId` (default, the attribute SCIM reserves for the client's id) or a
   * mapped attribute path such as `userName` or `employeeNumber`.
   */
  correlationAttribute: z.string().min(1).default('externalId'),
  /** Entitlement name → group displayName (default: the entitlement name is the displayName). */
  groups: z.record(z.string().min(1), z.string().min(1)).default({}),
  /**
   * `auto` (default): PATCH when `/ServiceProviderConfig` says `patch.supported`, else PUT (read-modify-write).
   * `put`: always PUT, for servers that claim PATCH but implement it badly.
   */
  updateMethod: z.enum(['auto', 'put']).default('auto'),
  /** Resources per ListResponse page asked for (the server may return fewer). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Max operations in flight. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Retries for 429 / 5xx / network errors, honouring Retry-After. */
  maxRetries: z.number().int().min(0).max(20).default(4),
  /** Longest wait for one Retry-After before giving up as a transient failure, in seconds. */
  maxRetryAfter: z.number().int().min(0).max(3600).default(120),
  timeoutMs: z.number().int().positive().default(30_000),
}).strict();

/** Validated SCIM options. */
export type ScimTargetOptions = z.infer<typeof scimTargetGuard>;

/** Validate the options; a bad option throws `CONFIG_INVALID` naming its path. */
export function parseScimTargetOptions(name: string, options: Record<string, unknown>): ScimTargetOptions {
  const parsed = scimTargetGuard.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = ['targets', name, 'options', ...(issue?.path ?? []).map(String)].join('.');
  throw Object.assign(new Error(`${path}: ${issue?.message ?? 'invalid'}`), { code: 'CONFIG_INVALID' });
}
