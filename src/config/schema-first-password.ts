/**
 * `firstPassword:` how a joiner's first credential reaches the manager (issue 10 §5). Never in the joiner mail by
 * default:
 * - `console` (default): every initial password Cadre sets is sealed in the store and shown once to the manager
 *   (or an admin) in the console, then wiped;
 * - `tap`: as `console`, and for the Entra target (`tap.target`) Cadre also creates a Temporary Access Pass valid
 *   from the start of the hire day (in `lifecycle.timezone`), shown once the same way;
 * - `mail-separate`: the password goes by mail, in a mail of its own, never before the start date.
 */
import { z } from 'zod';

/** The typed choice the joiner carries (also what the mail templates read). */
export const PASSWORD_DELIVERIES = ['console', 'tap', 'mail-separate'] as const;

export const firstPasswordGuard = z.object({
  delivery: z.enum(PASSWORD_DELIVERIES).default('console'),
  tap: z.object({
    /** The Entra target the pass is created in; default: the only `entra` target. */
    target: z.string().optional(),
    /**
     * Minutes the pass is valid from the start of the hire day: within the tenant's Temporary Access Pass policy,
     * whose maximum Entra sets to 480 by default (raise it to cover the first day; Graph allows up to 43200).
     */
    lifetimeMinutes: z.number().int().min(10).max(43200).default(1440),
    /** One sign-in only (the policy may force it). */
    usableOnce: z.boolean().default(false),
  }).strict().default({ lifetimeMinutes: 1440, usableOnce: false }),
  /** Days after the hire date an unviewed credential waits in the console before it is wiped. */
  showForDays: z.number().int().min(0).max(90).default(7),
  /**
   * Secret the sealing key is derived from (`env:NAME` / `file:PATH`, at least 32 characters); default
   * `web.sessionSecret`. Changing it makes waiting credentials unreadable (they are then reported, never shown).
   */
  key: z.string().optional(),
}).strict();

/** Defaults of {@link firstPasswordGuard}. */
export const FIRST_PASSWORD_DEFAULT = { delivery: 'console' as const, tap: { lifetimeMinutes: 1440, usableOnce: false }, showForDays: 7 };

/** A validated `firstPassword:` block. */
export type FirstPasswordConfig = z.infer<typeof firstPasswordGuard>;
/** How the first password is delivered. */
export type PasswordDelivery = (typeof PASSWORD_DELIVERIES)[number];
