/**
 * `cadre sim graph`: runs the Microsoft Graph / Entra ID simulator in the foreground until SIGINT/SIGTERM.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { selfSignedCertificate, startGraphSimulator } from '../../targets/entra/simulator/index.js';
import type { GraphSimulatorOptions } from '../../targets/entra/simulator/index.js';
import { serveUntilSignal } from '../serve-until-signal.js';
import { parseSimArgs, stringArg } from '../sim-args.js';

const USAGE = `usage: cadre sim graph [options]
  --port N              port to listen on (default 8791; 0 = any free port)
  --host H              interface to bind (default 127.0.0.1)
  --state FILE          load the tenant from FILE if it exists; save it there on exit
  --throttle N/DUR      allow N Graph requests per window, e.g. 2000/10s (batch items count singly)
  --skus LIST           subscribed SKUs as PART:SEATS[,PART:SEATS…], e.g. SPE_E3:25,SPE_F1:100
  --domains LIST        verified domains (default example.onmicrosoft.com,example.com)
  --groups LIST         security groups to create at start (by displayName, skipped if present)
  --tenant ID           tenant id (default a fixed GUID)
  --client-id ID        accepted client id (with --client-secret; default: accept any)
  --client-secret S     accepted client secret
  --tls                 serve HTTPS with a self-signed certificate made at start (needs openssl);
                        the certificate's path is printed: trust it with NODE_EXTRA_CA_CERTS or caFile
  --tls-cert FILE       serve HTTPS with this PEM certificate (with --tls-key; implies --tls)
  --tls-key FILE        the PEM private key of --tls-cert
  --tap-lifetime MIN..MAX  the Temporary Access Pass policy's lifetime bounds in minutes (default Entra's 60..480;
                        each within 10..43200), e.g. 60..1440 for passes that cover a whole first day`;

/** Stable GUID-shaped id from a string (SKU ids for part numbers given on the command line). */
function guidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Parse `2000/10s` into a throttle window. */
export function parseThrottle(s: string): { limit: number; windowSeconds: number } | undefined {
  const m = /^(\d+)\/(\d+)(s|m)$/.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) return undefined;
  return { limit: Number(m[1]), windowSeconds: Number(m[2]) * (m[3] === 'm' ? 60 : 1) };
}

/** Parse `SPE_E3:25,SPE_F1:100`. */
export function parseSkus(s: string): GraphSimulatorOptions['skus'] | undefined {
  const out: NonNullable<GraphSimulatorOptions['skus']> = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_]+):(\d+)$/.exec(part);
    if (!m) return undefined;
    out.push({ skuId: guidFrom(`sku:${m[1] as string}`), skuPartNumber: m[1] as string, prepaidUnits: Number(m[2]) });
  }
  return out.length > 0 ? out : undefined;
}

/** Parse `60..1440` (the TAP policy's minimum and maximum lifetime; the default lifetime becomes the minimum). */
export function parseTapLifetime(s: string): { minimumLifetimeInMinutes: number; maximumLifetimeInMinutes: number; defaultLifetimeInMinutes: number } | undefined {
  const m = /^(\d+)\.\.(\d+)$/.exec(s.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 10 || max > 43200 || min > max) return undefined;
  return { minimumLifetimeInMinutes: min, maximumLifetimeInMinutes: max, defaultLifetimeInMinutes: min };
}

