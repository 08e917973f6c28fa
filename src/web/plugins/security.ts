/**
 * Security headers (helmet, strict CSP), form bodies and the rate limiter (used per route: the sign-in POST).
 * No inline script or style anywhere, so the CSP needs no 'unsafe-inline' and no nonces.
 */
import helmet from '@fastify/helmet';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/** Register helmet, formbody and the (non-global) rate limiter. */
export async function registerSecurity(app: FastifyInstance, opts: { readonly https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Only behind https: on plain http://localhost it would break the demo's asset loads in some browsers.
        ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS makes sense only when the console is reached over https.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(rateLimit, { global: false });
}
