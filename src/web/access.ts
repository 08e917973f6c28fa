/**
 * The authorisation table: one row per route, `'METHOD /path'` → the roles allowed, or `'public'`.
 * `buildApp` looks every registered route up here and enforces the row in a preHandler; a route without a row
 * makes start-up fail. `test/integration/web-authz.test.ts` calls every route as every role and anonymous and
 * checks the outcome against this table. Whoever adds a route adds its row.
 *
 * Managers get person routes but see only their reports there (the route returns 404 for anyone else); that scope
 * is checked by the route with `ctx.canSee`, not by this table.
 */
import { ROLES, type Role } from '../core/roles.js';

/** The webhook receiver's row; it applies at whatever path `source.webhooks.path` names. */
export const WEBHOOK_ROUTE = 'POST /webhooks/personio';
/** Unsafe routes without the CSRF check: a machine posts them with its own credential, never a browser. */
export const CSRF_EXEMPT: ReadonlySet<string> = new Set([WEBHOOK_ROUTE]);

/** Who may call a route. */
export type Access = 'public' | readonly Role[];

const EVERYONE: readonly Role[] = ROLES;
/** Who may open and submit helpdesk forms (the service then checks each form's roles and groups). */
const HELPDESK_FORMS: readonly Role[] = ['admin', 'helpdesk', 'manager'];
/** The trail and the reports: auditors and admins (helpdesk actions per period too: it is about the helpdesk). */
const AUDIT: readonly Role[] = ['admin', 'auditor'];

/** The table. */
export const ACCESS: Readonly<Record<string, Access>> = {
  // assets, health
  'GET /assets/*': 'public',
  'GET /assets/htmx.min.js': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  // Aggregates only (no person data); bind the console to a trusted interface or scrape through the proxy.
  'GET /metrics': 'public',
  // Personio webhooks (only when source.webhooks is on and served by the console, at source.webhooks.path): no
  // session and no CSRF token, the Authorization token is the credential (checked in constant time).
  'POST /webhooks/personio': 'public',
  // auth, language
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': EVERYONE,
  'POST /lang': 'public',
  // OIDC (only registered when web.oidc is configured): the redirect to the IdP and its way back.
  'GET /auth/oidc': 'public',
  'GET /auth/oidc/callback': 'public',
  // dashboard
  'GET /': EVERYONE,
  'POST /approvals': ['admin'],
  'GET /plan': ['admin', 'auditor'],
  // persons (managers: their reports only, enforced by the routes with ctx.canSee)
  'GET /persons': ['admin', 'helpdesk', 'manager', 'auditor'],
  'GET /persons/:id': ['admin', 'helpdesk', 'manager', 'auditor'],
  // holds (managers are not shown holds: those are IT decisions about people beyond their reports too)
  'GET /holds': ['admin', 'helpdesk', 'auditor'],
  'POST /holds': ['admin', 'helpdesk'],
  'POST /holds/remove': ['admin', 'helpdesk'],
  // helpdesk forms: the roles forms may name for submitting (auditors stay read-only); which forms a principal may
  // use on whom is the helpdesk service's decision (form roles, OIDC groups, manager scope, protection).
  'GET /forms': HELPDESK_FORMS,
  'GET /persons/:id/forms': HELPDESK_FORMS,
  'GET /persons/:id/forms/:formId': HELPDESK_FORMS,
  'POST /persons/:id/forms/:formId': HELPDESK_FORMS,
  // audit log viewer (read only; the full chain walk is a POST because it costs a walk of the whole log)
  'GET /audit': AUDIT,
  'POST /audit/verify': AUDIT,
  'GET /audit/export.csv': AUDIT,
  'GET /audit/export.json': AUDIT,
  // reports (each page with its CSV and JSON export) and the activity charts
  'GET /reports': AUDIT,
  'GET /reports/activity': AUDIT,
  'GET /reports/orphans': AUDIT,
  'GET /reports/orphans.csv': AUDIT,
  'GET /reports/orphans.json': AUDIT,
  'GET /reports/leavers-enabled': AUDIT,
  'GET /reports/leavers-enabled.csv': AUDIT,
  'GET /reports/leavers-enabled.json': AUDIT,
  'GET /reports/access-matrix': AUDIT,
  'GET /reports/access-matrix.csv': AUDIT,
  'GET /reports/access-matrix.json': AUDIT,
  'GET /reports/licences': AUDIT,
  'GET /reports/licences.csv': AUDIT,
  'GET /reports/licences.json': AUDIT,
  'GET /reports/who-has': AUDIT,
  'GET /reports/who-has.csv': AUDIT,
  'GET /reports/who-has.json': AUDIT,
  'GET /reports/helpdesk': AUDIT,
  'GET /reports/helpdesk.csv': AUDIT,
  'GET /reports/helpdesk.json': AUDIT,
  // access reviews: the inbox for every role (auditors see the campaigns, read only); who may decide which item is
  // the reviews engine's decision (manager of the person, the fallback user, admins; never one's own access).
  // catalogue requests: every signed-in principal may be an approver (the engine decides who decides what and for whom
  // a request may be made: manager scope, selfService); auditors read.
  'GET /requests': EVERYONE,
  'POST /requests': ['admin', 'helpdesk', 'manager'],
  'GET /requests/:id': EVERYONE,
  'POST /requests/:id/decide': ['admin', 'helpdesk', 'manager'],
  // an approver delegates their own approvals (the engine refuses oneself, groups and unknown users)
  'POST /requests/delegate': ['admin', 'helpdesk', 'manager'],
  // ends the principal's own delegation (the engine only touches delegations they gave)
  'POST /requests/delegate/end': ['admin', 'helpdesk', 'manager'],
  // "My people": a manager's reports with their access (the scope is the principal's own person's reports)
  'GET /people': ['manager'],
  // new hire credentials: shown once to the person's own manager or an admin (the engine checks whose, per item)
  'GET /credentials': ['admin', 'manager'],
  'POST /credentials/:id/reveal': ['admin', 'manager'],
  'GET /reviews': EVERYONE,
  'POST /reviews': ['admin'],
  'POST /reviews/:id/items/:seq': ['admin', 'helpdesk', 'manager'],
  'POST /reviews/:id/keep': ['admin', 'helpdesk', 'manager'],
  'POST /reviews/:id/close': ['admin'],
  'GET /reviews/:id': AUDIT,
  'GET /reviews/:id/export.csv': AUDIT,
  'GET /reviews/:id/export.json': AUDIT,
  // exceptions a closed campaign left: admins and auditors see all, anyone else those of the rules they own
  // (reviews.ruleOwners; the engine filters); only admins lift one.
  'GET /reviews/exceptions': EVERYONE,
  'POST /reviews/:id/items/:seq/lift': ['admin'],
};

/** The row of a route (`HEAD` follows `GET`), or `undefined` when it has none. */
export function accessFor(method: string, url: string): Access | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return ACCESS[`${m} ${url}`];
}

/** Whether a principal with `role` (or anonymous: `undefined`) passes a row. */
export function allows(access: Access, role: Role | undefined): boolean {
  return access === 'public' || (role !== undefined && access.includes(role));
}
