/**
 * An in-memory reference connector with every capability (containers, rename, enable, entitlements, and the
 * helpdesk capabilities resetPassword / unlock / accountStatus / passwordPolicy).
 * It exists to test the conformance suite itself, including the parts no SQL table exercises (rename),
 * and as a fast stand-in for engine unit tests. It is not a deployable target.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AccountState, AttrValue, Operation } from '../../core/model.js';
import { checkPassword } from '../../core/password-policy.js';
import type { PasswordPolicy } from '../../core/password-policy.js';
import { fail } from '../contract.js';
import type { AccountStatus, ApplyContext, OperationResult, ResetPasswordOptions, TargetConnector } from '../contract.js';

interface Row {
  personId: string;
  enabled: boolean;
  container?: string;
  attributes: Record<string, AttrValue>;
  entitlements: Set<string>;
  /** SHA-256 of the password (the memory target keeps no password either). */
  passwordHash?: string;
  passwordLastSet?: string;
  mustChangePassword?: boolean;
  locked?: boolean;
}

/** The memory target's password policy (AD rules, as the AD default domain policy with complexity). */
export const MEMORY_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, complexity: true, historyLength: 0 };

const hash = (pw: string): string => createHash('sha256').update(pw, 'utf8').digest('hex');

/** Options of {@link createMemoryTarget}. */
export interface MemoryTargetOptions {
  readonly name?: string;
  readonly pageSize?: number;
  /** Attributes checked by `isFree`, per identifier kind. */
  readonly identifierAttributes?: Readonly<Record<string, readonly string[]>>;
}

/** The connector plus read access to its rows (the "backend"). */
export interface MemoryTarget {
  readonly connector: TargetConnector;
  /** Backend view of one account, not through the connector. */
  row(anchor: string): Readonly<Row> | undefined;
  /** A sign-in with this password would succeed (set, matching, enabled, not locked). */
  verifyPassword(anchor: string, password: string): boolean;
  /** Lock the account out, as failed sign-ins would. */
  lockOut(anchor: string): void;
}

