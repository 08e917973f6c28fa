/**
 * Request catalogue (`catalog:`): what managers (and, with `selfService`, employees) may request, who approves it,
 * for how long. The engine (src/engine/requests/) checks every request and decision; grants go through the plan.
 */
import { z } from 'zod';
import { durationMs } from '../engine/duration.js';

const localized = z.union([z.string().min(1), z.object({ en: z.string().min(1), de: z.string().min(1) }).strict()]);
const duration = z.string().refine((d) => durationMs(d) !== undefined, 'a duration such as 5d');

/** Who an approval stage asks: the person's manager, the item's owner, or listed approvers (person / principal ids). */
export const approvalStageGuard = z.object({
  by: z.enum(['manager', 'owner', 'approvers']),
  approvers: z.array(z.string().min(1)).min(1).optional(),
  /** `any`: one approval moves on; `all`: every approver of the stage must approve. */
  mode: z.enum(['any', 'all']).default('any'),
}).strict().refine((s) => s.by !== 'approvers' || s.approvers !== undefined, 'approvers: list the person or principal ids');

/** One catalogue item. */
export const catalogItemGuard = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'item ids are lower-case, digits and dashes (e.g. crm-access)'),
  name: localized,
  description: localized.optional(),
  target: z.string().min(1),
  entitlement: z.string().min(1),
  /** Person id, console principal id, or `group:<OIDC group>`. */
  owner: z.string().min(1),
  approval: z.object({
    stages: z.array(approvalStageGuard).min(1),
    /** Undecided this long after the request: auto-denied. */
    deadline: duration.default('7d'),
    justification: z.boolean().default(true),
  }).strict(),
  duration: z.union([
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('maxDays'), maxDays: z.number().int().positive() }).strict(),
    z.object({ kind: z.literal('fixed'), endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
  ]).default({ kind: 'none' }),
  revokeOnChange: z.array(z.enum(['department', 'position'])).default([]),
  incompatibleWith: z.array(z.string().min(1)).default([]),
  selfService: z.boolean().default(false),
}).strict();

/** `catalog:`. */
export const catalogGuard = z.object({
  items: z.array(catalogItemGuard).default([]),
}).strict().superRefine((c, ctx) => {
  const ids = new Set<string>();
  for (const it of c.items) {
    if (ids.has(it.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `duplicate catalogue item ${it.id}`, path: ['items'] });
    ids.add(it.id);
  }
  for (const it of c.items) for (const x of it.incompatibleWith) {
    if (!ids.has(x)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${it.id}: incompatibleWith names unknown item ${x}`, path: ['items'] });
  }
});

/** Default: no catalogue. */
export const CATALOG_DEFAULT = { items: [] };
/** A catalogue item after defaults. */
export type CatalogItem = z.infer<typeof catalogItemGuard>;
