/**
 * Options of the generic SQL table target (`targets.<name>.options` with `type: sql`), validated with zod.
 * Table and column names are restricted to plain identifiers here AND quoted when used, so a config
 * value can never smuggle SQL into a statement.
 */
import { z } from 'zod';
import { SqlTargetError } from './errors.js';

/** A plain SQL identifier: letters, digits and `_`, not starting with a digit, at most 63 characters (PostgreSQL's limit). */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const identifier = z
  .string()
  .max(63, 'identifiers are at most 63 characters')
  .regex(SQL_IDENTIFIER, 'must be a plain SQL identifier (letters, digits and _, not starting with a digit)');

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** zod guard for the SQL target options. */
export const sqlTargetGuard = z
  .object({
    driver: z.enum(['sqlite', 'postgres']),
    /** SQLite database file (`driver: sqlite`). */
    path: z.string().min(1).optional(),
    /** PostgreSQL connection URL (`driver: postgres`). Never logged. */
    url: z.string().min(1).optional(),
    /** PostgreSQL schema of the tables; default: the connection's search path. */
    schema: identifier.optional(),
    /** Account table. */
    table: identifier,
    /** Primary key column: its value is the account anchor. */
    key: identifier,
    /** Generate the key as a random UUID on create (otherwise the database or a mapped attribute supplies it). */
    generateKey: z.boolean().default(false),
    /** Column holding the person id (the correlation attribute). */
    correlationColumn: identifier,
    /** Boolean / integer column for the enabled flag; without it the target cannot enable/disable. */
    enabledColumn: identifier.optional(),
    /** Values written to / recognised in `enabledColumn` when it is not boolean or 0/1 (e.g. `Y`/`N`). */
    enabledValues: z.object({ enabled: scalar, disabled: scalar }).strict().optional(),
    /** Column holding the container (department, site…); present → the target supports moves. */
    containerColumn: identifier.optional(),
    /** Attribute name (as in the target's `attributes:`) → column name. Unmapped attributes use a column of the same name. */
    columns: z.record(z.string().min(1), identifier).default({}),
    /** Entitlement table: one row per (account, entitlement). Present → the target supports entitlements. */
    entitlements: z
      .object({ table: identifier, accountColumn: identifier, entitlementColumn: identifier })
      .strict()
      .optional(),
    /** Create missing tables (demo and tests). Default false: Cadre never changes a foreign schema unasked. */
    createTables: z.boolean().default(false),
    /** Rows per `list()` page. */
    pageSize: z.number().int().min(1).max(10_000).default(500),
    /** Max concurrent operations (PostgreSQL only; SQLite always runs one at a time). */
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.driver === 'sqlite') {
      if (o.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'required for driver sqlite' });
      if (o.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'not used with driver sqlite (use path)' });
      if (o.schema !== undefined) ctx.addIssue({ code: 'custom', path: ['schema'], message: 'only supported with driver postgres' });
    } else {
      if (o.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'required for driver postgres' });
      if (o.path !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'not used with driver postgres (use url)' });
    }
    // Structural columns must be distinct: one column cannot be both the enabled flag and the container.
    const structural: Array<[string, string | undefined]> = [
      ['key', o.key], ['correlationColumn', o.correlationColumn], ['enabledColumn', o.enabledColumn], ['containerColumn', o.containerColumn],
    ];
    const seen = new Map<string, string>();
    for (const [field, col] of structural) {
      if (col === undefined) continue;
      const other = seen.get(col.toLowerCase());
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `column "${col}" is already used as ${other}` });
      else seen.set(col.toLowerCase(), field);
    }
    for (const [attr, col] of Object.entries(o.columns)) {
      const lc = col.toLowerCase();
      if (lc === o.enabledColumn?.toLowerCase() || lc === o.containerColumn?.toLowerCase()) {
        ctx.addIssue({ code: 'custom', path: ['columns', attr], message: `column "${col}" is the enabled/container column and cannot hold an attribute` });
      }
      if (o.generateKey && lc === o.key.toLowerCase()) {
        ctx.addIssue({ code: 'custom', path: ['columns', attr], message: `column "${col}" is the generated key and cannot hold an attribute` });
      }
    }
    if (o.entitlements && o.entitlements.accountColumn.toLowerCase() === o.entitlements.entitlementColumn.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['entitlements', 'entitlementColumn'], message: 'must differ from accountColumn' });
    }
  });

/** Validated SQL target options. */
export type SqlTargetOptions = z.infer<typeof sqlTargetGuard>;

/**
 * Validate raw options; throws a {@link SqlTargetError} with code `CONFIG_INVALID` whose message names
 * every offending path as `targets.<name>.options.<path>: message`. Option values are never echoed.
 */
export function parseSqlTargetOptions(name: string, raw: Record<string, unknown>): SqlTargetOptions {
  const r = sqlTargetGuard.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = ['targets', name, 'options', ...i.path.map(String)].join('.');
    return `${path}: ${i.message}`;
  });
  throw new SqlTargetError('CONFIG_INVALID', lines.join('; '), false);
}
