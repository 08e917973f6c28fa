/**
 * The REST webhook connector: writes go through the configured per-action requests (signed, idempotent, retried
 * by {@link sendWebhook}); reads come from the required `list` endpoint (and an optional `find` URL), so the
 * planner sees the target's real state like any other connector.
 */
import { randomUUID } from 'node:crypto';
import type { TargetConfig } from '../../config/schema.js';
import type { AccountState, AttrValue, Change, Operation } from '../../core/model.js';
import { fail } from '../contract.js';
import type { ApplyContext, Correlation, OperationResult, TargetCapabilities, TargetConnector, TargetDeps } from '../contract.js';
import type { RestAction, RestTargetOptions } from './guard.js';
import { sendWebhook, valueAt } from './send.js';
import type { WebhookResult } from './send.js';
import { idempotencyKey } from './signing.js';
import { renderBody, renderUrl } from './template.js';

type Ctx = Readonly<Record<string, unknown>>;

const attrValue = (v: unknown): AttrValue => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return JSON.stringify(v);
};

/** Create the connector over validated options; `target` gives the attribute names read from listed items. */
export function createRestConnector(name: string, o: RestTargetOptions, deps: TargetDeps, target: TargetConfig): TargetConnector {
  const a = o.actions;
  const capabilities: TargetCapabilities = {
    supportsPassword: false, supportsMove: false, supportsRename: false,
    supportsEnable: a.enable !== undefined, supportsEntitlements: a.grant !== undefined,
    supportsLicences: false, softDelete: false,
  };
  const attrNames = [...new Set([...Object.keys(target.attributes), o.correlationAttribute])];
  const absolute = (url: string): string => new URL(url, o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`).toString();
  const sender = { secret: o.secret, retry: o.retry, timeoutMs: o.timeoutMs };

  const toState = (item: unknown): AccountState | undefined => {
    const anchor = valueAt(item, o.anchorPath);
    if (typeof anchor !== 'string' && typeof anchor !== 'number') return undefined;
    const corr = valueAt(item, o.correlationAttribute);
    const ents = valueAt(item, o.entitlementsPath);
    return {
      target: name, anchor: String(anchor), enabled: valueAt(item, o.enabledPath) !== false,
      ...(typeof corr === 'string' && corr !== '' ? { correlation: corr } : {}),
      attributes: Object.fromEntries(attrNames.map((n) => [n, attrValue(valueAt(item, n))])),
      entitlements: capabilities.supportsEntitlements && Array.isArray(ents) ? ents.filter((e): e is string => typeof e === 'string') : [],
    };
  };
  const read = async (url: string): Promise<unknown> => {
    const r = await sendWebhook({ method: 'GET', url, idempotencyKey: randomUUID() }, sender);
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.message}`), { code: r.code, transient: r.transient });
    return r.json;
  };
  const itemsOf = (json: unknown): unknown[] => {
    const items = o.list.itemsPath === '' ? json : valueAt(json, o.list.itemsPath);
    if (!Array.isArray(items)) throw Object.assign(new Error(`${name}: the list response has no array at "${o.list.itemsPath}"`), { code: 'REST_RESPONSE_CHECK' });
    return items;
  };
  const states = (items: readonly unknown[]): AccountState[] => items.map(toState).filter((s): s is AccountState => s !== undefined);

  async function* list(): AsyncIterable<readonly AccountState[]> {
    if (o.list.nextPath !== undefined) {
      let url: string | undefined = absolute(o.list.url);
      while (url) {
        const json = await read(url);
        yield states(itemsOf(json));
        const next = valueAt(json, o.list.nextPath);
        url = typeof next === 'string' && next !== '' ? absolute(next) : undefined;
        // Only on the service's own origin: another host would get a signed request and supply the accounts.
        if (url !== undefined && new URL(url).origin !== new URL(absolute(o.list.url)).origin) {
          throw Object.assign(new Error(`${name}: the list's next link points to another origin (${new URL(url).origin}); not followed`), { code: 'REST_RESPONSE_CHECK' });
        }
      }
      return;
    }
    for (let offset = 0; ; offset += o.list.pageSize) {
      const u = new URL(absolute(o.list.url));
      u.searchParams.set(o.list.offsetParam, String(offset));
      u.searchParams.set(o.list.limitParam, String(o.list.pageSize));
      const items = itemsOf(await read(u.toString()));
      if (items.length > 0) yield states(items);
      if (items.length < o.list.pageSize) return;
    }
  }
  const same = (v: AttrValue | undefined, want: string, fold: boolean): boolean => {
    const eq = (x: unknown): boolean => typeof x === 'string' && (fold ? x.toLowerCase() === want.toLowerCase() : x === want);
    return Array.isArray(v) ? v.some(eq) : eq(v);
  };
  const scan = async (attribute: string, value: string, fold: boolean): Promise<AccountState[]> => {
    const out: AccountState[] = [];
    for await (const page of list()) for (const s of page) if (same(s.attributes[attribute], value, fold)) out.push(s);
    return out;
  };
  const find = async ({ attribute, value }: Correlation): Promise<readonly AccountState[]> => {
    if (!o.find) return scan(attribute, value, false);
    const json = await read(absolute(renderUrl(o.find.url, { attribute, value })));
    return states(itemsOf(json)).filter((s) => same(s.attributes[attribute], value, false));
  };

  /** Whether the listed account is disabled now; false when it cannot be read (the disable is sent either way). */
  const disabledNow = async (personId: string, anchor: string): Promise<boolean> => {
    try {
      return (await find({ attribute: o.correlationAttribute, value: personId })).some((s) => s.anchor === anchor && !s.enabled);
    } catch {
      return false;
    }
  };

  /** Change values with `ref:<personId>` resolved to the other account's anchor; undefined when one is dangling. */
  const resolved = async (changes: readonly Change[], ctx: ApplyContext): Promise<Record<string, AttrValue> | string> => {
    const out: Record<string, AttrValue> = {};
    for (const c of changes) {
      const v = c.to ?? null;
      if (typeof v === 'string' && v.startsWith('ref:')) {
        const anchor = await ctx.resolveAnchor(v.slice(4));
        if (anchor === undefined) return v.slice(4);
        out[c.attribute] = anchor;
      } else out[c.attribute] = v;
    }
    return out;
  };
  const send = async (action: RestAction, op: Operation, vars: Ctx): Promise<WebhookResult> => {
    const ctx: Ctx = { personId: op.personId, operationId: op.id, action: op.action, anchor: op.anchor, entitlement: op.entitlement, ...vars };
    return sendWebhook({
      method: action.method, url: absolute(renderUrl(action.url, ctx)),
      ...(action.body !== undefined ? { body: renderBody(action.body as Parameters<typeof renderBody>[0], ctx) } : {}),
      headers: action.headers, idempotencyKey: idempotencyKey(name, op.id),
    }, { ...sender, check: { ...(action.status ? { status: action.status } : {}), ...(o.check ? o.check : {}) } });
  };
  const result = (r: WebhookResult, anchor?: string): OperationResult => {
    if (!r.ok) return fail(r.code, `${name}: ${r.message}`, r.transient, r.retryAfter);
    return anchor !== undefined ? { ok: true, anchor } : { ok: true };
  };
  const unsupported = (op: Operation): OperationResult => fail('NOT_SUPPORTED', `${name}: the REST target declares no "${op.action}" request`);

  async function apply(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
    try {
      switch (op.action) {
        case 'create': {
          // A crash may have lost a successful create: adopt the account the person already has.
          const existing = await find({ attribute: o.correlationAttribute, value: op.personId });
          if (existing.length > 1) return fail('REST_AMBIGUOUS', `${name}: ${existing.length} accounts carry ${o.correlationAttribute}=${op.personId}`);
          if (existing[0]) return { ok: true, anchor: existing[0].anchor, adopted: true };
          const attrs = await resolved(op.changes, ctx);
          if (typeof attrs === 'string') return fail('REST_REFERENCE', `${name}: no account for referenced person ${attrs}`);
          const account = { ...attrs, [o.correlationAttribute]: op.personId, [o.enabledPath]: op.enabled };
          const r = await send(a.create, op, { attributes: attrs, account, enabled: op.enabled });
          if (!r.ok) return result(r);
          const anchor = valueAt(r.json, o.anchorPath);
          if (typeof anchor !== 'string' && typeof anchor !== 'number') return fail('REST_NO_ANCHOR', `${name}: the create response has no "${o.anchorPath}"`);
          return { ok: true, anchor: String(anchor) };
        }
        case 'update': case 'adopt': {
          if (op.changes.length === 0) return op.anchor ? { ok: true, anchor: op.anchor } : fail('REST_NO_ANCHOR', `${name}: ${op.action} without an anchor`);
          if (!op.anchor) return fail('REST_NO_ANCHOR', `${name}: ${op.action} without an anchor`);
          const attrs = await resolved(op.changes, ctx);
          if (typeof attrs === 'string') return fail('REST_REFERENCE', `${name}: no account for referenced person ${attrs}`);
          return result(await send(a.update, op, { attributes: attrs }), op.anchor);
        }
        case 'enable': case 'disable': {
          const action = a[op.action];
          if (!action) return unsupported(op);
          if (!op.anchor) return fail('REST_NO_ANCHOR', `${name}: ${op.action} without an anchor`);
          // A disable reads the account first: one found disabled already (by hand) is reported unchanged, so the
          // engine does not record it as Cadre's disable and a rehire does not enable a lock again.
          const already = op.action === 'disable' ? await disabledNow(op.personId, op.anchor) : false;
          const r = result(await send(action, op, { enabled: op.action === 'enable' }), op.anchor);
          return already && r.ok ? { ...r, unchanged: true } : r;
        }
        case 'grant': case 'revoke': {
          const action = a[op.action];
          if (!action) return unsupported(op);
          if (!op.anchor) return fail('REST_NO_ANCHOR', `${name}: ${op.action} without an anchor`);
          return result(await send(action, op, {}), op.anchor);
        }
        case 'delete': {
          if (!a.delete) return unsupported(op);
          let anchor = op.anchor;
          if (!anchor) {
            const found = await find({ attribute: o.correlationAttribute, value: op.personId });
            if (found.length === 0) return { ok: true, note: 'no account' };
            anchor = found[0]?.anchor;
          }
          const r = await send(a.delete, { ...op, anchor }, {});
          // Gone already is what a delete wants (a replay after a crash).
          if (!r.ok && r.code === 'REST_NOT_FOUND') return { ok: true, note: 'already gone' };
          return result(r);
        }
        case 'offboard': {
          if (!a.offboard || (op.step !== 'webhook' && op.step !== 'homeFolder') || op.undo === true) return unsupported(op);
          const vars = { step: op.step, endDate: op.endDate ?? null, path: op.path ?? null, managerId: op.managerId ?? null };
          return result(await send(a.offboard, op, vars), op.anchor);
        }
        default:
          return unsupported(op);
      }
    } catch (e) {
      const err = e as { code?: unknown; transient?: unknown; message?: unknown };
      return fail(typeof err.code === 'string' ? err.code : 'REST_FAILED', String(err.message ?? e), err.transient === true);
    }
  }

  deps.log.debug({ target: name, baseUrl: o.baseUrl }, 'rest target ready');
  return {
    name, kind: 'rest', capabilities, correlationAttribute: o.correlationAttribute, concurrency: o.concurrency,
    ...(a.offboard ? { offboardSteps: ['webhook', 'homeFolder'] as const } : {}),
    list, find,
    isFree: async (attribute, value) => (await scan(attribute, value, true)).length === 0,
    apply,
    close: async () => undefined,
  };
}
