/**
 * `notifications:` — SMTP (TLS required unless `allowPlain`), recipients per event, the mail language, how a joiner's
 * first password reaches the manager, and the daily digest. Imported by schema.ts.
 */
import { z } from 'zod';

/** Languages the mail templates exist in. */
export const MAIL_LANGUAGES = ['en', 'de'] as const;
/** One of {@link MAIL_LANGUAGES}. */
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/**
 * How the manager gets a joiner's first password. `console`: shown once in the web console (default); `tap`: an Entra
 * Temporary Access Pass from day 1; `mail-separate`: mailed in a mail of its own, sent on or after the start date only.
 * The joiner mail itself never carries a password.
 */
export const PASSWORD_DELIVERY = ['console', 'tap', 'mail-separate'] as const;
/** One of {@link PASSWORD_DELIVERY}. */
export type PasswordDelivery = (typeof PASSWORD_DELIVERY)[number];

export const smtpGuard = z.object({
  host: z.string(),
  port: z.number().int().positive().default(587),
  /** Implicit TLS (port 465). Without it, STARTTLS is required unless `allowPlain`. */
  secure: z.boolean().default(false),
  /** Allow SMTP without TLS (a relay on localhost): mails and credentials travel unencrypted. Off by default. */
  allowPlain: z.boolean().default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string(),
  /** Accept self-signed certificates (tests only). */
  insecure: z.boolean().default(false),
}).strict();

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export const digestGuard = z.object({
  /** Recipients (addresses; `manager`/`person` make no sense for a summary). */
  to: z.array(z.string()).min(1),
  /** Local time of day in `lifecycle.timezone` from which the day's digest is sent (once per day). */
  at: z.string().regex(TIME_OF_DAY, 'HH:MM, e.g. 07:00').default('07:00'),
}).strict();

export const notificationsGuard = z.object({
  smtp: smtpGuard.optional(),
  /** Mail language for recipients whose Personio `language_code` is unknown or not one of the templates'. */
  defaultLanguage: z.enum(MAIL_LANGUAGES).default('en'),
  passwordDelivery: z.enum(PASSWORD_DELIVERY).default('console'),
  /** Recipients by event: `manager`, `person`, or fixed addresses. */
  events: z.partialRecord(z.enum(['joiner', 'mover', 'leaver', 'blocked', 'failure']), z.array(z.string())).default({}),
  /** A summary of the previous day, once per day. */
  digest: digestGuard.optional(),
}).strict();

/** Defaults of `notifications:`. */
export const NOTIFICATIONS_DEFAULT = { defaultLanguage: 'en', passwordDelivery: 'console', events: {} } as const;

/** How `cadre validate` describes the SMTP transport security. */
export function describeSmtp(smtp: z.infer<typeof smtpGuard>): string {
  const tls = smtp.secure ? 'implicit TLS' : smtp.allowPlain ? 'PLAIN allowed (allowPlain: true; STARTTLS when offered, else unencrypted)' : 'STARTTLS required';
  return `smtp ${smtp.host}:${smtp.port}, ${tls}${smtp.insecure ? ', certificate not checked (insecure: true)' : ''}`;
}