/** Create an in-memory target. The correlation attribute is `employeeId`. */
export function createMemoryTarget(o: MemoryTargetOptions = {}): MemoryTarget {
  const name = o.name ?? 'memory';
  const pageSize = o.pageSize ?? 50;
  const rows = new Map<string, Row>();
  const corr = 'employeeId';

  const state = (anchor: string, r: Row): AccountState => ({
    target: name, anchor, correlation: r.personId, enabled: r.enabled,
    ...(r.container !== undefined ? { container: r.container } : {}),
    attributes: { ...r.attributes, [corr]: r.personId },
    entitlements: [...r.entitlements].sort(),
  });
  const byPerson = (personId: string): string[] => [...rows].filter(([, r]) => r.personId === personId).map(([a]) => a);
  const anchorOf = (op: Operation, ctx: ApplyContext): string | undefined => op.anchor ?? ctx.current?.anchor ?? byPerson(op.personId)[0];
  const ok = (anchor: string, r: Row): OperationResult => ({ ok: true, anchor, state: state(anchor, r) });
  const resolve = async (v: AttrValue | undefined, ctx: ApplyContext): Promise<AttrValue> => {
    if (typeof v === 'string' && v.startsWith('ref:')) {
      const a = await ctx.resolveAnchor(v.slice(4));
      if (a === undefined) throw Object.assign(new Error(`unresolved ${v}`), { code: 'REF_UNRESOLVED' });
      return a;
    }
    return v ?? null;
  };

  const apply = async (op: Operation, ctx: ApplyContext): Promise<OperationResult> => {
    try {
      if (op.action === 'create') {
        const existing = byPerson(op.personId);
        if (existing.length > 1) return fail('CORRELATION_AMBIGUOUS', `${existing.length} accounts for ${op.personId}`);
        const attrs: Record<string, AttrValue> = {};
        const src = ctx.desired ? Object.entries(ctx.desired.attributes) : op.changes.map((c) => [c.attribute, c.to] as const);
        for (const [k, v] of src) attrs[k] = await resolve(v, ctx);
        const anchor = existing[0] ?? randomUUID();
        const r: Row = rows.get(anchor) ?? { personId: op.personId, enabled: true, attributes: {}, entitlements: new Set() };
        Object.assign(r.attributes, attrs);
        r.enabled = ctx.desired?.enabled ?? op.enabled;
        const container = ctx.desired?.container ?? op.container;
        if (typeof container === 'string') r.container = container;
        rows.set(anchor, r);
        return ok(anchor, r);
      }
      const anchor = anchorOf(op, ctx);
      const r = anchor === undefined ? undefined : rows.get(anchor);
      if (op.action === 'delete') {
        if (anchor !== undefined) rows.delete(anchor);
        return { ok: true, ...(r ? {} : { note: 'already gone' }) };
      }
      if (op.action === 'revoke' && !r) return { ok: true, note: 'account gone' };
      if (op.action === 'setPassword') return fail('NOT_SUPPORTED', 'no passwords');
      if (!r || anchor === undefined) return fail('NOT_FOUND', `no account for ${op.personId}`);
      switch (op.action) {
        case 'adopt': case 'update': case 'rename':
          for (const c of op.changes) {
            if (c.attribute === corr) r.personId = String(c.to);
            else r.attributes[c.attribute] = await resolve(c.to, ctx);
          }
          return ok(anchor, r);
        case 'move': {
          const to = op.changes.find((c) => c.attribute === 'container')?.to ?? ctx.desired?.container;
          if (typeof to !== 'string') return fail('INVALID_OPERATION', 'move without container');
          r.container = to;
          return ok(anchor, r);
        }
        case 'enable': case 'disable': {
          const was = r.enabled;
          r.enabled = op.action === 'enable';
          const res = ok(anchor, r);
          return op.action === 'disable' && !was && res.ok ? { ...res, unchanged: true } : res;
        }
        case 'grant': case 'revoke':
          if (!op.entitlement) return fail('INVALID_OPERATION', 'no entitlement');
          if (op.action === 'grant') r.entitlements.add(op.entitlement);
          else r.entitlements.delete(op.entitlement);
          return ok(anchor, r);
        default:
          return fail('NOT_SUPPORTED', `action ${op.action}`);
      }
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return fail(typeof code === 'string' ? code : 'ERROR', e instanceof Error ? e.message : String(e));
    }
  };

  const connector: TargetConnector = {
    name,
    kind: 'memory',
    capabilities: { supportsPassword: false, supportsMove: true, supportsRename: true, supportsEnable: true, supportsEntitlements: true, supportsLicences: false, softDelete: false },
    correlationAttribute: corr,
    concurrency: 4,
    ...(o.identifierAttributes ? { identifierAttributes: o.identifierAttributes } : {}),
    async *list() {
      const anchors = [...rows.keys()].sort();
      for (let i = 0; i < anchors.length; i += pageSize) {
        yield anchors.slice(i, i + pageSize).flatMap((a) => {
          const r = rows.get(a);
          return r ? [state(a, r)] : [];
        });
      }
    },
    async find({ attribute, value }) {
      return [...rows].filter(([, r]) => (attribute === corr ? r.personId === value : r.attributes[attribute] === value)).map(([a, r]) => state(a, r));
    },
    async isFree(attribute, value) {
      const v = value.toLowerCase();
      return ![...rows.values()].some((r) => String(attribute === corr ? r.personId : r.attributes[attribute] ?? '').toLowerCase() === v);
    },
    apply,
    async resetPassword(anchor: string, password: string, opts: ResetPasswordOptions): Promise<OperationResult> {
      const r = rows.get(anchor);
      if (!r) return fail('NOT_FOUND', `no account ${anchor}`);
      const sam = r.attributes['sAMAccountName'];
      const display = r.attributes['displayName'];
      const check = checkPassword(MEMORY_PASSWORD_POLICY, password, {
        ...(typeof sam === 'string' ? { sAMAccountName: sam } : {}),
        ...(typeof display === 'string' ? { displayName: display } : {}),
      });
      if (!check.ok) return fail('PASSWORD_POLICY', `the password does not meet the policy (${check.problems.map((p) => p.code).join(', ')})`);
      r.passwordHash = hash(password);
      r.passwordLastSet = new Date().toISOString();
      r.mustChangePassword = opts.mustChange;
      return ok(anchor, r);
    },
    async unlock(anchor: string): Promise<OperationResult> {
      const r = rows.get(anchor);
      if (!r) return fail('NOT_FOUND', `no account ${anchor}`);
      const was = r.locked === true;
      r.locked = false;
      return was ? ok(anchor, r) : { ok: true, anchor, state: state(anchor, r), note: 'not locked' };
    },
    async accountStatus(anchor: string): Promise<AccountStatus> {
      const r = rows.get(anchor);
      if (!r) throw Object.assign(new Error(`no account ${anchor}`), { code: 'NOT_FOUND' });
      return {
        locked: r.locked === true, enabled: r.enabled, mustChangePassword: r.mustChangePassword === true,
        ...(r.passwordLastSet !== undefined ? { passwordLastSet: r.passwordLastSet } : {}),
      };
    },
    async passwordPolicy(): Promise<PasswordPolicy> {
      return MEMORY_PASSWORD_POLICY;
    },
    async close() { /* nothing to release */ },
  };
  return {
    connector,
    row: (anchor) => rows.get(anchor),
    verifyPassword(anchor, password) {
      const r = rows.get(anchor);
      return r !== undefined && r.enabled && r.locked !== true && r.passwordHash === hash(password);
    },
    lockOut(anchor) {
      const r = rows.get(anchor);
      if (r) r.locked = true;
    },
  };
}
