/**
 * The Entra ID target connector (Microsoft Graph v1.0). Anchor: the user's object id.
 * Correlation: `employeeId` (= the Personio person id). Deletes are soft (30-day deleted items);
 * a create for a person whose account sits in deleted items restores it (rehire).
 *
 * This file assembles the parts: session.ts (HTTP, paging, search), read.ts (list/find/isFree/delta),
 * create.ts (create/restore/delete), update.ts (update/rename/enable/disable/password), grant.ts.
 */
import type { TargetConfig } from '../../config/schema.js';
import type { AccountState, Operation } from '../../core/model.js';
import { fail } from '../contract.js';
import type { ApplyContext, LiveCheckScope, LiveFinding, OperationResult, TargetConnector, TargetDeps } from '../contract.js';
import { licenceCounts } from './licences.js';
import { entraLiveCheck } from './live-check.js';
import { createUser, deleteUser } from './create.js';
import { EntraError } from './errors.js';
import { entraHelpdesk } from './helpdesk.js';
import { issueTemporaryAccessPass } from './tap.js';
import { setEntitlement } from './grant.js';
import type { EntraTargetOptions } from './guard.js';
import { createReader } from './read.js';
import { anchorOf } from './references.js';
import { createSession } from './session.js';
import { setEnabled, setPassword, updateUser } from './update.js';

/** Extra, Entra-only methods. */
export interface EntraConnector extends TargetConnector {
  /** Users changed since the last call (first call: all), via `/users/delta`; the deltaLink is kept in memory. */
  listChanges(): Promise<{ changed: AccountState[]; removed: { anchor: string; reason: 'changed' | 'deleted' }[] }>;
  /** HTTP counters (requests sent, 429s seen, retries). */
  readonly stats: { readonly requests: number; readonly throttled: number; readonly retries: number; readonly batches: number };
}

/** Build the connector from validated options. */
export function createEntraConnector(name: string, opts: EntraTargetOptions, deps: TargetDeps, target: TargetConfig): EntraConnector {
  const s = createSession(name, opts, target);
  const reader = createReader(s);
  const { http, batcher } = s;

  async function applyOp(op: Operation, ctx: ApplyContext): Promise<OperationResult> {
    if (op.action === 'create') {
      const r = await createUser(s, op, ctx);
      // An adopted or restored account holds what it holds: read it back so the store knows (incremental
      // ticks plan from the store). A fresh account holds exactly what was written.
      if (!r.ok || r.state || !r.anchor || !(r.adopted || r.note?.startsWith('restored'))) return r;
      const state = (await reader.find({ attribute: 'employeeId', value: s.codec.render(op.personId) })).find((a) => a.anchor === r.anchor);
      return state ? { ...r, state } : r;
    }
    if (op.action === 'delete') return deleteUser(s, op, ctx);
    if (op.action === 'move' || op.action === 'writeBack' || op.action === 'notify') return fail('NOT_SUPPORTED', `${op.action} is not supported by the Entra target ${name}`);
    const anchor = await anchorOf(s, op, ctx);
    if (!anchor) return fail('ENTRA_NOT_FOUND', `${op.action} for person ${op.personId}: no account in ${name}`);
    switch (op.action) {
      case 'adopt':
        // Linking an existing user; its only change, if any, stamps the correlation id.
        if (op.changes.length > 0) return updateUser(s, op, ctx, anchor);
        s.expect(await s.call('GET', `/users/${anchor}?$select=id`), [200], `adopt user ${anchor} (person ${op.personId})`);
        return { ok: true, anchor, note: 'adopted' };
      case 'update':
      case 'rename':
        return updateUser(s, op, ctx, anchor);
      case 'enable':
        return setEnabled(s, op, anchor, true);
      case 'disable':
        return setEnabled(s, op, anchor, false);
      case 'grant':
        return setEntitlement(s, op, anchor, true);
      case 'revoke':
        return setEntitlement(s, op, anchor, false);
      case 'setPassword':
        return setPassword(s, op, ctx, anchor);
      case 'offboard': {
        if (op.step !== 'revokeSessions' || op.undo === true) return fail('NOT_SUPPORTED', `offboarding step ${op.step} is not supported by the Entra target ${name}`);
        // Refresh tokens and session cookies issued before now stop working (access tokens run out within the hour).
        s.expect(await s.call('POST', `/users/${anchor}/revokeSignInSessions`, {}), [200, 204], `revoke sign-in sessions of user ${anchor} (person ${op.personId})`);
        return { ok: true, anchor, note: 'sign-in sessions revoked' };
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
    // Graph's proxyAddresses is read-only on users (Exchange Online keeps it): checked for collisions, never written.
    readOnlyAttributes: ['proxyAddresses'],
    licenceEntitlements: Object.keys(opts.licences),
    offboardSteps: ['revokeSessions'],
    get stats() {
      return { requests: http.stats.requests, throttled: http.stats.throttled, retries: http.stats.retries, batches: batcher?.stats.batches ?? 0 };
    },

    list: reader.list,
    find: reader.find,
    isFree: reader.isFree,
    listChanges: reader.listChanges,
    listEntitlements: () => s.resolver.catalog(),
    licenceCounts: () => licenceCounts(s),
    checkLive: (scope: LiveCheckScope): Promise<LiveFinding[]> => entraLiveCheck(s, target, scope),
    // resetPassword, accountStatus, passwordPolicy (no unlock: Graph exposes no lockout)
    ...entraHelpdesk(s),
    issueTemporaryAccessPass: (anchor, req) => issueTemporaryAccessPass(s, anchor, req),

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

    async close() {
      /* fetch keeps no connections we own; nothing to release */
    },
  };
}
