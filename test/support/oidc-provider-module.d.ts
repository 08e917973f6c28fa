/**
 * The small part of `oidc-provider` (v9, ships no types) that the test support uses. Only what
 * test/support/oidc-provider.ts calls is declared, so a change in the package's API shows up as a type error there.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What `findAccount` returns for a known account. */
  export interface ProviderAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** Client metadata as registered statically (snake_case, as in RFC 7591). */
  export interface ProviderClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
  }

  /** The configuration keys the test provider sets. */
  export interface ProviderConfiguration {
    clients?: ProviderClientMetadata[];
    findAccount?: (ctx: unknown, id: string) => Promise<ProviderAccount | undefined>;
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    conformIdTokenClaims?: boolean;
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean };
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    cookies?: { keys?: string[] };
    jwks?: { keys: Record<string, unknown>[] };
    ttl?: Record<string, number>;
  }

  /** A registered client as the provider models it. */
  export interface ProviderClient {
    redirectUriAllowed(value: string): boolean;
  }

  /** The provider (a Koa application). */
  export class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    readonly issuer: string;
    readonly Client: { prototype: ProviderClient };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
  export default Provider;
}
