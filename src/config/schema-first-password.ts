/**
 * `firstPassword:` the details of how a joiner's first credential reaches the manager; the choice itself is
 * `notifications.passwordDelivery` (issue 10 §5, never in the joiner mail):
 * - `console` (default): every initial password Cadre sets is sealed in the store and shown once to the manager
 *   (or an admin) in the console, then wiped;
 * - `tap`: as `console`, and for the Entra target (`firstPassword.tap.target`) Cadre also creates a Temporary
 *   Access Pass valid from the start of the hire day (in `lifecycle.timezone`), shown once the same way;
 * - `mail-separate`: the password goes by mail, in a mail of its own, on the start date (src/engine/effects/notify.ts).
 */
import { z } from 'zod';

export const firstPasswordGuard = z.object({
  tap: z.object({
    /** The Entra target the pass is created in; default: the only enabled `entra` target. */
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
export const FIRST_PASSWORD_DEFAULT = { tap: { lifetimeMinutes: 1440, usableOnce: false }, showForDays: 7 };

/** A validated `firstPassword:` block. */
export type FirstPasswordConfig = z.infer<typeof firstPasswordGuard>;
