/** Options of the REST webhook target (`targets.<name>.options` with `type: rest`), validated with zod. */
import { z } from 'zod';

const bodyTemplate: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(bodyTemplate), z.record(z.string(), bodyTemplate)]));

/** One action's request: method, URL template (relative to `baseUrl` or absolute), optional JSON body template and headers. */
export const restActionGuard = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  url: z.string().min(1),
  body: bodyTemplate.optional(),
  headers: z.record(z.string().min(1), z.string()).default({}),
  /** Accepted statuses (default any 2xx). */
  status: z.array(z.number().int().min(100).max(599)).optional(),
}).strict();

/** The listing endpoint: every account in the managed scope, paged by offset/limit or by a next link. */
export const restListGuard = z.object({
  url: z.string().min(1),
  /** Dotted path of the array of accounts in each page (empty: the response is the array). */
  itemsPath: z.string().default(''),
  /** Dotted path of the next page's URL; when absent, offset paging with `offsetParam`/`limitParam`. */
  nextPath: z.string().min(1).optional(),
  offsetParam: z.string().min(1).default('offset'),
  limitParam: z.string().min(1).default('limit'),
  pageSize: z.number().int().min(1).max(1000).default(100),
}).strict();

/** zod guard for the REST target options. */
export const restTargetGuard = z.object({
  /** Base URL the action and list URLs are relative to. */
  baseUrl: z.string().url(),
  /** HMAC-SHA256 signing secret, `env:NAME`/`file:/path` (resolved before validation); never logged. */
  secret: z.string().min(16),
  /** Required: find, isFree and the planner's view of the target are read from it. */
  list: restListGuard,
  /** Optional lookup by correlation value (`{{ value }}`), answering a list in `list.itemsPath` shape; else the listing is filtered. */
  find: z.object({ url: z.string().min(1) }).strict().optional(),
  /** Dotted path of the account id in a listed item and in the create response. */
  anchorPath: z.string().min(1).default('id'),
  /** Item field holding the person id. */
  correlationAttribute: z.string().min(1).default('externalId'),
  /** Item field of the enabled flag (boolean); accounts without it count as enabled. */
  enabledPath: z.string().min(1).default('enabled'),
  /** Item field listing entitlement names (with `grant`/`revoke`). */
  entitlementsPath: z.string().min(1).default('entitlements'),
  actions: z.object({
    create: restActionGuard,
    update: restActionGuard,
    delete: restActionGuard.optional(),
    enable: restActionGuard.optional(),
    disable: restActionGuard.optional(),
    grant: restActionGuard.optional(),
    revoke: restActionGuard.optional(),
    /**
     * Offboarding (`lifecycle.offboarding` steps `webhook` and `homeFolder`): called after a leaver's accounts are
     * disabled, with `{{ step }}`, `{{ endDate }}` and for the home folder `{{ path }}` and `{{ managerId }}`.
     */
    offboard: restActionGuard.optional(),
  }).strict(),
  /** Attempts in total per request (first included), back-off base and cap. */
  retry: z.object({
    maxAttempts: z.number().int().min(1).max(20).default(4),
    baseDelayMs: z.number().int().min(0).default(500),
    maxDelayMs: z.number().int().min(0).default(30_000),
  }).strict().prefault({}),
  /** Optional JSON check on every write response: `path` must equal `equals`. */
  check: z.object({ path: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict().optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
  timeoutMs: z.number().int().positive().default(30_000),
}).strict()
  .refine((o) => (o.actions.enable === undefined) === (o.actions.disable === undefined), { message: 'declare enable and disable together', path: ['actions'] })
  .refine((o) => (o.actions.grant === undefined) === (o.actions.revoke === undefined), { message: 'declare grant and revoke together', path: ['actions'] });

/** Validated REST options. */
export type RestTargetOptions = z.infer<typeof restTargetGuard>;
/** One validated action request. */
export type RestAction = z.infer<typeof restActionGuard>;

/** Validate the options; a bad option throws `CONFIG_INVALID` naming its path. */
export function parseRestTargetOptions(name: string, options: Record<string, unknown>): RestTargetOptions {
  const parsed = restTargetGuard.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = ['targets', name, 'options', ...(issue?.path ?? []).map(String)].join('.');
  throw Object.assign(new Error(`${path}: ${issue?.message ?? 'invalid'}`), { code: 'CONFIG_INVALID' });
}
