/**
 * Generic SQL table connector: one row per account in a table (ERP, CRM, phone directory…), optional
 * entitlement rows in a second table. Anchor = primary key; correlation = the person-id column.
 */
import { correlationCodec } from '../../core/correlation.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { TargetConfig } from '../../config/schema.js';
import type { AccountState, AttrValue, Change, CreateOperation, Operation } from '../../core/model.js';
import { fail } from '../contract.js';
import type { ApplyContext, Correlation, OperationResult, TargetCapabilities, TargetConnector, TargetDeps } from '../contract.js';
import type { SqlClient, SqlRow } from './client.js';
import { SqlTargetError, toSqlError, toTargetError } from './errors.js';
import type { SqlTargetOptions } from './guard.js';
import { buildMapping, refOf, rowToState } from './mapping.js';
import { accountColumns, cell, createTables, introspect, toColumnValue, writeEnabled } from './schema.js';
import type { SqlSchema } from './schema.js';

/** Create the connector over an open client. */
export function createSqlConnector(name: string, opts: SqlTargetOptions, client: SqlClient, deps: TargetDeps, target: TargetConfig): TargetConnector {
  const mapping = buildMapping(name, opts, target);
  const codec = correlationCodec(target.correlation?.value);
  const attrColumns = [...new Set(mapping.columns.values())];
  const { db } = client;
  const tbl = client.table(opts.table);
  const id = (c: string): RawBuilder<unknown> => sql.id(c);
  const selectCols = accountColumns(opts, attrColumns);
  const ent = opts.entitlements;

  const capabilities: TargetCapabilities = {
    supportsPassword: false,
    supportsMove: opts.containerColumn !== undefined,
    // A rename is a plain update of the naming column: no separate step needed.
    supportsRename: false,
    supportsEnable: opts.enabledColumn !== undefined,
    supportsEntitlements: ent !== undefined,
    supportsLicences: false,
    softDelete: false,
  };

  let schemaPromise: Promise<SqlSchema> | undefined;
  const ready = (): Promise<SqlSchema> => {
    schemaPromise ??= (async () => {
      if (opts.createTables) await createTables(client, opts, attrColumns);
      return introspect(client, opts, name, attrColumns);
    })().catch((e: unknown) => {
      schemaPromise = undefined; // retry on the next call (the database may have been down)
      throw toSqlError(e);
    });
    return schemaPromise;
  };

  const columnOf = (attribute: string): string | undefined => {
    const c = mapping.columns.get(attribute);
    if (c !== undefined) return c;
    if (attribute === mapping.correlationAttribute) return opts.correlationColumn;
    return undefined;
  };
  const requireColumn = (attribute: string): string => {
    const c = columnOf(attribute);
    if (c === undefined) throw new SqlTargetError('SQL_ATTRIBUTE_UNKNOWN', `attribute "${attribute}" is not mapped to a column of target ${name}`);
    return c;
  };
  /** Anchors that cannot exist in an integer key column are simply not found (no type error round trip). */
  const plausibleAnchor = (schema: SqlSchema, anchor: string): boolean => !schema.keyIsInteger || /^-?\d{1,19}$/.test(anchor);

  const entitlementsOf = async (keys: readonly unknown[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    if (!ent || keys.length === 0) return out;
    const r = await sql<SqlRow>`SELECT ${id(ent.accountColumn)} AS a, ${id(ent.entitlementColumn)} AS e FROM ${client.table(ent.table)}
      WHERE ${id(ent.accountColumn)} IN (${sql.join(keys.map((k) => sql`${k}`))})`.execute(db);
    for (const row of r.rows) {
      const k = String(row.a);
      const list = out.get(k) ?? [];
      list.push(String(row.e));
      out.set(k, list);
    }
    return out;
  };

  const toState = (row: SqlRow, held: readonly string[]): AccountState => rowToState(name, opts, mapping, target.managedEntitlements, row, held);

  const withEntitlements = async (rows: readonly SqlRow[]): Promise<AccountState[]> => {
    const held = await entitlementsOf(rows.map((r) => cell(r, opts.key)));
    return rows.map((r) => toState(r, held.get(String(cell(r, opts.key))) ?? []));
  };

  const selectList = sql.join(selectCols.map((c) => id(c)));

  const rowsWhere = async (column: string, value: unknown): Promise<SqlRow[]> => {
    const r = await sql<SqlRow>`SELECT ${selectList} FROM ${tbl} WHERE ${id(column)} = ${value} ORDER BY ${id(opts.key)}`.execute(db);
    return r.rows;
  };

  const readByAnchor = async (schema: SqlSchema, anchor: string): Promise<AccountState | undefined> => {
    if (!plausibleAnchor(schema, anchor)) return undefined;
    const rows = await rowsWhere(opts.key, anchor);
    const [state] = await withEntitlements(rows);
    return state;
  };

  /** Anchor for an operation: explicit, from known state, or by correlation (after a lost result). */
  const anchorFor = async (schema: SqlSchema, op: Operation, ctx: ApplyContext): Promise<string | undefined> => {
    const known = op.anchor ?? ctx.current?.anchor;
    if (known !== undefined) return known;
    const rows = await rowsWhere(opts.correlationColumn, codec.render(op.personId));
    if (rows.length > 1) throw new SqlTargetError('CORRELATION_AMBIGUOUS', `${rows.length} rows in ${opts.table} carry person id ${op.personId}`);
    return rows[0] === undefined ? undefined : String(cell(rows[0], opts.key));
  };

  /** Column assignments for attribute values; the key column is immutable, the correlation column is Cadre's. */
  const assignments = (schema: SqlSchema, values: ReadonlyArray<readonly [string, AttrValue | undefined]>, anchor?: string): Map<string, unknown> => {
    const set = new Map<string, unknown>();
    for (const [attr, value] of values) {
      if (attr === 'container' && !mapping.columns.has('container') && opts.containerColumn) {
        set.set(opts.containerColumn, value ?? null);
        continue;
      }
      const col = requireColumn(attr);
      if (col.toLowerCase() === opts.key.toLowerCase()) {
        if (anchor !== undefined && value !== undefined && value !== null && String(value) === anchor) continue;
        if (anchor !== undefined) throw new SqlTargetError('SQL_KEY_IMMUTABLE', `attribute "${attr}" is the primary key of ${opts.table} and cannot change`);
      }
      set.set(col, toColumnValue(client.driver, schema.columns.get(col), value));
    }
    return set;
  };

  const updateRow = async (anchor: string, set: ReadonlyMap<string, unknown>): Promise<boolean> => {
    if (set.size === 0) return true;
    const parts = [...set].map(([c, v]) => sql`${id(c)} = ${v}`);
    const r = await sql`UPDATE ${tbl} SET ${sql.join(parts)} WHERE ${id(opts.key)} = ${anchor}`.execute(db);
    return (r.numAffectedRows ?? 0n) > 0n;
  };

  const containerTarget = (op: Operation, ctx: ApplyContext): string | undefined => {
    const change = op.changes.find((c) => c.attribute === 'container');
    const v = change?.to ?? ctx.desired?.container;
    return v === undefined || v === null ? undefined : String(v);
  };

  const done = async (schema: SqlSchema, anchor: string, note?: string): Promise<OperationResult> => {
    const state = await readByAnchor(schema, anchor);
    return { ok: true, anchor, ...(state ? { state } : {}), ...(note ? { note } : {}) };
  };

  const create = async (schema: SqlSchema, op: CreateOperation, ctx: ApplyContext): Promise<OperationResult> => {
    const desired = ctx.desired;
    const values: Array<[string, AttrValue | undefined]> = desired
      ? Object.entries(desired.attributes)
      : op.changes.map((c: Change) => [c.attribute, c.to]);
    const enabled = desired?.enabled ?? op.enabled;
    const container = desired?.container ?? op.container;
    const set = assignments(schema, values.filter(([a]) => columnOf(a)?.toLowerCase() !== opts.correlationColumn.toLowerCase()));
    if (opts.enabledColumn) set.set(opts.enabledColumn, writeEnabled(opts, client.driver, schema.columns.get(opts.enabledColumn), enabled));
    if (opts.containerColumn && container !== undefined) set.set(opts.containerColumn, container);

    // Idempotency: a row for this person may exist (replay after a lost result, or a pre-existing account).
    const adopt = async (): Promise<OperationResult | undefined> => {
      const existing = await rowsWhere(opts.correlationColumn, codec.render(op.personId));
      if (existing.length > 1) return fail('CORRELATION_AMBIGUOUS', `${existing.length} rows in ${opts.table} carry person id ${op.personId}`);
      if (existing[0] === undefined) return undefined;
      const anchor = String(cell(existing[0], opts.key));
      const upd = new Map([...set].filter(([c]) => c.toLowerCase() !== opts.key.toLowerCase()));
      await updateRow(anchor, upd);
      return done(schema, anchor, 'existing row for this person adopted');
    };
    const adopted = await adopt();
    if (adopted) return adopted;

    set.set(opts.correlationColumn, codec.render(op.personId));
    let generated: string | undefined;
    if (opts.generateKey) {
      generated = randomUUID();
      set.set(opts.key, generated);
    } else if (![...set.keys()].some((c) => c.toLowerCase() === opts.key.toLowerCase()) && !schema.keyIsInteger && client.driver === 'sqlite') {
      // SQLite would accept NULL in a non-integer primary key; PostgreSQL may have a column default, so let it decide.
      return fail('SQL_KEY_MISSING', `no value for key column "${opts.key}": map an attribute to it or set options.generateKey`);
    }
    const cols = [...set.keys()];
    try {
      const r = await sql<SqlRow>`INSERT INTO ${tbl} (${sql.join(cols.map((c) => id(c)))}) VALUES (${sql.join(cols.map((c) => sql`${set.get(c)}`))})
        RETURNING ${id(opts.key)}`.execute(db);
      const row = r.rows[0];
      const anchor = row ? String(cell(row, opts.key)) : generated;
      if (anchor === undefined) return fail('SQL_ERROR', 'insert returned no key');
      return done(schema, anchor);
    } catch (e) {
      const err = toSqlError(e);
      if (err.code === 'SQL_UNIQUE_VIOLATION') {
        // A concurrent create for the same person won the race: adopt its row instead of failing.
        const again = await adopt();
        if (again) return again;
      }
      throw err;
    }
  };

  /** For create: references in the desired attributes become anchors; one without an account yet stays empty (the planner follows up). */
  const withResolvedRefs = async (ctx: ApplyContext): Promise<ApplyContext> => {
    if (!ctx.desired) return ctx;
    const attributes: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(ctx.desired.attributes)) {
      const pid = refOf(v);
      attributes[k] = pid === undefined ? v : (await ctx.resolveAnchor(pid)) ?? null;
    }
    return { ...ctx, desired: { ...ctx.desired, attributes } };
  };

  /** `ref:<personId>` values (e.g. the manager) become that person's anchor in this target. */
  const resolveRefs = async <O extends Operation>(op: O, ctx: ApplyContext): Promise<O> => {
    if (!op.changes.some((c) => refOf(c.to) !== undefined)) return op;
    const resolve = async (v: AttrValue | undefined): Promise<AttrValue | undefined> => {
      const pid = refOf(v);
      if (pid === undefined) return v;
      const anchor = await ctx.resolveAnchor(pid);
      if (anchor === undefined) throw new SqlTargetError('REF_UNRESOLVED', `person ${pid} has no account in target ${name} yet`);
      return anchor;
    };
    const changes: Change[] = [];
    for (const c of op.changes) changes.push({ ...c, to: await resolve(c.to) });
    return { ...op, changes };
  };

  const apply = async (op: Operation, ctx: ApplyContext): Promise<OperationResult> => {
    try {
      const schema = await ready();
      switch (op.action) {
        case 'create':
          return await create(schema, ctx.desired ? op : await resolveRefs(op, ctx), await withResolvedRefs(ctx));
        // Adoption links an existing row; its only change, if any, stamps the correlation column.
        case 'adopt':
        case 'update':
        case 'rename': {
          const anchor = await anchorFor(schema, op, ctx);
          if (anchor === undefined || !plausibleAnchor(schema, anchor)) return fail('SQL_NOT_FOUND', `no row in ${opts.table} for ${op.personId}`);
          const resolved = await resolveRefs(op, ctx);
          const set = assignments(schema, resolved.changes.map((c) => [c.attribute, c.to] as const), anchor);
          if (!(await updateRow(anchor, set)) || (set.size === 0 && !(await readByAnchor(schema, anchor)))) {
            return fail('SQL_NOT_FOUND', `no row in ${opts.table} with key ${anchor}`);
          }
          return await done(schema, anchor, set.size === 0 ? 'nothing to change' : undefined);
        }
        case 'move': {
          if (!opts.containerColumn) return fail('NOT_SUPPORTED', `target ${name} has no container column`);
          const to = containerTarget(op, ctx);
          if (to === undefined) return fail('SQL_INVALID_OPERATION', 'move without a target container');
          const anchor = await anchorFor(schema, op, ctx);
          if (anchor === undefined || !plausibleAnchor(schema, anchor) || !(await updateRow(anchor, new Map([[opts.containerColumn, to]])))) {
            return fail('SQL_NOT_FOUND', `no row in ${opts.table} for ${op.personId}`);
          }
          return await done(schema, anchor);
        }
        case 'enable':
        case 'disable': {
          if (!opts.enabledColumn) return fail('NOT_SUPPORTED', `target ${name} has no enabled column`);
          const anchor = await anchorFor(schema, op, ctx);
          const v = writeEnabled(opts, client.driver, schema.columns.get(opts.enabledColumn), op.action === 'enable');
          // A row someone disabled already is reported unchanged: the engine must not take that lock for Cadre's.
          const before = op.action === 'disable' && anchor !== undefined ? await readByAnchor(schema, anchor) : undefined;
          if (before !== undefined && !before.enabled && anchor !== undefined) {
            const r = await done(schema, anchor, 'already disabled');
            return r.ok ? { ...r, unchanged: true } : r;
          }
          if (anchor === undefined || !plausibleAnchor(schema, anchor) || !(await updateRow(anchor, new Map([[opts.enabledColumn, v]])))) {
            return fail('SQL_NOT_FOUND', `no row in ${opts.table} for ${op.personId}`);
          }
          return await done(schema, anchor);
        }
        case 'grant':
        case 'revoke': {
          if (!ent) return fail('NOT_SUPPORTED', `target ${name} has no entitlement table`);
          if (!op.entitlement) return fail('SQL_INVALID_OPERATION', `${op.action} without an entitlement`);
          const anchor = await anchorFor(schema, op, ctx);
          const exists = anchor !== undefined && (await readByAnchor(schema, anchor)) !== undefined;
          if (op.action === 'revoke') {
            if (!exists || anchor === undefined) return { ok: true, note: 'account gone: nothing to revoke' };
            const r = await sql`DELETE FROM ${client.table(ent.table)} WHERE ${id(ent.accountColumn)} = ${anchor} AND ${id(ent.entitlementColumn)} = ${op.entitlement}`.execute(db);
            return await done(schema, anchor, (r.numAffectedRows ?? 0n) > 0n ? undefined : 'not held');
          }
          if (!exists || anchor === undefined) return fail('SQL_NOT_FOUND', `no row in ${opts.table} for ${op.personId}`);
          // Insert-if-absent works without a unique constraint on foreign tables; a racing duplicate is harmless.
          const et = client.table(ent.table);
          try {
            await sql`INSERT INTO ${et} (${id(ent.accountColumn)}, ${id(ent.entitlementColumn)})
              SELECT ${anchor}, ${op.entitlement} WHERE NOT EXISTS (
                SELECT 1 FROM ${et} WHERE ${id(ent.accountColumn)} = ${anchor} AND ${id(ent.entitlementColumn)} = ${op.entitlement})`.execute(db);
          } catch (e) {
            if (toSqlError(e).code !== 'SQL_UNIQUE_VIOLATION') throw e;
          }
          return await done(schema, anchor);
        }
        case 'delete': {
          const anchor = await anchorFor(schema, op, ctx);
          if (anchor === undefined || !plausibleAnchor(schema, anchor)) return { ok: true, note: 'already gone' };
          const deleted = await db.transaction().execute(async (trx) => {
            if (ent) await sql`DELETE FROM ${client.table(ent.table)} WHERE ${id(ent.accountColumn)} = ${anchor}`.execute(trx);
            const r = await sql`DELETE FROM ${tbl} WHERE ${id(opts.key)} = ${anchor}`.execute(trx);
            return (r.numAffectedRows ?? 0n) > 0n;
          });
          return { ok: true, anchor, ...(deleted ? {} : { note: 'already gone' }) };
        }
        case 'setPassword':
          return fail('NOT_SUPPORTED', `target ${name} (sql) has no passwords`);
        default:
          return fail('NOT_SUPPORTED', `action ${op.action} is not a target operation`);
      }
    } catch (e) {
      const error = toTargetError(e);
      deps.log.warn({ target: name, op: op.id, action: op.action, code: error.code }, 'sql target: operation failed');
      return { ok: false, error };
    }
  };

  return {
    name,
    kind: 'sql',
    capabilities,
    correlationAttribute: mapping.correlationAttribute,
    concurrency: client.driver === 'sqlite' ? 1 : opts.concurrency,
    // list() reads the whole table, so identifier checks can use the listing.
    listsEverything: true,
    ...(Object.keys(target.identifiers).length > 0 ? { identifierAttributes: target.identifiers } : {}),

    async *list() {
      try {
        await ready();
      } catch (e) {
        throw toSqlError(e);
      }
      // Keyset paging on the primary key: stable under concurrent inserts, each row exactly once.
      let last: unknown;
      let first = true;
      for (;;) {
        let rows: SqlRow[];
        let page: AccountState[];
        try {
          const after = first ? sql`` : sql`WHERE ${id(opts.key)} > ${last}`;
          const r = await sql<SqlRow>`SELECT ${selectList} FROM ${tbl} ${after} ORDER BY ${id(opts.key)} LIMIT ${opts.pageSize}`.execute(db);
          rows = r.rows;
          page = await withEntitlements(rows);
        } catch (e) {
          throw toSqlError(e);
        }
        if (page.length > 0) yield page;
        const tail = rows[rows.length - 1];
        if (rows.length < opts.pageSize || tail === undefined) return;
        last = cell(tail, opts.key);
        first = false;
      }
    },

    async find(correlation: Correlation) {
      try {
        await ready();
        const col = requireColumn(correlation.attribute);
        return await withEntitlements(await rowsWhere(col, correlation.value));
      } catch (e) {
        const err = toSqlError(e);
        // A value the column type cannot hold (e.g. text in an integer column) matches nothing.
        if (err.code === 'SQL_INVALID_VALUE') return [];
        throw err;
      }
    },

    async isFree(attribute: string, value: string) {
      try {
        await ready();
        const col = requireColumn(attribute);
        const r = await sql<SqlRow>`SELECT 1 AS x FROM ${tbl} WHERE lower(CAST(${id(col)} AS TEXT)) = lower(${value}) LIMIT 1`.execute(db);
        return r.rows.length === 0;
      } catch (e) {
        throw toSqlError(e);
      }
    },

    apply,

    async close() {
      await client.close();
    },
  };
}
