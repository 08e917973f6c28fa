/**
 * The Entra ID target connector (Microsoft Graph v1.0). Anchor: the user's object id.
 * Correlation: `employeeId` (= the Personio person id). Deletes are soft (30-day deleted items);
 * a create for a person whose account sits in deleted items restores it (rehire).
 */
import { randomInt } from 'node:crypto';
import type { TargetConfig } from '../../config/schema.js';
import type { AccountState, AttrValue, Operation } from '../../core/model.js';
import { fail, sameValue } from '../contract.js';
import type { ApplyContext, Correlation, OperationResult, TargetConnector, TargetDeps } from '../contract.js';
import { TokenProvider } from './auth.js';
import { Batcher, makeCaller } from './batch.js';
import type { GraphCall } from './batch.js';
import { createResolver } from './entitlements.js';
import { EntraError, graphErrorOf, mapGraphError } from './errors.js';
import type { GraphResponse } from './errors.js';
import type { EntraTargetOptions } from './guard.js';
import { GraphHttp } from './http.js';
import { fromGraph, MANAGER_EXPAND, toWrite, USER_SELECT } from './mapping.js';
import { odataString } from './simulator/odata.js';

type GraphUser = Record<string, unknown> & { id: string };
const FILTERABLE = new Set(['employeeId', 'userPrincipalName', 'mail', 'mailNickname', 'displayName', 'id']);
const DELETED_CACHE_MS = 60_000;

/** Random initial password meeting Entra complexity (used only when the engine supplies none). */
function randomPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&*+-=?@^_'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)] as string);
  while (chars.length < 24) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/** Extra, Entra-only methods. */
export interface EntraConnector extends TargetConnector {
  /** Users changed since the last call (first call: all), via `/users/delta`; the deltaLink is kept in memory. */
  listChanges(): Promise<{ changed: AccountState[]; removed: { anchor: string; reason: 'changed' | 'deleted' }[] }>;
  /** HTTP counters (requests sent, 429s seen, retries). */
  readonly stats: { readonly requests: number; readonly throttled: number; readonly retries: number; readonly batches: number };
}

