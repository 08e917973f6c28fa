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
