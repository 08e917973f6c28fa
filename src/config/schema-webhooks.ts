/**
 * `source.webhooks:` in cadre.yaml: Cadre's receiver for Personio v2 webhooks. Off by default; when on, `cadre run`
 * and `cadre serve` take each delivered event, store it, acknowledge it and sync that person at once, and the
 * schedule's incremental ticks stop polling Personio (Personio forbids polling where webhooks exist).
 */
import { z } from 'zod';

/** The receiver's own listener (always used by `cadre run`; by `cadre serve` only when given). */
export const webhookListenGuard = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8090),
}).strict();

/** `source.webhooks`. */
export const webhooksGuard = z.object({
  enabled: z.boolean().default(false),
  /** The path Personio posts to (the URL registered with `cadre personio webhooks register`). */
  path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, 'expected an absolute URL path such as /webhooks/personio').default('/webhooks/personio'),
  /** The token Personio sends verbatim in `Authorization` (`env:NAME` or `file:/path`); required when enabled. */
  token: z.string().min(1).optional(),
  /** Own listener; without it `cadre serve` serves the path on the console's port. */
  listen: webhookListenGuard.optional(),
  /** TLS for the own listener (PEM files). Omit behind a TLS-terminating reverse proxy. */
  tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
  /** Largest accepted body in bytes (Personio's envelopes are dataless and small). */
  bodyLimit: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
}).strict().refine((w) => !w.enabled || w.token !== undefined, { message: 'webhooks need a token (token: env:PERSONIO_WEBHOOK_TOKEN)', path: ['token'] });

/** A validated `source.webhooks`. */
export type WebhooksConfig = z.infer<typeof webhooksGuard>;
