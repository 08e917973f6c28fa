/**
 * SCIM 2.0 target connector (RFC 7643/7644): Users (core + enterprise extension) and Groups.
 * Anchor = the User's `id`; correlation = `externalId` (or a configured attribute) found by filter.
 */
import type { TargetConfig } from '../../config/schema.js';
import { correlationCodec } from '../../core/correlation.js';
import type { AccountState, AttrValue, Change, CreateOperation, Operation } from '../../core/model.js';
import { fail, sameValue } from '../contract.js';
import type { ApplyContext, Correlation, OperationResult, TargetCapabilities, TargetConnector, TargetDeps } from '../contract.js';
import { isManaged, scimGroups } from './groups.js';
import type { ScimTargetOptions } from './guard.js';
import type { ScimHttp } from './http.js';
import { ScimTargetError } from './http.js';
import { checkLive } from './live-check.js';
import {
  buildMapping, filterPath, needsCurrent, newResource, parsePath, patchOperations, readPath, replacedResource, resourceAttributes,
} from './map.js';
import { readServiceProvider, resourceApi } from './resources.js';
import type { Json, ServiceProvider } from './resources.js';

const refOf = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' && v.startsWith('ref:') && v.length > 4 ? v.slice(4) : undefined);

/** Create the connector over a client. */
export function createScimConnector(name: string, opts: ScimTargetOptions, http: ScimHttp, deps: TargetDeps, target: TargetConfig): TargetConnector {
  const mapping = buildMapping(name, Object.keys(target.attributes), opts.correlationAttribute);
  const codec = correlationCodec(target.correlation?.value);

  // `/ServiceProviderConfig` is read once and cached; a failed read is retried on the next call.
  let spPromise: Promise<ServiceProvider> | undefined;
  const sp = (): Promise<ServiceProvider> => {
    spPromise ??= readServiceProvider(http).catch((e: unknown) => {
      spPromise = undefined;
      throw e;
    });
    return spPromise;
  };
  const paging = { pageSize: opts.pageSize, usePut: opts.updateMethod === 'put' };
  const users = resourceApi(http, '/Users', sp, paging);
  const groups = scimGroups(resourceApi(http, '/Groups', sp, paging), opts);

  const capabilities: TargetCapabilities = {
    supportsPassword: false,
    supportsMove: false,
    // A userName change is a plain attribute update: no separate step.
    supportsRename: false,
    supportsEnable: true,
    supportsEntitlements: true,
    supportsLicences: false,
    softDelete: false,
  };

  const toState = (r: Json, held: readonly string[]): AccountState => {
    const corr = readPath(r, mapping.correlation);
    const managed = held.filter((e) => isManaged(target.managedEntitlements, e)).sort();
    const unmanaged = held.filter((e) => !isManaged(target.managedEntitlements, e)).sort();
    return {
      target: name,
      anchor: String(r.id),
      ...(typeof corr === 'string' && corr !== '' ? { correlation: corr } : {}),
      enabled: r.active !== false,
      attributes: resourceAttributes(mapping, r),
      entitlements: managed,
      ...(unmanaged.length > 0 ? { unmanaged } : {}),
    };
  };
  const stateOf = async (r: Json): Promise<AccountState> => toState(r, await groups.heldBy(String(r.id)));

  const corrPath = filterPath(mapping.correlation);
  const byCorrelation = async (personId: string): Promise<Json[]> => {
    const value = codec.render(personId);
    // A filter match is re-checked: `eq` on externalId is caseExact (RFC 7643 §3.1), but not every server agrees;
    // other attributes (userName) compare case-insensitively, as the server does.
    const exact = mapping.correlation.kind === 'core' && mapping.correlation.attr === 'externalId';
    const same = (v: AttrValue): boolean => typeof v === 'string' && (exact ? v === value : v.toLowerCase() === value.toLowerCase());
    return (await users.where(corrPath, value)).filter((r) => same(readPath(r, mapping.correlation)));
  };

  const anchorFor = async (op: Operation, ctx: ApplyContext): Promise<string | undefined> => {
    const known = op.anchor ?? ctx.current?.anchor;
    if (known !== undefined) return known;
    const found = await byCorrelation(op.personId);
    if (found.length > 1) throw new ScimTargetError('CORRELATION_AMBIGUOUS', `${found.length} SCIM users carry person id ${op.personId}`);
    return found[0] === undefined ? undefined : String(found[0].id);
  };

  /** `ref:<personId>` values (the manager) become that person's User id; an unresolved one fails the operation. */
  const resolveChanges = async (changes: readonly Change[], ctx: ApplyContext): Promise<Change[]> => {
    const out: Change[] = [];
    for (const c of changes) {
      const pid = refOf(c.to);
      if (pid === undefined) {
        out.push(c);
        continue;
      }
      const anchor = await ctx.resolveAnchor(pid);
      if (anchor === undefined) throw new ScimTargetError('REF_UNRESOLVED', `person ${pid} has no account in target ${name} yet`);
      out.push({ ...c, to: anchor });
    }
    return out;
  };

  const done = async (r: Json | undefined, id: string, note?: string): Promise<OperationResult> => {
    const resource = r ?? (await users.get(id))?.resource;
    return { ok: true, anchor: id, ...(resource ? { state: await stateOf(resource) } : {}), ...(note ? { note } : {}) };
  };

  const update = async (id: string, changes: readonly Change[]): Promise<Json | undefined> =>
    users.modify(id, {
      ops: (cur) => patchOperations(mapping, changes, cur),
      replace: (cur) => replacedResource(mapping, cur, changes),
      needsCurrent: needsCurrent(mapping, changes),
    });

  const create = async (op: CreateOperation, ctx: ApplyContext): Promise<OperationResult> => {
    // Create: references without an account yet stay empty (the planner follows up with an update).
    const values: Record<string, AttrValue> = {};
    const source = ctx.desired ? Object.entries(ctx.desired.attributes) : op.changes.map((c) => [c.attribute, c.to ?? null] as const);
    for (const [k, v] of source) {
      const pid = refOf(v);
      values[k] = pid === undefined ? v : (await ctx.resolveAnchor(pid)) ?? null;
    }
    const enabled = ctx.desired?.enabled ?? op.enabled;

    // Idempotency: an account for this person may exist (replay after a lost result, or made by hand).
    const adopt = async (): Promise<OperationResult | undefined> => {
      const existing = await byCorrelation(op.personId);
      if (existing.length > 1) return fail('CORRELATION_AMBIGUOUS', `${existing.length} SCIM users carry person id ${op.personId}`);
      const [hit] = existing;
      if (!hit) return undefined;
      const id = String(hit.id);
      const changes: Change[] = [];
      for (const [attribute, to] of Object.entries(values)) {
        const p = mapping.paths.get(attribute);
        if (p && attribute !== mapping.correlationAttribute && !sameValue(readPath(hit, p), to ?? null)) changes.push({ attribute, from: readPath(hit, p), to });
      }
      const r = changes.length > 0 ? await update(id, changes) : hit;
      return done(r, id, 'existing account for this person adopted');
    };
    const adopted = await adopt();
    if (adopted) return adopted;
    try {
      const r = await users.create(newResource(mapping, values, codec.render(op.personId), enabled));
      return await done(r, String(r.id));
    } catch (e) {
      if (e instanceof ScimTargetError && e.code === 'SCIM_IDENTIFIER_TAKEN') {
        // A lost response of our own POST, or a concurrent create for the same person: adopt instead of failing.
        const again = await adopt();
        if (again) return again;
      }
      throw e;
    }
  };

  const setActive = async (op: Operation, ctx: ApplyContext, active: boolean): Promise<OperationResult> => {
    const id = await anchorFor(op, ctx);
    if (id === undefined) return fail('NOT_FOUND', `no SCIM user for ${op.personId}`);
    // A disable reads the user first: one someone deactivated already is reported unchanged, so the engine does not
    // take that lock for Cadre's disable (a rehire would lift it).
    let already = false;
    const isAlready = (cur: Json | undefined): boolean => !active && cur !== undefined && cur.active === false;
    const r = await users.modify(id, {
      ops: (cur) => {
        already = isAlready(cur);
        return cur && (cur.active === active || already) ? [] : [{ op: 'replace', path: 'active', value: active }];
      },
      replace: (cur) => {
        already = isAlready(cur);
        return replacedResource(mapping, cur, [], active);
      },
      needsCurrent: !active,
    });
    if (!r) return fail('NOT_FOUND', `no SCIM user with id ${id}`);
    const result = await done(r, id, already ? 'already disabled' : undefined);
    return already && result.ok ? { ...result, unchanged: true } : result;
  };

  const applyOp = async (op: Operation, ctx: ApplyContext): Promise<OperationResult> => {
    switch (op.action) {
      case 'create':
        return create(op, ctx);
      // Adoption links an existing account; its only change, if any, stamps the correlation value.
      case 'adopt':
      case 'update':
      case 'rename': {
        const id = await anchorFor(op, ctx);
        if (id === undefined) return fail('NOT_FOUND', `no SCIM user for ${op.personId}`);
        const changes = await resolveChanges(op.changes, ctx);
        if (changes.length === 0) {
          const cur = await users.get(id);
          return cur ? done(cur.resource, id, 'nothing to change') : fail('NOT_FOUND', `no SCIM user with id ${id}`);
        }
        const r = await update(id, changes);
        return r ? done(r, id) : fail('NOT_FOUND', `no SCIM user with id ${id}`);
      }
      case 'enable':
        return setActive(op, ctx, true);
      case 'disable':
        return setActive(op, ctx, false);
      case 'grant':
      case 'revoke': {
        if (!op.entitlement) return fail('SCIM_INVALID_REQUEST', `${op.action} without an entitlement`);
        const id = await anchorFor(op, ctx);
        const exists = id !== undefined && (await users.get(id)) !== undefined;
        if (op.action === 'revoke') {
          if (!exists || id === undefined) return { ok: true, note: 'account gone: nothing to revoke' };
          const r = await groups.revoke(id, op.entitlement);
          return done(undefined, id, r === 'absent' ? 'not held' : undefined);
        }
        if (!exists || id === undefined) return fail('NOT_FOUND', `no SCIM user for ${op.personId}`);
        const r = await groups.grant(id, op.entitlement);
        return done(undefined, id, r === 'held' ? 'already held' : undefined);
      }
      case 'delete': {
        const id = await anchorFor(op, ctx);
        if (id === undefined) return { ok: true, note: 'already gone' };
        const deleted = await users.remove(id);
        return { ok: true, anchor: id, ...(deleted ? {} : { note: 'already gone' }) };
      }
      case 'move':
        return fail('NOT_SUPPORTED', `target ${name} (scim) has no containers`);
      case 'setPassword':
        return fail('NOT_SUPPORTED', `target ${name} (scim) does not manage passwords`);
      default:
        return fail('NOT_SUPPORTED', `action ${op.action} is not a target operation`);
    }
  };

  const apply = async (op: Operation, ctx: ApplyContext): Promise<OperationResult> => {
    try {
      return await applyOp(op, ctx);
    } catch (e) {
      const err = e instanceof ScimTargetError ? e : undefined;
      const code = err?.code ?? (typeof (e as { code?: unknown }).code === 'string' ? String((e as { code: string }).code) : 'SCIM_ERROR');
      const message = e instanceof Error ? e.message : String(e);
      deps.log.warn({ target: name, op: op.id, action: op.action, code }, 'scim target: operation failed');
      return fail(code, message, err?.transient ?? false, err?.retryAfter);
    }
  };

  return {
    name,
    kind: 'scim',
    capabilities,
    correlationAttribute: mapping.correlationAttribute,
    concurrency: opts.concurrency,
    // Not `listsEverything`: the listing shows only the mapped values (the work address, not a home address that
    // also collides), so identifier candidates are checked live with isFree (`emails.value eq`, any type).
    ...(Object.keys(target.identifiers).length > 0 ? { identifierAttributes: target.identifiers } : {}),

    async *list() {
      const held = await groups.index();
      for await (const page of users.pages()) yield page.map((r) => toState(r, held.get(String(r.id)) ?? []));
    },

    async find(correlation: Correlation) {
      const p = correlation.attribute === mapping.correlationAttribute ? mapping.correlation : (mapping.paths.get(correlation.attribute) ?? parsePath(correlation.attribute));
      if (!p) throw new ScimTargetError('CONFIG_INVALID', `attribute "${correlation.attribute}" is not a SCIM attribute path`);
      const found = await users.where(filterPath(p), correlation.value);
      // `emails.value eq` matches any type: keep the ones whose configured value is the one asked for.
      const exact = p.kind === 'multi' ? found.filter((r) => String(readPath(r, p) ?? '').toLowerCase() === correlation.value.toLowerCase()) : found;
      return Promise.all(exact.map(stateOf));
    },

    async isFree(attribute: string, value: string) {
      const p = mapping.paths.get(attribute) ?? parsePath(attribute);
      if (!p) throw new ScimTargetError('CONFIG_INVALID', `attribute "${attribute}" is not a SCIM attribute path`);
      // Any value of any type counts as taken (a work address someone holds as a home address still collides).
      const found = await users.where(filterPath(p), value, 'id');
      return found.length === 0;
    },

    apply,

    listEntitlements: () => groups.listing(),

    checkLive: (scope) => checkLive({ http, sp: readServiceProvider, groups, scope, opts, name }),

    async close() {
      // Nothing to release: fetch keeps no per-target connection state.
    },
  };
}
