/**
 * cadre.yaml schema (zod). Connector-specific `options` are validated by each connector's own `*Guard`.
 * Secrets may be given as `env:NAME` or `file:/path` references; see `secrets.ts`.
 */
import { NOTIFICATIONS_DEFAULT, notificationsGuard } from './schema-notifications.js';
import { z } from 'zod';
import { correlationTemplateProblem } from '../core/correlation.js';
import { isTimeZone } from '../core/lifecycle.js';
import { durationMs } from '../engine/duration.js';
import { WEB_DEFAULTS, webGuard } from './schema-web.js';
import { conditionGuard, exclusionGuard, type Condition } from './schema-shared.js';
import { formsGuard, protectionGuard, PROTECTION_DEFAULT } from './schema-forms.js';
import { REVIEWS_DEFAULT, reviewsGuard } from './schema-reviews.js';
import { CATALOG_DEFAULT, catalogGuard } from './schema-catalog.js';
import { FIRST_PASSWORD_DEFAULT, firstPasswordGuard } from './schema-first-password.js';
import { offboardingGuard } from './schema-offboarding.js';
import { webhooksGuard } from './schema-webhooks.js';

export { conditionGuard, exclusionGuard, type Condition };

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration like 30s, 5m, 1h, 7d');

/** Personio v1 source. */
export const personioSourceGuard = z.object({
  type: z.literal('personio'),
  /** Which Personio API to read: v1 (`/v1/company/employees`, the default) or v2 (`/v2/persons` + employments). */
  apiVersion: z.enum(['v1', 'v2']).optional(),
  baseUrl: z.string().url().default('https://api.personio.de'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  partnerId: z.string().optional(),
  appId: z.string().optional(),
  pageSize: z.number().int().min(1).max(100).default(100),
  /** Aliases for custom attributes: `phone: dynamic_123`. */
  customAttributes: z.record(z.string(), z.string().regex(/^dynamic_\d+$/)).default({}),
  /** Max retries for 5xx / network errors. */
  maxRetries: z.number().int().min(0).max(10).default(4),
  timeoutMs: z.number().int().positive().default(30_000),
  /** The webhook receiver (v2 only; see schema-webhooks.ts). */
  webhooks: webhooksGuard.optional(),
}).strict().refine((s) => s.webhooks?.enabled !== true || s.apiVersion === 'v2', { message: 'Personio webhooks need the v2 API (apiVersion: v2)', path: ['webhooks'] });

export const storeGuard = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('sqlite'), path: z.string().default('.cadre/cadre.db') }).strict(),
  z.object({ driver: z.literal('postgres'), url: z.string().min(1), poolSize: z.number().int().positive().default(10) }).strict(),
]);

/** One identifier kind (username, mail, upn…). */
export const identifierGuard = z.object({
  /** Tried in order; placeholders: {first} {last} {f} {first:N} {preferred} {n} and any other identifier {username}. */
  patterns: z.array(z.string().min(1)).min(1),
  maxLength: z.number().int().positive().max(256).default(64),
  /** `keep`: never changes once reserved. `regenerate`: follows name changes; old value kept as alias. */
  onNameChange: z.enum(['keep', 'regenerate']).default('keep'),
  /** Highest number tried for `{n}` before giving up. */
  maxNumber: z.number().int().positive().default(99),
}).strict();

/** An RBAC rule: when the condition holds, grant the entitlements per target. */
export const entitlementRuleGuard = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  when: conditionGuard.default({}),
  grant: z.record(z.string(), z.array(z.string().min(1)).min(1)),
}).strict();

export const placementGuard = z.object({
  /** Person attribute (or expression) whose value picks the container. */
  by: z.string().default('office'),
  map: z.record(z.string(), z.string()).default({}),
  default: z.string().optional(),
  /** Conditional overrides tried first (e.g. external staff). */
  rules: z.array(z.object({ when: conditionGuard, container: z.string() }).strict()).default([]),
  /** Container for disabled leavers, if they should move. */
  disabled: z.string().optional(),
}).strict();