/** Entry point; returns the process exit code (0 after a signal, 2 on bad arguments, 1 on start failure). */
export async function simGraphCommand(args: string[]): Promise<number> {
  const values = parseSimArgs(args, {
    port: { type: 'string' }, host: { type: 'string' }, state: { type: 'string' }, throttle: { type: 'string' },
    skus: { type: 'string' }, domains: { type: 'string' }, groups: { type: 'string' }, tenant: { type: 'string' },
    'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
    tls: { type: 'boolean' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'tap-lifetime': { type: 'string' },
  }, USAGE);
  if (typeof values === 'number') return values;
  const str = (k: string): string | undefined => stringArg(values, k);
  const problems: string[] = [];
  const portRaw = str('port');
  const port = portRaw === undefined ? 8791 : Number(portRaw);
  if (portRaw !== undefined && (!/^\d+$/.test(portRaw) || port > 65535)) problems.push(`--port must be an integer 0–65535, got '${portRaw}'`);
  const throttle = str('throttle') === undefined ? undefined : parseThrottle(str('throttle') as string);
  if (str('throttle') !== undefined && !throttle) problems.push(`--throttle must look like 2000/10s, got '${str('throttle')}'`);
  const skus = str('skus') === undefined ? undefined : parseSkus(str('skus') as string);
  if (str('skus') !== undefined && !skus) problems.push(`--skus must look like SPE_E3:25,SPE_F1:100, got '${str('skus')}'`);
  if ((str('client-id') === undefined) !== (str('client-secret') === undefined)) problems.push('--client-id and --client-secret go together');
  if ((str('tls-cert') === undefined) !== (str('tls-key') === undefined)) problems.push('--tls-cert and --tls-key go together');
  const tapPolicy = str('tap-lifetime') === undefined ? undefined : parseTapLifetime(str('tap-lifetime') as string);
  if (str('tap-lifetime') !== undefined && !tapPolicy) problems.push(`--tap-lifetime must look like 60..1440 (minutes, 10..43200), got '${str('tap-lifetime')}'`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const clientId = str('client-id');
  const clientSecret = str('client-secret');
  const domains = str('domains')?.split(',').map((d) => d.trim()).filter(Boolean);
  let sim;
  let certFile: string | undefined;
  try {
    let tls: { key: string; cert: string } | undefined;
    const certArg = str('tls-cert');
    const keyArg = str('tls-key');
    if (certArg !== undefined && keyArg !== undefined) {
      tls = { cert: readFileSync(certArg, 'utf8'), key: readFileSync(keyArg, 'utf8') };
      certFile = certArg;
    } else if (values.tls === true) {
      const made = selfSignedCertificate();
      tls = { cert: made.cert, key: made.key };
      certFile = made.certFile;
    }
    sim = await startGraphSimulator({
      ...(tls ? { tls } : {}),
      port, host: str('host') ?? '127.0.0.1',
      ...(str('state') ? { stateFile: str('state') } : {}),
      ...(throttle ? { throttle } : {}),
      ...(skus ? { skus } : {}),
      ...(tapPolicy ? { tapPolicy } : {}),
      ...(domains && domains.length > 0 ? { verifiedDomains: domains } : {}),
      ...(str('tenant') ? { tenantId: str('tenant') } : {}),
      ...(clientId !== undefined && clientSecret !== undefined ? { clients: [{ clientId, clientSecret }] } : {}),
    });
  } catch (e) {
    process.stderr.write(`cannot start the Graph simulator: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  for (const name of (str('groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean)) {
    if ([...sim.state.groups.values()].some((g) => g.props.displayName === name)) continue;
    sim.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, '') || 'group', mailEnabled: false, securityEnabled: true });
  }
  process.stdout.write(`Microsoft Graph simulator listening at ${sim.url} (tenant ${sim.tenantId})\n`);
  // Lines a user pastes under `options:` as they are (test/integration/readme-sim-paste.test.ts pastes them).
  process.stdout.write(`In cadre.yaml, the options of a target with type: entra (any clientId and clientSecret are accepted${clientId !== undefined ? ' but the --client-id/--client-secret given' : ''}):\n`);
  process.stdout.write(`    authorityUrl: ${sim.url}\n    graphUrl: ${sim.url}\n    tenantId: ${sim.tenantId}\n${certFile !== undefined ? `    caFile: ${certFile}\n` : ''}`);
  process.stdout.write(`SKUs: ${sim.state.skus.map((s) => `${s.skuPartNumber} (${s.prepaidUnits} seats)`).join(', ')}${throttle ? `; throttle ${throttle.limit}/${throttle.windowSeconds}s` : ''}\n`);
  if (certFile !== undefined) {
    process.stdout.write(`TLS certificate: ${certFile} (clients trust it with NODE_EXTRA_CA_CERTS=${certFile} or options.caFile: ${certFile})\n`);
  }
  process.stdout.write(`Control: GET ${sim.url}/_sim/state, POST ${sim.url}/_sim/faults|clock|save. Ctrl-C stops.\n`);

  const running = sim;
  await serveUntilSignal(() => running.close());
  process.stdout.write(`Graph simulator stopped${str('state') ? `; tenant saved to ${str('state')}` : ''}\n`);
  return 0;
}