/** Build the connector from validated options. */
export function createEntraConnector(name: string, opts: EntraTargetOptions, deps: TargetDeps, target: TargetConfig): EntraConnector {
  const tokens = new TokenProvider({ authorityUrl: opts.authorityUrl, tenantId: opts.tenantId, clientId: opts.clientId, clientSecret: opts.clientSecret, timeoutMs: opts.timeoutMs });
  const http = new GraphHttp({ graphUrl: opts.graphUrl, concurrency: opts.concurrency, maxRetries: opts.maxRetries, maxThrottleRetries: opts.maxThrottleRetries, timeoutMs: opts.timeoutMs }, tokens);
  const batcher = opts.batchSize > 1 ? new Batcher(http, { batchSize: opts.batchSize, lingerMs: 4, concurrency: opts.concurrency, maxRetries: opts.maxRetries, maxThrottleRetries: opts.maxThrottleRetries }) : undefined;
  const call: GraphCall = makeCaller(http, batcher);
  const resolver = createResolver(opts, target.managedEntitlements, call);
  let deltaLink: string | undefined;
  let deletedIndex: { at: number; map: Promise<Map<string, { id: string; deletedDateTime: string }[]>> } | undefined;

  const expect = (res: GraphResponse, ok: readonly number[], what: string): GraphResponse => {
    if (!ok.includes(res.status)) throw mapGraphError(res, what);
    return res;
  };
  const valueOf = (res: GraphResponse): GraphUser[] => ((res.body as { value?: GraphUser[] } | undefined)?.value ?? []);

  /** Follow nextLinks of a collection. */
  async function* pages(first: string, what: string): AsyncGenerator<GraphUser[]> {
    let url: string | undefined = first;
    while (url) {
      const res = expect(await call('GET', url), [200], what);
      yield valueOf(res);
      url = (res.body as { '@odata.nextLink'?: string })['@odata.nextLink'];
    }
  }

  async function findUsers(attribute: string, value: string): Promise<GraphUser[]> {
    if (!FILTERABLE.has(attribute)) throw new EntraError('ENTRA_INVALID', `find: attribute '${attribute}' cannot be searched (use one of ${[...FILTERABLE].join(', ')})`);
    const out: GraphUser[] = [];
    const filter = encodeURIComponent(`${attribute} eq ${odataString(value)}`);
    for await (const page of pages(`/users?$filter=${filter}&$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}`, `find ${attribute}=${value}`)) out.push(...page);
    return out;
  }

  /** employeeId → soft-deleted users; cached briefly so bulk joiners cost one listing, not one each. */
  function deletedByEmployeeId(fresh = false): Promise<Map<string, { id: string; deletedDateTime: string }[]>> {
    if (!fresh && deletedIndex && Date.now() - deletedIndex.at < DELETED_CACHE_MS) return deletedIndex.map;
    const map = (async () => {
      const m = new Map<string, { id: string; deletedDateTime: string }[]>();
      for await (const page of pages('/directory/deletedItems/microsoft.graph.user?$select=id,employeeId,deletedDateTime&$top=999', 'reading deleted users')) {
        for (const u of page) {
          if (typeof u.employeeId !== 'string' || !u.employeeId) continue;
          const list = m.get(u.employeeId) ?? [];
          list.push({ id: u.id, deletedDateTime: String(u.deletedDateTime ?? '') });
          m.set(u.employeeId, list);
        }
      }
      return m;
    })();
    deletedIndex = { at: Date.now(), map };
    map.catch(() => { deletedIndex = undefined; });
    return map;
  }

  async function entitlementsOf(u: GraphUser, memberOf: readonly { id: string; displayName?: string }[] | undefined, managed: Map<string, string> | undefined): Promise<{ entitlements: string[]; unmanaged: string[] }> {
    const entitlements: string[] = [];
    const unmanaged: string[] = [];
    for (const l of (u.assignedLicenses as { skuId: string }[] | undefined) ?? []) {
      const n = await resolver.licenceName(l.skuId);
      if (n) entitlements.push(n);
      else unmanaged.push(`licence:${l.skuId}`);
    }
    if (memberOf) {
      const byId = new Map([...(managed ?? new Map<string, string>())].map(([n, id]) => [id, n]));
      for (const g of memberOf) {
        const n = byId.get(g.id) ?? resolver.groupName(g.id);
        if (n) entitlements.push(n);
        else unmanaged.push(g.displayName ?? g.id);
      }
    }
    return { entitlements, unmanaged };
  }

  function toState(u: GraphUser, ents: { entitlements: string[]; unmanaged: string[] }): AccountState {
    const attributes = fromGraph(u);
    return {
      target: name,
      anchor: u.id,
      ...(typeof u.employeeId === 'string' && u.employeeId ? { correlation: u.employeeId } : {}),
      enabled: u.accountEnabled === true,
      attributes,
      entitlements: ents.entitlements,
      ...(ents.unmanaged.length > 0 ? { unmanaged: ents.unmanaged } : {}),
    };
  }

  async function stateWithMemberships(u: GraphUser): Promise<AccountState> {
    const groups: { id: string; displayName?: string }[] = [];
    for await (const page of pages(`/users/${u.id}/memberOf?$select=id,displayName`, `reading groups of ${u.id}`)) groups.push(...(page as { id: string; displayName?: string }[]));
    const managed = await resolver.managedGroups();
    return toState(u, await entitlementsOf(u, groups, managed));
  }

  /** The account an operation targets: its anchor, or the one account with the person's employeeId. */
  async function anchorOf(op: Operation, ctx: ApplyContext): Promise<string | undefined> {
    const a = op.anchor ?? ctx.current?.anchor;
    if (a) return a;
    const cid = ctx.desired?.attributes.employeeId;
    const correlation = typeof cid === 'string' && cid ? cid : op.personId;
    const found = await findUsers('employeeId', correlation);
    if (found.length > 1) throw new EntraError('ENTRA_AMBIGUOUS', `${op.action} for person ${op.personId}: ${found.length} accounts carry employeeId ${correlation}; resolve by hand`);
    return found[0]?.id;
  }

  async function managerId(value: AttrValue, ctx: ApplyContext, what: string): Promise<string | null> {
    if (value === null || value === '') return null;
    const v = String(value);
    if (!v.startsWith('ref:')) return v;
    const pid = v.slice(4);
    const anchor = await ctx.resolveAnchor(pid);
    if (anchor) return anchor;
    const found = await findUsers('employeeId', pid);
    if (found.length === 1) return (found[0] as GraphUser).id;
    throw new EntraError('ENTRA_REFERENCE_UNRESOLVED', `${what}: manager ${pid} has ${found.length === 0 ? 'no' : 'more than one'} account in ${name}`);
  }

  async function setManager(id: string, mgr: string | null, what: string): Promise<void> {
    if (mgr === null) {
      const res = await call('DELETE', `/users/${id}/manager/$ref`);
      if (res.status !== 204 && res.status !== 404) throw mapGraphError(res, what);
      return;
    }
    expect(await call('PUT', `/users/${id}/manager/$ref`, { '@odata.id': `${http.base}/users/${mgr}` }), [204], what);
  }

  /** PATCH whatever differs from the desired attributes/enabled flag (adoption and restore). */
  async function converge(u: GraphUser, attrs: Record<string, AttrValue>, enabled: boolean, ctx: ApplyContext, what: string): Promise<string[]> {
    const current = fromGraph(u);
    const diffs = Object.entries(attrs).filter(([k, v]) => k !== 'manager' && k !== 'proxyAddresses' && !sameValue(current[k], v)).map(([attribute, to]) => ({ attribute, to }));
    const write = toWrite(diffs, what, opts.upnFollowsName);
    const body: Record<string, unknown> = { ...write.body };
    if (u.accountEnabled !== enabled) body.accountEnabled = enabled;
    if (Object.keys(body).length > 0) expect(await call('PATCH', `/users/${u.id}`, body), [204], what);
    if (attrs.manager !== undefined) {
      const mgr = await managerId(attrs.manager, ctx, what);
      const have = (u.manager as { id?: string } | undefined)?.id ?? null;
      if (mgr !== have) await setManager(u.id, mgr, what);
    }
    return Object.keys(body);
  }

  async function create(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
    const what = `create user for person ${op.personId}`;
    const attrs: Record<string, AttrValue> = { ...(ctx.desired?.attributes ?? {}) };
    for (const c of op.changes) attrs[c.attribute] = c.to ?? null;
    const enabled = typeof op.data?.enabled === 'boolean' ? op.data.enabled : (ctx.desired?.enabled ?? true);
    const employeeId = typeof attrs.employeeId === 'string' && attrs.employeeId ? attrs.employeeId : op.personId;
    attrs.employeeId = employeeId;

    // Idempotent: an account with this employeeId is adopted (crash replay or pre-existing account).
    const live = await findUsers('employeeId', employeeId);
    if (live.length > 1) return fail('ENTRA_AMBIGUOUS', `${what}: ${live.length} accounts carry employeeId ${employeeId}; resolve by hand`);
    if (live[0]) {
      const changed = await converge(live[0], attrs, enabled, ctx, what);
      return { ok: true, anchor: live[0].id, adopted: true, note: changed.length > 0 ? `adopted existing account, updated ${changed.join(', ')}` : 'account already exists' };
    }
    // Rehire within 30 days: restore the soft-deleted account instead of creating a second one.
    const deleted = (await deletedByEmployeeId()).get(employeeId) ?? [];
    if (deleted.length > 0) {
      const latest = [...deleted].sort((a, b) => b.deletedDateTime.localeCompare(a.deletedDateTime))[0] as { id: string };
      expect(await call('POST', `/directory/deletedItems/${latest.id}/restore`, {}), [200], `${what} (restore from deleted items)`);
      deletedIndex = undefined;
      // The engine hands out the secret as the new initial password: set it, or the rehire keeps the old one.
      if (ctx.secret) expect(await call('PATCH', `/users/${latest.id}`, { passwordProfile: { forceChangePasswordNextSignIn: true, password: ctx.secret } }), [204], `${what} (new initial password)`);
      const restored = expect(await call('GET', `/users/${latest.id}?$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}`), [200], what).body as GraphUser;
      const changed = await converge(restored, attrs, enabled, ctx, what);
      return { ok: true, anchor: latest.id, note: `restored from deleted items (rehire)${changed.length > 0 ? `, updated ${changed.join(', ')}` : ''}` };
    }
    const write = toWrite(Object.entries(attrs).map(([attribute, to]) => ({ attribute, to })), what, true);
    const body: Record<string, unknown> = Object.fromEntries(Object.entries(write.body).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
    if (typeof body.mailNickname !== 'string' && typeof body.userPrincipalName === 'string') body.mailNickname = body.userPrincipalName.split('@')[0];
    const missing = ['displayName', 'userPrincipalName', 'mailNickname'].filter((k) => typeof body[k] !== 'string');
    if (missing.length > 0) return fail('ENTRA_INVALID', `${what}: required attribute(s) missing: ${missing.join(', ')}`);
    body.accountEnabled = enabled;
    body.usageLocation ??= opts.usageLocation;
    body.passwordProfile = { forceChangePasswordNextSignIn: true, password: ctx.secret ?? randomPassword() };
    const res = expect(await call('POST', '/users', body), [201], what);
    const id = (res.body as { id: string }).id;
    const notes: string[] = [];
    if (write.manager !== undefined && write.manager !== null) {
      try {
        await setManager(id, await managerId(write.manager, ctx, what), what);
      } catch (err) {
        if (!(err instanceof EntraError) || err.transient) throw err;
        notes.push(`manager not set: ${err.message}`);
      }
    }
    if (write.skipped.length > 0) notes.push(`not writable in Graph: ${write.skipped.join(', ')}`);
    return notes.length > 0 ? { ok: true, anchor: id, note: notes.join('; ') } : { ok: true, anchor: id };
  }

  async function update(op: Operation, ctx: ApplyContext, anchor: string): Promise<OperationResult> {
    const what = `${op.action} user ${anchor} (person ${op.personId})`;
    const write = toWrite(op.changes, what, opts.upnFollowsName);
    // Resolve the manager first: an unresolvable reference must change nothing.
    const mgr = write.manager !== undefined ? await managerId(write.manager, ctx, what) : undefined;
    if (Object.keys(write.body).length > 0) expect(await call('PATCH', `/users/${anchor}`, write.body), [204], what);
    else if (mgr !== undefined) expect(await call('GET', `/users/${anchor}?$select=id`), [200], what);
    if (mgr !== undefined) await setManager(anchor, mgr, what);
    const notes: string[] = [];
    if (write.skipped.includes('userPrincipalName')) notes.push('userPrincipalName kept (upnFollowsName is off)');
    if (write.skipped.includes('proxyAddresses')) notes.push('proxyAddresses are read-only in Graph (a mail change keeps the old address as smtp: alias)');
    return notes.length > 0 ? { ok: true, anchor, note: notes.join('; ') } : { ok: true, anchor };
  }

  async function setEnabled(op: Operation, anchor: string, enabled: boolean): Promise<OperationResult> {
    const what = `${op.action} user ${anchor} (person ${op.personId})`;
    expect(await call('PATCH', `/users/${anchor}`, { accountEnabled: enabled }), [204], what);
    const notes: string[] = [];
    if (!enabled && opts.revokeSessionsOnDisable) {
      expect(await call('POST', `/users/${anchor}/revokeSignInSessions`, {}), [200, 204], `${what}: revoke sign-in sessions`);
      notes.push('sign-in sessions revoked');
    }
    if (!enabled && opts.removeLicencesOnDisable) {
      const u = expect(await call('GET', `/users/${anchor}?$select=id,assignedLicenses`), [200], what).body as GraphUser;
      const remove: string[] = [];
      for (const l of (u.assignedLicenses as { skuId: string }[] | undefined) ?? []) if (await resolver.licenceName(l.skuId)) remove.push(l.skuId);
      if (remove.length > 0) {
        expect(await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [], removeLicenses: remove }), [200], `${what}: remove licences`);
        notes.push(`${remove.length} licence(s) removed`);
      }
    }
    return notes.length > 0 ? { ok: true, anchor, note: notes.join('; ') } : { ok: true, anchor };
  }

  async function entitlement(op: Operation, anchor: string, grant: boolean): Promise<OperationResult> {
    const ent = op.entitlement;
    if (!ent) return fail('ENTRA_INVALID', `${op.action} for person ${op.personId}: no entitlement named`);
    const what = `${op.action} '${ent}' for user ${anchor} (person ${op.personId})`;
    const r = await resolver.resolve(ent);
    if (r.kind === 'licence') {
      if (grant) {
        const u = expect(await call('GET', `/users/${anchor}?$select=id,usageLocation,assignedLicenses`), [200], what).body as GraphUser;
        if (((u.assignedLicenses as { skuId: string }[] | undefined) ?? []).some((l) => l.skuId === r.skuId)) return { ok: true, anchor, note: 'licence already assigned' };
        // assignLicense fails without a usage location; set the configured default first.
        if (!u.usageLocation) expect(await call('PATCH', `/users/${anchor}`, { usageLocation: opts.usageLocation }), [204], `${what}: set usageLocation`);
        expect(await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [{ skuId: r.skuId, disabledPlans: [] }], removeLicenses: [] }), [200], what);
        return { ok: true, anchor };
      }
      const res = await call('POST', `/users/${anchor}/assignLicense`, { addLicenses: [], removeLicenses: [r.skuId] });
      if (res.status === 400 && /does not have a corresponding license/i.test(graphErrorOf(res.body)?.message ?? '')) return { ok: true, anchor, note: 'licence was not assigned' };
      expect(res, [200], what);
      return { ok: true, anchor };
    }
    if (grant) {
      const res = await call('POST', `/groups/${r.id}/members/$ref`, { '@odata.id': `${http.base}/directoryObjects/${anchor}` });
      if (res.status === 400 && /already exist/i.test(graphErrorOf(res.body)?.message ?? '')) return { ok: true, anchor, note: 'already a member' };
      expect(res, [204], what);
      return { ok: true, anchor };
    }
    const res = await call('DELETE', `/groups/${r.id}/members/${anchor}/$ref`);
    if (res.status === 404) {
      // Not a member, or no such user: only the latter is an error.
      expect(await call('GET', `/users/${anchor}?$select=id`), [200], what);
      return { ok: true, anchor, note: 'was not a member' };
    }
    expect(res, [204], what);
    return { ok: true, anchor };
  }

  async function remove(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
    const anchor = await anchorOf(op, ctx);
    if (!anchor) return { ok: true, note: 'no account to delete' };
    const res = await call('DELETE', `/users/${anchor}`);
    if (res.status === 404) return { ok: true, anchor, note: 'already deleted' };
    expect(res, [204], `delete user ${anchor} (person ${op.personId})`);
    deletedIndex = undefined;
    return { ok: true, anchor, note: 'moved to deleted items (restorable for 30 days)' };
  }

  async function applyOp(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
    if (op.action === 'create') return create(op, ctx);
    if (op.action === 'delete') return remove(op, ctx);
    if (op.action === 'move' || op.action === 'writeBack' || op.action === 'notify') return fail('NOT_SUPPORTED', `${op.action} is not supported by the Entra target ${name}`);
    const anchor = await anchorOf(op, ctx);
    if (!anchor) return fail('ENTRA_NOT_FOUND', `${op.action} for person ${op.personId}: no account in ${name}`);
    switch (op.action) {
      case 'update':
      case 'rename':
        return update(op, ctx, anchor);
      case 'enable':
        return setEnabled(op, anchor, true);
      case 'disable':
        return setEnabled(op, anchor, false);
      case 'grant':
        return entitlement(op, anchor, true);
      case 'revoke':
        return entitlement(op, anchor, false);
      case 'setPassword': {
        if (!ctx.secret) return fail('ENTRA_INVALID', `setPassword for person ${op.personId}: no password supplied`);
        expect(await call('PATCH', `/users/${anchor}`, { passwordProfile: { forceChangePasswordNextSignIn: true, password: ctx.secret } }), [204], `setPassword for user ${anchor} (person ${op.personId})`);
        return { ok: true, anchor };
      }
      default:
        return fail('NOT_SUPPORTED', `${String(op.action)} is not supported by the Entra target ${name}`);
    }
  }

  return {
    name,
    kind: 'entra',
    capabilities: { supportsPassword: true, supportsMove: false, supportsRename: false, supportsEnable: true, supportsEntitlements: true, supportsLicences: true, softDelete: true },
    correlationAttribute: 'employeeId',
    // Enough concurrent operations to fill `concurrency` batches of `batchSize`.
    concurrency: opts.concurrency * opts.batchSize,
    // Without upnFollowsName the UPN is fixed at create, so the planner must not keep asking to change it.
    ...(opts.upnFollowsName ? {} : { createOnlyAttributes: ['userPrincipalName'] }),
    identifierAttributes: { upn: ['userPrincipalName', 'mail', 'proxyAddresses'], mail: ['mail', 'proxyAddresses'], username: ['mailNickname'] },
    identifierLimits: { username: 64, upn: 113, mail: 256 },
    get stats() {
      return { requests: http.stats.requests, throttled: http.stats.throttled, retries: http.stats.retries, batches: batcher?.stats.batches ?? 0 };
    },

    async *list() {
      const managed = await resolver.managedGroups();
      const memberships = new Map<string, string[]>();
      for (const [ent, gid] of managed) {
        for await (const page of pages(`/groups/${gid}/members?$select=id&$top=999`, `reading members of group '${ent}'`)) {
          for (const m of page) memberships.set(m.id, [...(memberships.get(m.id) ?? []), ent]);
        }
      }
      for await (const page of pages(`/users?$select=${USER_SELECT}&$expand=${MANAGER_EXPAND}&$top=999`, 'listing users')) {
        const states: AccountState[] = [];
        for (const u of page) {
          // Cadre's scope: accounts that carry a correlation value. Filtered here because `employeeId ne null` needs an advanced query.
          if (typeof u.employeeId !== 'string' || u.employeeId === '') continue;
          const ents = await entitlementsOf(u, undefined, undefined);
          states.push(toState(u, { entitlements: [...ents.entitlements, ...(memberships.get(u.id) ?? [])], unmanaged: ents.unmanaged }));
        }
        if (states.length > 0) yield states;
      }
    },

    async find(c: Correlation) {
      const users = await findUsers(c.attribute, c.value);
      return Promise.all(users.map((u) => stateWithMemberships(u)));
    },

    async isFree(attribute: string, value: string) {
      const v = value.replace(/^smtp:/i, '');
      const q = (f: string): Promise<GraphResponse> => call('GET', `/users?$filter=${encodeURIComponent(f)}&$select=id&$top=1`);
      let checks: string[];
      if (attribute === 'userPrincipalName' || attribute === 'mail' || attribute === 'proxyAddresses') {
        // An address is taken when any user has it as UPN, mail or proxy address (disabled users included).
        checks = [`userPrincipalName eq ${odataString(v)}`, `mail eq ${odataString(v)}`, `proxyAddresses/any(x:x eq ${odataString(`smtp:${v}`)})`];
      } else {
        if (!FILTERABLE.has(attribute)) throw new EntraError('ENTRA_INVALID', `isFree: attribute '${attribute}' cannot be checked`);
        checks = [`${attribute} eq ${odataString(v)}`];
      }
      const results = await Promise.all(checks.map(q));
      for (const r of results) expect(r, [200], `isFree ${attribute}=${value}`);
      return results.every((r) => valueOf(r).length === 0);
    },

    async apply(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
      try {
        return await applyOp(op, ctx);
      } catch (err) {
        if (err instanceof EntraError) return { ok: false, error: err.toTargetError() };
        const msg = err instanceof Error ? err.message : String(err);
        deps.log.error({ target: name, action: op.action, personId: op.personId, err: msg }, 'entra apply failed unexpectedly');
        return fail('ENTRA_ERROR', `${op.action} for person ${op.personId}: ${msg}`, /fetch failed|ECONN|ETIMEDOUT|aborted|timeout/i.test(msg));
      }
    },

    async listChanges() {
      const changed: AccountState[] = [];
      const removed: { anchor: string; reason: 'changed' | 'deleted' }[] = [];
      let url: string | undefined = deltaLink ?? `/users/delta?$select=${USER_SELECT}`;
      while (url) {
        const res = expect(await http.send('GET', url), [200], 'reading user changes (delta)');
        const body = res.body as { value?: GraphUser[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
        for (const u of body.value ?? []) {
          const rm = u['@removed'] as { reason?: string } | undefined;
          if (rm) removed.push({ anchor: u.id, reason: rm.reason === 'deleted' ? 'deleted' : 'changed' });
          else if (typeof u.employeeId === 'string' && u.employeeId) changed.push(toState(u, await entitlementsOf(u, undefined, undefined)));
        }
        url = body['@odata.nextLink'];
        if (!url && body['@odata.deltaLink']) deltaLink = body['@odata.deltaLink'];
      }
      return { changed, removed };
    },

    async close() {
      /* fetch keeps no connections we own; nothing to release */
    },
  };
}