export const targetGuard = z.object({
  type: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Connector-specific options, validated by the connector's guard. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** Target attribute → template/expression, e.g. `displayName: "{{ preferredName ?? firstName }} {{ lastName }}"`. */
  attributes: z.record(z.string(), z.string()).default({}),
  /** Which identifier kinds this target uses, and in which attributes they must be free. */
  identifiers: z.record(z.string(), z.array(z.string()).min(1)).default({}),
  placement: placementGuard.optional(),
  /** Entitlements Cadre manages here: only these are ever revoked. Prefix match with `*` allowed. */
  managedEntitlements: z.array(z.string()).default([]),
  /**
   * Secondary correlation for accounts that predate Cadre and lack the correlation id: an account whose
   * `attribute` equals the rendered `value` (e.g. `mail` = `{{ email }}`) is adopted and gets the id stamped.
   */
  secondaryCorrelation: z.object({ attribute: z.string().min(1), value: z.string().min(1) }).strict().optional(),
  /**
   * The value stamped into the correlation attribute, e.g. `P-{{ personId }}` (default: the plain person id), so
   * legacy values in that attribute (payroll numbers) are never taken for Personio ids. Only the person id and
   * fixed text: the value must never change for a person.
   */
  correlation: z.object({
    value: z.string().min(1).superRefine((v, c) => {
      const problem = correlationTemplateProblem(v);
      if (problem !== undefined) c.addIssue({ code: 'custom', message: problem });
    }),
  }).strict().optional(),
  /** Accounts Cadre never touches, even when they carry a correlation id (break-glass, service accounts). */
  exclude: z.array(exclusionGuard).default([]),
  /** Entitlements whose every grant needs `--approve` (globs, case-insensitive), e.g. `GG-Domain-Admins`, `Tier0-*`. */
  privilegedEntitlements: z.array(z.string().min(1)).default([]),
  /** Attributes set on create only and never updated afterwards (e.g. `sAMAccountName`). */
  createOnly: z.array(z.string()).default([]),
  /** Set an initial random password on create. */
  password: z.boolean().default(false),
  /**
   * Re-enabling a disabled account when the person is active again: `ifDisabledByCadre` (only accounts Cadre
   * disabled itself, so a security team's lock stays), `always`, or `never` (only day 1 of accounts Cadre created
   * disabled before the hire date). Accounts kept disabled are shown as held in the plan.
   */
  reenable: z.enum(['ifDisabledByCadre', 'always', 'never']).default('ifDisabledByCadre'),
  /** Leaver handling for this target. */
  leaver: z.object({
    removeEntitlements: z.boolean().default(false),
    moveToDisabled: z.boolean().default(false),
  }).strict().default({ removeEntitlements: false, moveToDisabled: false }),
}).strict();

export const thresholdGuard = z.object({
  count: z.number().int().nonnegative().optional(),
  percent: z.number().min(0).max(100).optional(),
}).strict();

const perAction = z.record(z.string(), thresholdGuard);

export const thresholdsGuard = z.object({
  /** Applies to every gated action without its own entry (enable, disable, delete, revoke, move, rename). */
  default: thresholdGuard.default({ count: 25, percent: 10 }),
  actions: perAction.default({}),
  /** Per target, per action. */
  targets: z.record(z.string(), perAction).default({}),
  /**
   * Adoptions of existing accounts (found by correlation) without their own entry under `actions`/`targets`: a
   * first sync against a populated directory is reviewed before legacy accounts are taken over.
   */
  adopt: thresholdGuard.default({ count: 10, percent: 10 }),
  /** Percent limits apply only once at least this many people are affected (one leaver in a tiny company is no mass change). */
  percentMinCount: z.number().int().min(1).default(5),
}).strict();

export const lifecycleGuard = z.object({
  /** Days before the hire date the (disabled) account is created. */
  preHireDays: z.number().int().min(0).default(14),
  /**
   * Which end date closes access (accounts disabled after the end of that day): `earliest` of the set dates
   * (default), or one named field; a named field that is unset falls back to the earliest of the others.
   */
  disableAt: z.enum(['earliest', 'lastWorkingDay', 'terminationDate', 'contractEnd']).default('earliest'),
  /** Days after the LATEST set end date until accounts are deleted. */
  retentionDays: z.number().int().min(0).default(90),
  /** `keep`: people on leave stay enabled. `disable`: disabled during leave. */
  leave: z.enum(['keep', 'disable']).default('keep'),
  /** IANA zone for "day 1" and "end of the last day". */
  timezone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Berlin').default('Europe/Berlin'),
  /** People missing from the source (deleted in Personio) are treated as leavers. */
  missingIsLeaver: z.boolean().default(true),
  /** Extra steps for leavers when the account is disabled (schema-offboarding.ts). */
  offboarding: offboardingGuard,
}).strict();

