/**
 * OAuth 2.0 client-credentials token cache for Microsoft Graph. Tokens are refreshed before they
 * expire (single flight); the client secret and tokens never reach logs or error messages.
 */
import { EntraError } from './errors.js';
import { fetchTrusting } from './tls-fetch.js';

/** Where and how to get a token. */
export interface TokenSource {
  readonly authorityUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs: number;
  /** Extra CA certificate (PEM) to trust besides the public roots. */
  readonly ca?: string;
}

const SCOPE = 'https://graph.microsoft.com/.default';

/** Caches one app token. Stateful, hence a class. */
export class TokenProvider {
  private token: string | undefined;
  private expiresAt = 0;
  private refreshAt = 0;
  private inflight: Promise<string> | undefined;
  /** Tokens fetched so far (tests). */
  fetched = 0;

  constructor(private readonly src: TokenSource) {}

  /** A valid access token; refreshed when within the refresh margin of its expiry. */
  async get(): Promise<string> {
    const now = Date.now();
    if (this.token && now < this.refreshAt) return this.token;
    if (this.token && now < this.expiresAt) {
      // Still valid: refresh in the background, keep serving the current one.
      if (!this.inflight) this.inflight = this.fetchToken().finally(() => { this.inflight = undefined; });
      this.inflight.catch(() => undefined);
      return this.token;
    }
    if (!this.inflight) this.inflight = this.fetchToken().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  /** Drop the token (after a 401) so the next call fetches a fresh one. */
  invalidate(token: string): void {
    if (this.token === token) {
      this.token = undefined;
      this.expiresAt = 0;
      this.refreshAt = 0;
    }
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.src.authorityUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.src.tenantId)}/oauth2/v2.0/token`;
    const form = new URLSearchParams({ client_id: this.src.clientId, client_secret: this.src.clientSecret, scope: SCOPE, grant_type: 'client_credentials' });
    let res: Response;
    try {
      res = await fetchTrusting(this.src.ca)(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), signal: AbortSignal.timeout(this.src.timeoutMs) });
    } catch (err) {
      throw new EntraError('ENTRA_UNAVAILABLE', `token request to ${new URL(url).host} failed: ${err instanceof Error ? err.message : String(err)}`, true);
    }
    const body = await res.json().catch(() => ({})) as Record<string, unknown>;
    if (!res.ok || typeof body.access_token !== 'string') {
      // error_description starts with "AADSTSnnnn: <sentence>"; keep the first sentence only (no trace ids).
      const desc = typeof body.error_description === 'string' ? body.error_description.split(/ Trace ID:/)[0] : `HTTP ${res.status}`;
      const transient = res.status >= 500 || res.status === 429;
      throw new EntraError(transient ? 'ENTRA_UNAVAILABLE' : 'ENTRA_AUTH', `token request for client ${this.src.clientId} failed: ${String(body.error ?? res.status)}: ${desc}`, transient);
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3599);
    const now = Date.now();
    this.token = body.access_token;
    this.expiresAt = now + ttl * 1000 - Math.min(30_000, ttl * 250);
    this.refreshAt = now + ttl * 1000 - Math.min(300_000, (ttl * 1000) / 2);
    this.fetched += 1;
    return body.access_token;
  }
}
