/**
 * A throw-away self-signed certificate for the Graph simulator's `--tls` mode. node:crypto makes keys
 * but no X.509 certificates, so this calls `openssl req -x509` (present on Debian and most systems).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM key and certificate, and where the certificate lies (for NODE_EXTRA_CA_CERTS or `caFile`). */
export interface SimCertificate {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Generates a 2-day self-signed certificate for `localhost` and 127.0.0.1/::1 into `dir` (default: a
 * fresh temporary directory). Throws with openssl's message if openssl is missing or fails.
 */
export function selfSignedCertificate(dir: string = mkdtempSync(join(tmpdir(), 'cadre-graph-tls-'))): SimCertificate {
  const keyFile = join(dir, 'graph-sim.key');
  const certFile = join(dir, 'graph-sim.crt');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-addext', 'basicConstraints=critical,CA:TRUE',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot generate a self-signed certificate with openssl: ${stderr || (e as Error).message}`);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile, keyFile };
}