export const writeBackGuard = z.object({
  enabled: z.boolean().default(false),
  /** Personio attribute → expression, e.g. `email: "{{ id.mail }}"` or `dynamic_123: "{{ id.upn }}"`. */
  attributes: z.record(z.string(), z.string()).default({}),
}).strict();

/** The run lease: how often a run renews it, and after how long without renewal a holder counts as dead. */
export const runLeaseGuard = z.object({
  heartbeat: duration.default('30s'),
  timeout: duration.default('2m'),
}).strict().refine((l) => (durationMs(l.timeout) ?? 0) >= 2 * (durationMs(l.heartbeat) ?? 0), { message: 'timeout must be at least twice the heartbeat', path: ['timeout'] });

export const configGuard = z.object({
  version: z.literal(1).default(1),
  organisation: z.object({ name: z.string().default('Cadre'), domain: z.string().optional() }).strict().default({ name: 'Cadre' }),
  source: personioSourceGuard,
  store: storeGuard.default({ driver: 'sqlite', path: '.cadre/cadre.db' }),
  identifiers: z.record(z.string(), identifierGuard).default({}),
  lifecycle: lifecycleGuard.default({ preHireDays: 14, disableAt: 'earliest', retentionDays: 90, leave: 'keep', timezone: 'Europe/Berlin', missingIsLeaver: true, offboarding: [] }),
  targets: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'target names are lower-case identifiers'), targetGuard),
  entitlements: z.array(entitlementRuleGuard).default([]),
  thresholds: thresholdsGuard.default({ default: { count: 25, percent: 10 }, actions: {}, targets: {}, adopt: { count: 10, percent: 10 }, percentMinCount: 5 }),
  notifications: notificationsGuard.default(NOTIFICATIONS_DEFAULT),
  writeBack: writeBackGuard.default({ enabled: false, attributes: {} }),
  schedule: z.object({ every: duration.default('30s'), fullSyncEvery: duration.default('1h') }).strict().default({ every: '30s', fullSyncEvery: '1h' }),
  executor: z.object({ retries: z.number().int().min(0).default(3), concurrency: z.number().int().positive().default(4) }).strict().default({ retries: 3, concurrency: 4 }),
  runLease: runLeaseGuard.default({ heartbeat: '30s', timeout: '2m' }),
  web: webGuard.default(WEB_DEFAULTS),
  /** Accounts and groups no helpdesk form may touch (see schema-forms.ts). */
  protection: protectionGuard.default(PROTECTION_DEFAULT),
  /** Helpdesk forms of the web console (see schema-forms.ts). */
  forms: formsGuard,
  /** Access review campaigns (see schema-reviews.ts). */
  reviews: reviewsGuard.default(REVIEWS_DEFAULT),
  /** Request catalogue (see schema-catalog.ts). */
  catalog: catalogGuard.default(CATALOG_DEFAULT),
  /** How joiners' first credentials reach the manager (see schema-first-password.ts). */
  firstPassword: firstPasswordGuard.default(FIRST_PASSWORD_DEFAULT),
}).strict();

/** A validated cadre.yaml. */
export type CadreConfig = z.infer<typeof configGuard>;
export type TargetConfig = z.infer<typeof targetGuard>;
export type ExclusionRule = z.infer<typeof exclusionGuard>;
export type IdentifierConfig = z.infer<typeof identifierGuard>;
export type EntitlementRule = z.infer<typeof entitlementRuleGuard>;
export type PlacementConfig = z.infer<typeof placementGuard>;
export type ThresholdsConfig = z.infer<typeof thresholdsGuard>;
export type LifecycleConfig = z.infer<typeof lifecycleGuard>;
export type PersonioSourceConfig = z.infer<typeof personioSourceGuard>;
export type StoreConfig = z.infer<typeof storeGuard>;
