/**
 * What route modules get: the engine, the console config and the helpers every area needs (rendering a page in
 * the layout, the signed-in principal's scope, the audit actor). Route modules parse input, check authorisation,
 * call the engine and render; they hold no business logic.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebConfig } from '../config/schema-web.js';
import type { Person } from '../core/model.js';
import type { Role } from '../core/roles.js';
import type { Engine } from '../engine/engine.js';
import type { WebUser } from '../store/types.js';
import type { Lang, Translate } from './i18n/index.js';
import type { PersonIndex } from './person-index.js';
import type { Html } from './views/html.js';

/** Who is signed in. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Links a manager to their Personio person (their scope is this person's reports). */
  readonly personId?: string;
  readonly via: 'local' | 'oidc';
  /** OIDC only: the values of the groups/roles claim at sign-in (helpdesk forms may be granted by `oidcGroups`). */
  readonly groups?: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in principal, or `undefined` (anonymous). Set for every request before route handlers run. */
    principal: Principal | undefined;
    /** The UI language of this request. */
    lang: Lang;
    /** Translate for this request's language. */
    t: Translate;
  }
  interface Session {
    principal?: Principal;
    /** Sign-in instant (ms): the absolute time-out counts from here. */
    createdAt?: number;
    /** Last use (ms, refreshed at most once a minute): the idle time-out counts from here. */
    seenAt?: number;
    /** A one-time notice for the sign-in page (`expired`, `signedOut`). */
    notice?: 'expired' | 'signedOut';
    /** The next page after sign-in (OIDC round trips). */
    next?: string;
    /** The local user's row id (a user removed and added again under the same name is someone else). */
    localUserId?: string;
    /** CSRF secret (@fastify/csrf-protection). */
    _csrf?: string;
  }
}

/** A page to render inside the layout. */
export interface PageOptions {
  readonly title: string;
  readonly body: Html;
  readonly status?: number;
  /** The nav entry to mark as current (its path, e.g. `/persons`). */
  readonly current?: string;
}

/**
 * The principal of a local user. Its id is the user name, so audit entries read `web:alice`; user names are unique
 * and never renamed.
 */
export function localPrincipal(user: WebUser): Principal {
  return { id: user.username, name: user.displayName, role: user.role, via: 'local', ...(user.personId !== undefined ? { personId: user.personId } : {}) };
}

/** Options of {@link import('./app.js').buildApp}. */
export interface WebOptions {
  /** Clock for session time-outs (tests move it); defaults to the engine's clock. */
  readonly now?: () => Date;
  /** The resolved session secret (default: `web.sessionSecret` resolved by `webSecrets`). */
  readonly sessionSecret?: string;
  /** Resolved OIDC client secret (default: resolved from the config). */
  readonly oidcClientSecret?: string;
  /** Fastify request logging (default off: the engine logs what matters). */
  readonly logger?: boolean;
  /** Called for every route registered (the authorisation test collects them). */
  readonly onRoute?: (method: string, url: string) => void;
  /** The person index (the caller invalidates it after a sync in the same process); default: a new one. */
  readonly persons?: PersonIndex;
  /** Prometheus metrics shared with the scheduler in the same process. */
  readonly metrics?: import('../engine/metrics.js').CadreMetrics;
}

/** Shared helpers for route modules. */
export interface WebContext {
  readonly engine: Engine;
  readonly web: WebConfig;
  readonly options: WebOptions;
  /** The console's clock. */
  now(): Date;
  /** Send an HTML page in the layout (nav, language switch, CSRF meta tag). */
  page(req: FastifyRequest, reply: FastifyReply, page: PageOptions): FastifyReply;
  /** Send an error page with a status (generic text, nothing from the error itself). */
  error(req: FastifyRequest, reply: FastifyReply, status: number, message?: string): FastifyReply;
  /** A CSRF token for forms on this request's page. */
  csrf(reply: FastifyReply): string;
  /** The audit actor for a console action: `web:<principal id>`. */
  actor(principal: Principal): string;
  /** The person ids a principal may see: `undefined` = everyone (every role but manager). */
  scope(principal: Principal): Promise<ReadonlySet<string> | undefined>;
  /** Whether a principal may see this person (managers: only their reports). */
  canSee(principal: Principal, personId: string): Promise<boolean>;
  /** The in-memory person index (search, scope), refreshed on store changes. */
  readonly persons: PersonIndex;
  /** Registered `METHOD url` keys (the layout shows nav entries only for routes that exist). */
  readonly routes: ReadonlySet<string>;
}

/** A route module: one per area. */
export type RouteModule = (app: import('fastify').FastifyInstance, ctx: WebContext) => void | Promise<void>;

export type { Person };
