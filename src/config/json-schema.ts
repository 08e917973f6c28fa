/**
 * JSON Schema of cadre.yaml for editor completion and validation (yaml-language-server, VS Code,
 * IntelliJ). Generated from the zod schema, so it cannot drift; `schema/cadre.schema.json` is the
 * committed copy (`npx tsx scripts/gen-schema.ts`), and a test keeps the two equal.
 */
import { z } from 'zod';
import { configGuard } from './schema.js';

/** Descriptions shown by editors, by JSON pointer-like path into `properties`. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '': 'Cadre configuration: Personio source, identifier rules, targets, entitlements, thresholds and notifications.',
  version: 'Config format version. Always 1.',
  organisation: 'Your organisation (shown in the web console and mails).',
  source: 'The HR source of truth (Personio API v1). Secrets as env:NAME or file:/path.',
  'source.clientId': 'Personio API client id. Use env:NAME or file:/path instead of the literal value.',
  'source.clientSecret': 'Personio API client secret. Use env:NAME or file:/path; never commit it.',
  'source.customAttributes': 'Alias → Personio custom attribute id (dynamic_NNN), usable in rules as custom.<alias>.',
  store: "Cadre's own state: identifier reservations, known accounts, journal and audit log (sqlite or postgres).",
  identifiers: 'Identifier kinds (username, mail, upn…): patterns tried in order, unique across the store and every target.',
  lifecycle: 'When accounts are created (pre-hire), disabled (end date) and deleted (retention).',
  targets: 'Systems Cadre manages accounts in, by name (lower-case). Each has a type (sql, ad, entra, scim, rest) and type-specific options.',
  entitlements: 'RBAC rules: when a condition holds for a person, grant entitlements (groups, roles, licences) per target.',
  thresholds: 'Safety limits on destructive changes per plan; a plan over a limit is blocked until approved.',
  notifications: 'E-mail notifications (SMTP) and their recipients per event.',
  writeBack: 'Write identifiers back to Personio attributes.',
  schedule: 'Intervals for the daemon (cadre run / serve).',
  executor: 'Retries and concurrency when applying a plan.',
  web: 'The web console (cadre serve): listen address, public URL, session secret (env:NAME) and time-outs, optional OIDC sign-in.',
  'web.sessionSecret': 'Signs session cookies; at least 32 characters. Use env:NAME or file:/path. Required by cadre serve only.',
  protection: 'Accounts (DN, UPN or group globs, as targets.*.exclude), members of groups, and groups that no helpdesk form may touch.',
  forms: 'Helpdesk forms of the web console: resetPassword, unlock, edit (whitelisted attributes; edits of rule-mapped ones become overrides), disable (temporary, a hold) and groups; who may use them (roles, oidcGroups) and on whom (scope).',
  runLease: 'One writer at a time: runs renew the store lease every `heartbeat`; a holder silent for `timeout` counts as dead.',
};

/** The JSON Schema (draft-07: the widest editor support) of the cadre.yaml input, defaults included. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configGuard, { io: 'input', target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
  for (const [path, description] of Object.entries(DESCRIPTIONS)) {
    const node = path === '' ? schema : propertyAt(schema, path.split('.'));
    if (node) node.description = description;
  }
  return { ...schema, title: 'cadre.yaml' };
}

/** The schema as the committed file holds it (2-space JSON, trailing newline). */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

function propertyAt(schema: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const key of path) {
    const props = isObject(node) && isObject(node.properties) ? node.properties : undefined;
    node = props?.[key];
  }
  return isObject(node) ? node : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
