/**
 * Test support: a real Samba AD DC started through `scripts/services/samba.sh` (once per process).
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'services', 'samba.sh');

/** Connection facts of the test domain EXAMPLE.TEST. */
export interface SambaEnv {
  readonly url: 'ldaps://127.0.0.1:636';
  readonly bindDN: string;
  readonly password: string;
  readonly baseDN: string;
}

let started: Promise<SambaEnv> | undefined;

/** The CA certificate Samba generated for its LDAPS listener (issued to DC1.example.test, not to 127.0.0.1). */
export function sambaCaFile(): string {
  const base = process.env['CADRE_SERVICES_DIR'] ?? join(dirname(SCRIPT), '..', '..', '.services');
  return join(base, 'samba', 'private', 'tls', 'ca.pem');
}

/** Run a samba.sh sub-command (install|start|stop|status|reset). */
export async function sambaCtl(cmd: 'install' | 'start' | 'stop' | 'status' | 'reset'): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, cmd], { timeout: 600_000, maxBuffer: 1 << 20 });
  return stdout;
}

/** Start Samba (installing and provisioning it when needed) once per process; resolves to its connection facts. */
export function sambaEnv(): Promise<SambaEnv> {
  started ??= sambaCtl('start').then(() => ({
    url: 'ldaps://127.0.0.1:636' as const,
    bindDN: 'CN=Administrator,CN=Users,DC=example,DC=test',
    password: 'Adm1n!Passw0rd',
    baseDN: 'DC=example,DC=test',
  })).catch((e: unknown) => {
    started = undefined;
    throw e;
  });
  return started;
}

/** A raw, bound ldapts client as Administrator (for setting up fixtures and checking results independently). */
export async function sambaAdmin(): Promise<import('ldapts').Client> {
  const env = await sambaEnv();
  const { Client } = await import('ldapts');
  const c = new Client({ url: env.url, tlsOptions: { rejectUnauthorized: false }, timeout: 60_000 });
  await c.bind(env.bindDN, env.password);
  return c;
}

/** Delete a subtree if it exists (tree-delete control). */
export async function deleteTree(client: import('ldapts').Client, dn: string): Promise<void> {
  const { Control } = await import('ldapts');
  try {
    await client.del(dn, [new Control('1.2.840.113556.1.4.805', { critical: true })]);
  } catch (e) {
    if ((e as { code?: number }).code !== 32) throw e;
  }
}

/** A quiet logger for connectors under test. */
export const quietLog = { info(): void {}, warn(): void {}, error(): void {}, debug(): void {} };

/** What a bind as a user gave: AD's data code 773 means the password is right but must be changed first. */
export type BindOutcome = 'ok' | 'mustChange' | 'locked' | 'wrongPassword' | 'disabled' | `other: ${string}`;

/** Bind as a user (DN or UPN) with a fresh connection and tell what happened. */
export async function userBind(who: string, password: string): Promise<BindOutcome> {
  const env = await sambaEnv();
  const { Client } = await import('ldapts');
  const c = new Client({ url: env.url, tlsOptions: { rejectUnauthorized: false }, timeout: 30_000 });
  try {
    await c.bind(who, password);
    return 'ok';
  } catch (e) {
    const m = /data ([0-9a-f]+)/i.exec(e instanceof Error ? e.message : String(e));
    switch (m?.[1]?.toLowerCase()) {
      case '773': return 'mustChange';
      case '775': return 'locked';
      case '52e': return 'wrongPassword';
      case '533': return 'disabled';
      default: return `other: ${e instanceof Error ? e.message : String(e)}`;
    }
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

/** A fine-grained password policy (PSO) with a lockout threshold, applied only to the accounts given it. */
export interface LockoutPolicy {
  readonly dn: string;
  readonly threshold: number;
  readonly minLength: number;
  applyTo(userDn: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * Create a PSO with a lockout threshold (3 failed binds, 30 minutes) that applies to no one until `applyTo`.
 * The domain itself has no lockout threshold, and must keep none: other tests run against the same DC.
 */
export async function createLockoutPolicy(admin: import('ldapts').Client, name: string, o: { minLength?: number } = {}): Promise<LockoutPolicy> {
  const env = await sambaEnv();
  const { Attribute, Change } = await import('ldapts');
  const dn = `CN=${name},CN=Password Settings Container,CN=System,${env.baseDN}`;
  const threshold = 3;
  const minLength = o.minLength ?? 7;
  const thirtyMinutes = String(-30n * 60n * 10_000_000n);
  await admin.add(dn, {
    objectClass: ['top', 'msDS-PasswordSettings'],
    'msDS-PasswordSettingsPrecedence': '10',
    'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
    'msDS-PasswordHistoryLength': '0',
    'msDS-PasswordComplexityEnabled': 'TRUE',
    'msDS-MinimumPasswordLength': String(minLength),
    'msDS-MinimumPasswordAge': '0',
    'msDS-MaximumPasswordAge': String(-42n * 24n * 3600n * 10_000_000n),
    'msDS-LockoutThreshold': String(threshold),
    'msDS-LockoutObservationWindow': thirtyMinutes,
    'msDS-LockoutDuration': thirtyMinutes,
  });
  return {
    dn, threshold, minLength,
    async applyTo(userDn) {
      await admin.modify(dn, [new Change({ operation: 'add', modification: new Attribute({ type: 'msDS-PSOAppliesTo', values: [userDn] }) })]);
    },
    async remove() {
      try {
        await admin.del(dn);
      } catch (e) {
        if ((e as { code?: number }).code !== 32) throw e;
      }
    },
  };
}

/** Lock an account out for real: failed binds until Samba answers "locked" (data 775). Needs a lockout policy. */
export async function lockOutByBinds(userDn: string, attempts = 6): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if ((await userBind(userDn, `wrong-${i}-Password!`)) === 'locked') return;
  }
  throw new Error(`${userDn} is not locked out after ${attempts} failed binds (no lockout policy applies?)`);
}
