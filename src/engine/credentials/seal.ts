/**
 * Sealing of first credentials at rest: AES-256-GCM with a key derived by HKDF-SHA256 from `firstPassword.key`
 * (an `env:`/`file:` secret) or, without it, `web.sessionSecret`. The row's identity (id, person, target, kind) is
 * the additional authenticated data, so a sealed value copied into another row does not open.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { CadreConfig } from '../../config/schema.js';
import { resolveSecret } from '../../config/secrets.js';

const INFO = 'cadre first-credential v1';
const PREFIX = 'v1.';

/** Where the key comes from, for messages (never the value). */
export function keySource(config: Pick<CadreConfig, 'firstPassword' | 'web'>): string {
  return config.firstPassword.key !== undefined ? 'firstPassword.key' : 'web.sessionSecret';
}

/** The sealing key, or undefined when neither secret is configured or readable (then nothing can be kept). */
export function credentialKey(config: Pick<CadreConfig, 'firstPassword' | 'web'>, env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const ref = config.firstPassword.key ?? config.web.sessionSecret;
  if (ref === undefined) return undefined;
  let secret: string;
  try {
    secret = resolveSecret(ref, keySource(config), { env });
  } catch {
    return undefined;
  }
  if (secret.length < 32) return undefined;
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/** Seal `plain` under `key`, bound to `aad`. */
export function seal(key: Buffer, aad: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** Open a sealed value; undefined when the key, the binding or the value does not match. */
export function unseal(key: Buffer, aad: string, sealed: string): string | undefined {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (raw.length < 29) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
