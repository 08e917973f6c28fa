/**
 * Building blocks for the target conformance suite: operations, contexts and comparisons.
 * Also useful to connector-specific tests that need hand-made operations.
 */
import { randomUUID } from 'node:crypto';
import type { Action, AccountState, AttrValue, Change, DesiredAccount, Operation, Reason } from '../../core/model.js';
import { sameValue } from '../contract.js';
import type { ApplyContext, OperationResult, TargetConnector } from '../contract.js';

/** Desired account attributes for one test person, as a harness supplies them. */
export interface ConformanceSample {
  readonly personId: string;
  /** Target-specific attribute names and values. */
  readonly attributes: Record<string, AttrValue>;
  /** Container for the account (targets with supportsMove). */
  readonly container?: string;
  /** A second, valid container to move to. */
  readonly altContainer?: string;
  /** At least two valid entitlement names. */
  readonly entitlements: string[];
}

const REASON: Reason = { kind: 'manual', source: 'conformance', detail: 'conformance suite' };

/** Options for {@link makeOp}: the base fields, and the typed fields of the actions that have them. */
export interface MakeOpOptions {
  readonly anchor?: string;
  readonly changes?: readonly Change[];
  /** grant / revoke. */
  readonly entitlement?: string;
  /** create: created enabled (default) or disabled. */
  readonly enabled?: boolean;
  /** create: the container. */
  readonly container?: string;
  /** create: the person's end date (accountExpires). */
  readonly endDate?: string;
  /** disable: the description stamp text. */
  readonly description?: string;
  /** Fixed id (to replay the very same operation); random otherwise. */
  readonly id?: string;
}

/** Build an {@link Operation} for a target. */
export function makeOp(target: string, action: Action, personId: string, o: MakeOpOptions = {}): Operation {
  const base = {
    id: o.id ?? `conf-${randomUUID()}`,
    target,
    personId,
    ...(o.anchor !== undefined ? { anchor: o.anchor } : {}),
    changes: o.changes ?? [],
    reason: REASON,
    dependsOn: [],
  };
  switch (action) {
    case 'create':
      return {
        ...base, action, enabled: o.enabled ?? true,
        ...(o.container !== undefined ? { container: o.container } : {}), ...(o.endDate !== undefined ? { endDate: o.endDate } : {}),
      };
    case 'disable': return { ...base, action, ...(o.description !== undefined ? { description: o.description } : {}) };
    case 'grant': case 'revoke': return { ...base, action, entitlement: o.entitlement ?? '' };
    case 'notify': return { ...base, action, event: 'mover', to: [], targets: [] };
    case 'offboard': return { ...base, action, step: 'webhook' };
    default: return { ...base, action };
  }
}

/** The desired account for a sample. Entitlements are granted by separate operations, as the planner does. */
export function desiredFor(target: string, s: ConformanceSample, o: { enabled?: boolean; container?: string } = {}): DesiredAccount {
  const container = o.container ?? s.container;
  return {
    target,
    personId: s.personId,
    exists: true,
    enabled: o.enabled ?? true,
    ...(container !== undefined ? { container } : {}),
    attributes: { ...s.attributes },
    attributeReasons: {},
    entitlements: [],
    lifecycle: REASON,
  };
}

/** An apply context; `resolveAnchor` answers from the given map. */
export function makeCtx(o: { desired?: DesiredAccount; current?: AccountState; anchors?: ReadonlyMap<string, string> } = {}): ApplyContext {
  return {
    ...(o.desired ? { desired: o.desired } : {}),
    ...(o.current ? { current: o.current } : {}),
    resolveAnchor: async (personId: string) => o.anchors?.get(personId),
  };
}

/** Changes turning attributes `from` into `to` (only the attributes that differ). */
export function diffAttributes(from: Record<string, AttrValue>, to: Record<string, AttrValue>): Change[] {
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  const out: Change[] = [];
  for (const k of keys) if (!sameValue(from[k], to[k])) out.push({ attribute: k, from: from[k], to: to[k] });
  return out;
}

/** Create changes (undefined → value) for every attribute. */
export function createChanges(attributes: Record<string, AttrValue>): Change[] {
  return Object.entries(attributes).map(([attribute, to]) => ({ attribute, from: undefined, to }));
}

/** Containers compared the way directories do: case-insensitive, blanks around commas ignored. */
export function sameContainer(a: string | undefined, b: string | undefined): boolean {
  const n = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/\s*,\s*/g, ',').trim();
  return n(a) === n(b);
}

/** Assert-friendly description of a failed result. */
export function describeResult(r: OperationResult): string {
  return r.ok ? `ok${r.note ? ` (${r.note})` : ''}` : `${r.error.code}: ${r.error.message}`;
}

/** Run `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Apply, but turn a thrown exception into an assertion-friendly failure: connectors must not throw. */
export async function applySafely(c: TargetConnector, op: Operation, ctx: ApplyContext): Promise<OperationResult> {
  try {
    return await c.apply(op, ctx);
  } catch (e) {
    throw new Error(`apply(${op.action}) threw instead of returning a coded result: ${e instanceof Error ? e.message : String(e)}`);
  }
}
