/**
 * Access reviews (`reviews:`): campaign templates an admin starts (or a schedule starts from the daemon tick). The
 * engine (src/engine/reviews/) builds the items, checks every decision and sends removals through the plan.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { durationMs } from '../engine/duration.js';

/** Text shown in the console: one per language. */
const localized = z.union([z.string().min(1), z.object({ en: z.string().min(1), de: z.string().min(1) }).strict()]);

/** What a campaign reviews. Every given field narrows (entitlement names are case-insensitive globs with `*`). */
export const reviewScopeGuard = z.object({
  entitlements: z.array(z.string().min(1)).min(1).optional(),
  targets: z.array(z.string().min(1)).min(1).optional(),
  /** HR departments of the holders (exact, case-insensitive). */
  departments: z.array(z.string().min(1)).min(1).optional(),
  /** Only grants from approved requests (the catalogue's request grants). */
  requestGrantsOnly: z.boolean().default(false),
}).strict();

/** One campaign template. */
export const reviewTemplateGuard = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'review ids are lower-case, digits and dashes (e.g. q4-groups)'),
  name: localized,
  scope: reviewScopeGuard.default({ requestGrantsOnly: false }),
  /** Who decides an item: the holder's manager (Personio supervisor) or the owner of the entitlement's catalogue item. */
  reviewers: z.object({
    by: z.enum(['manager', 'owner']).default('manager'),
    /** Console user id (local user name / OIDC subject) deciding items nobody else may (no manager, own access). */
    fallback: z.string().min(1),
  }).strict(),
  /** Time from start to the deadline (`14d`). */
  deadline: z.string().refine((d) => durationMs(d) !== undefined, 'a duration such as 14d').default('14d'),
  /** What an undecided item becomes at close. `keep`: nobody fears mass removal when reviewers stay silent. */
  default: z.enum(['keep', 'remove']).default('keep'),
  /** Optional cron expression (croner syntax): the daemon tick starts a campaign when it falls due. */
  schedule: z.string().min(1).refine((c) => {
    try { new Cron(c, { paused: true }).stop(); return true; } catch { return false; }
  }, 'a cron expression such as "0 8 1 */3 *"').optional(),
}).strict();

/**
 * The owner of an entitlement rule, told when a review removes what the rule grants: a mail address, or
 * `{ mail, owner }` where `owner` names who sees the flag in the console like a catalogue owner does (a Personio
 * person id, a console user id, or `group:<OIDC group>`). A bare string is both the mail address (when it has an `@`)
 * and the console user id.
 */
export const ruleOwnerGuard = z.union([
  z.string().min(1),
  z.object({ mail: z.string().email().optional(), owner: z.string().min(1).optional() }).strict()
    .refine((o) => o.mail !== undefined || o.owner !== undefined, 'give mail, owner or both'),
]);

/** `reviews:` in cadre.yaml. */
export const reviewsGuard = z.object({
  templates: z.array(reviewTemplateGuard).default([]),
  /** Who to tell when a review removes a rule grant: rule name → owner (else the flag is for admins). */
  ruleOwners: z.record(z.string(), ruleOwnerGuard).default({}),
}).strict().superRefine((r, ctx) => {
  const seen = new Set<string>();
  r.templates.forEach((t, i) => {
    if (seen.has(t.id)) ctx.addIssue({ code: 'custom', message: `duplicate review id ${t.id}`, path: ['templates', i, 'id'] });
    seen.add(t.id);
  });
});

/** Default of `reviews:`. */
export const REVIEWS_DEFAULT = { templates: [], ruleOwners: {} };

/** A validated `reviews:`. */
export type ReviewsConfig = z.infer<typeof reviewsGuard>;
/** One campaign template. */
export type ReviewTemplate = z.infer<typeof reviewTemplateGuard>;
/** A campaign's scope. */
export type ReviewScope = z.infer<typeof reviewScopeGuard>;

/** A rule's owner, normalised: where the mail goes, who sees the flag in the console, and how reports name them. */
export interface RuleOwner {
  readonly mail?: string;
  readonly owner?: string;
  readonly label: string;
}

/** The owner of a rule (`reviews.ruleOwners`), if one is configured. */
export function ruleOwnerOf(cfg: Pick<ReviewsConfig, 'ruleOwners'>, rule: string): RuleOwner | undefined {
  const o = cfg.ruleOwners[rule];
  if (o === undefined) return undefined;
  if (typeof o === 'string') return { ...(o.includes('@') ? { mail: o } : {}), owner: o, label: o };
  return { ...(o.mail !== undefined ? { mail: o.mail } : {}), ...(o.owner !== undefined ? { owner: o.owner } : {}), label: o.owner ?? o.mail ?? '' };
}

/** Rule → how reports name its owner. */
export function ruleOwnerLabels(cfg: Pick<ReviewsConfig, 'ruleOwners'>): Record<string, string> {
  return Object.fromEntries(Object.keys(cfg.ruleOwners).map((r) => [r, ruleOwnerOf(cfg, r)?.label ?? 'admins']));
}
