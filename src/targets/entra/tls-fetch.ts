/**
 * A `fetch` that also trusts extra CA certificates (`options.caFile`), for a Graph endpoint behind a
 * private CA such as the simulator's self-signed certificate. Node's built-in fetch takes no CA option
 * (NODE_EXTRA_CA_CERTS is read only at process start), so these requests go through node:https.
 */
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** The subset of RequestInit the Graph client sends. */
export interface FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** A fetch-like function. */
export type FetchFn = (url: string, init: FetchInit) => Promise<Response>;

/** Global fetch when `ca` is absent; otherwise https requests trusting the public roots plus `ca` (PEM). */
export function fetchTrusting(ca: string | undefined): FetchFn {
  if (ca === undefined) return (url, init) => fetch(url, init);
  const trusted = [...rootCertificates, ca];
  return (url, init) => new Promise<Response>((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'https:') {
      fetch(url, init).then(resolve, reject);
      return;
    }
    const req = httpsRequest(u, { method: init.method, headers: init.headers, ca: trusted, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          else if (v !== undefined) headers.set(k, v);
        }
        const status = res.statusCode ?? 0;
        // Response refuses a body for null-body statuses (204, 304).
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
