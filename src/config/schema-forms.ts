/**
 * Helpdesk forms (`forms:`) and the accounts and groups no form may touch (`protection:`). The web console renders
 * the forms; the engine (`src/engine/helpdesk/`) re-checks every submission against this config.
 */
import { z } from 'zod';
import { conditionGuard, exclusionGuard } from './schema-shared.js';

/** Console roles a form may name. Not `auditor`: auditors are read only, so a form naming them is a config error. */
export const FORM_ROLES = ['admin', 'helpdesk', 'manager'] as const;
/** One of {@link FORM_ROLES}. */
export type FormRole = (typeof FORM_ROLES)[number];

/** Form types, each with its own engine entry point. */
export const FORM_TYPES = ['resetPassword', 'unlock', 'edit', 'disable', 'groups'] as const;
/** One of {@link FORM_TYPES}. */
export type FormType = (typeof FORM_TYPES)[number];

/** Text shown in the console: one string, or one per language (`{ en: …, de: … }`). */
const localized = z.union([z.string().min(1), z.record(z.string().regex(/^[a-z]{2}$/, 'a two-letter language code such as en or de'), z.string().min(1))]);

/** Which people a form may act on: rule conditions on the HR record, and/or the OUs their accounts are in. */
export const formScopeGuard = z.object({
  /** Same syntax as `entitlements[].when`, evaluated on the stored HR record. */
  when: conditionGuard.optional(),
  /** Container DNs: the account must be in one of them or below (case-insensitive, blanks around `,` ignored). */
  containers: z.array(z.string().min(1)).min(1).optional(),
}).strict();

const formBase = {
  /** Stable id (the console's URL and the audit's `form`). */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'form ids are lower-case, digits and dashes (e.g. reset-password)'),
  title: localized.optional(),
  description: localized.optional(),
  /** Console roles that may use the form. */
  roles: z.array(z.enum(FORM_ROLES)).default([]),
  /** OIDC groups (from the configured groups claim) whose members may use it, whatever their role. */
  oidcGroups: z.array(z.string().min(1)).default([]),
  /** Targets the form acts in (default: every enabled target that supports it). */
  targets: z.array(z.string().min(1)).min(1).optional(),
  scope: formScopeGuard.default({}),
};

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'an attribute name (letters, digits, dashes)');

/** Reset a password: generated (`src/util/password.ts`) or typed and checked against the target's policy. */
export const resetPasswordFormGuard = z.object({
  ...formBase,
  type: z.literal('resetPassword'),
  password: z.object({
    /** Offer a generated password. */
    generate: z.boolean().default(true),
    /** Let the helpdesk type one (checked against the target's password policy before it is sent). */
    allowTyped: z.boolean().default(false),
    /** Must change at next logon: always, never, or `ask` (the form asks, default yes). */
    mustChange: z.union([z.boolean(), z.literal('ask')]).default(true),
    /** Length of generated passwords. */
    length: z.number().int().min(12).max(64).default(16),
  }).strict().refine((p) => p.generate || p.allowTyped, { message: 'a reset form needs generate: true or allowTyped: true' })
    .default({ generate: true, allowTyped: false, mustChange: true, length: 16 }),
}).strict();

/** Unlock a locked-out account. */
export const unlockFormGuard = z.object({ ...formBase, type: z.literal('unlock') }).strict();

/** Ad hoc edit of whitelisted attributes; an edit of an attribute the rules map becomes an override. */
export const editFormGuard = z.object({
  ...formBase,
  type: z.literal('edit'),
  /** The only attributes this form may change. */
  attributes: z.array(attributeName).min(1),
  /** An override of a rule-mapped attribute expires after this many days (absent: until removed). */
  overrideDays: z.number().int().positive().optional(),
}).strict();

/** Temporary disable / enable: a hold with `disable`, so the next sync keeps the account disabled. */
export const disableFormGuard = z.object({
  ...formBase,
  type: z.literal('disable'),
  /** Longest hold a submission may ask for, in days (absent: open-ended allowed). */
  maxDays: z.number().int().positive().optional(),
}).strict();

/** Group membership among the form's groups. */
export const groupsFormGuard = z.object({
  ...formBase,
  type: z.literal('groups'),
  /** Entitlement names (as rules name them) the form may add and remove. */
  groups: z.array(z.string().min(1)).min(1),
  /** A form's change of a group expires after this many days (absent: until removed). */
  overrideDays: z.number().int().positive().optional(),
}).strict();

/** One form. */
export const formGuard = z.discriminatedUnion('type', [resetPasswordFormGuard, unlockFormGuard, editFormGuard, disableFormGuard, groupsFormGuard]);

/** `forms:`. */
export const formsGuard = z.array(formGuard).default([]);

/** `protection:` accounts and groups no form may touch. */
export const protectionGuard = z.object({
  /** Accounts by DN, UPN or group-membership glob (the same matcher as `targets.*.exclude`). */
  accounts: z.array(exclusionGuard).default([]),
  /** Members of these groups (names or DN globs) are untouchable by forms. */
  memberOf: z.array(z.string().min(1)).default([]),
  /** Groups no form may add anyone to or remove anyone from (names or DN globs). */
  groups: z.array(z.string().min(1)).default([]),
}).strict();

/** Default of `protection:`. */
export const PROTECTION_DEFAULT = { accounts: [], memberOf: [], groups: [] };

export type FormConfig = z.infer<typeof formGuard>;
export type ProtectionConfig = z.infer<typeof protectionGuard>;
export type ResetPasswordForm = z.infer<typeof resetPasswordFormGuard>;
export type EditForm = z.infer<typeof editFormGuard>;
export type GroupsForm = z.infer<typeof groupsFormGuard>;
export type DisableForm = z.infer<typeof disableFormGuard>;
export type UnlockForm = z.infer<typeof unlockFormGuard>;
export type FormScope = z.infer<typeof formScopeGuard>;
