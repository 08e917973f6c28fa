/**
 * Attribute ↔ column mapping of the SQL target and the conversion of a row into an {@link AccountState}.
 */
import type { TargetConfig } from '../../config/schema.js';
import type { AccountState, AttrValue } from '../../core/model.js';
import type { SqlRow } from './client.js';
import { SqlTargetError } from './errors.js';
import type { SqlTargetOptions } from './guard.js';
import { SQL_IDENTIFIER } from './guard.js';
import { cell, fromColumnValue, readEnabled } from './schema.js';

/** Attribute-name ↔ column mapping derived from `options.columns` and the target's `attributes:`. */
export interface SqlMapping {
  /** attribute name → column */
  readonly columns: ReadonlyMap<string, string>;
  readonly correlationAttribute: string;
}

/** Build the attribute mapping; throws CONFIG_INVALID for attributes without a usable column. */
export function buildMapping(name: string, opts: SqlTargetOptions, target: Pick<TargetConfig, 'attributes'>): SqlMapping {
  const columns = new Map<string, string>(Object.entries(opts.columns));
  const bad: string[] = [];
  for (const attr of Object.keys(target.attributes)) {
    if (columns.has(attr)) continue;
    if (!SQL_IDENTIFIER.test(attr) || attr.length > 63) {
      bad.push(`targets.${name}.attributes.${attr}: not a valid column name; map it in targets.${name}.options.columns`);
      continue;
    }
    const clash = [opts.enabledColumn, opts.containerColumn].some((c) => c?.toLowerCase() === attr.toLowerCase())
      || (opts.generateKey && attr.toLowerCase() === opts.key.toLowerCase());
    if (clash) {
      bad.push(`targets.${name}.attributes.${attr}: column "${attr}" is reserved (key/enabled/container); map it in targets.${name}.options.columns`);
      continue;
    }
    columns.set(attr, attr);
  }
  if (bad.length > 0) throw new SqlTargetError('CONFIG_INVALID', bad.join('; '));
  const corr = [...columns].find(([, c]) => c.toLowerCase() === opts.correlationColumn.toLowerCase());
  return { columns, correlationAttribute: corr ? corr[0] : opts.correlationColumn };
}

/** Whether an entitlement is managed (exact name or trailing-`*` prefix; all when the list is empty). */
export function isManagedEntitlement(managed: readonly string[], name: string): boolean {
  if (managed.length === 0) return true;
  return managed.some((m) => (m.endsWith('*') ? name.startsWith(m.slice(0, -1)) : m === name));
}

/** `ref:<personId>` values (set by the `ref()` expression) point at another person's account in the same target. */
export function refOf(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.startsWith('ref:') && v.length > 4 ? v.slice(4) : undefined;
}

/** A row (plus the entitlements it holds) as account state; attributes keyed by attribute name. */
export function rowToState(name: string, opts: SqlTargetOptions, mapping: SqlMapping, managedEntitlements: readonly string[], row: SqlRow, held: readonly string[]): AccountState {
  const attributes: Record<string, AttrValue> = {};
  for (const [attr, col] of mapping.columns) attributes[attr] = fromColumnValue(cell(row, col));
  const corr = cell(row, opts.correlationColumn);
  const managed = held.filter((e) => isManagedEntitlement(managedEntitlements, e)).sort();
  const unmanaged = held.filter((e) => !isManagedEntitlement(managedEntitlements, e)).sort();
  const container = opts.containerColumn ? cell(row, opts.containerColumn) : undefined;
  return {
    target: name,
    anchor: String(cell(row, opts.key)),
    ...(corr === null || corr === undefined ? {} : { correlation: String(corr) }),
    enabled: opts.enabledColumn ? readEnabled(opts, cell(row, opts.enabledColumn)) : true,
    ...(container === null || container === undefined ? {} : { container: String(container) }),
    attributes,
    entitlements: managed,
    ...(unmanaged.length > 0 ? { unmanaged } : {}),
  };
}
