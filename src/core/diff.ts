/**
 * Diff of desired vs known account state → operations for one person in one target.
 */
import type { TargetConfig } from '../config/schema.js';
import { addressListChange } from './address-list.js';
import { offboardRemoves, offboardRevokeReason } from './offboarding.js';
import { sameValue } from './values.js';
import type { DesiredDetail } from './desired.js';
import { canonicalJson, sha256Hex } from './hash.js';
import type { AccountState, AttrValue, Change, Operation, Reason } from './model.js';
import type { TargetInfo } from './plan-input.js';

type Draft<O> = O extends Operation ? Omit<O, 'id' | 'dependsOn'> & { readonly dependsOn?: readonly string[] } : never;
/** An operation before its id is computed (dependencies may still be added). */
export type OpDraft = Draft<Operation>;

/** Stable operation id: sha256 of target|action|person|entitlement|changes (+ anchor, event), 16 hex chars. */
export function opId(d: OpDraft): string {
  const event = d.action === 'notify' ? d.event : d.action === 'offboard' ? `${d.step}${d.undo === true ? ':undo' : ''}` : '';
  const parts = [d.target, d.action, d.personId, d.entitlement ?? '', canonicalJson(d.changes), d.anchor ?? '', event];
  return sha256Hex(parts.join('|')).slice(0, 16);
}

/** Keys every operation shows first, in this order (plans and the journal read alike whatever the action). */
const COMMON_KEYS = ['target', 'action', 'personId', 'anchor', 'changes', 'entitlement', 'reason', 'dependsOn'] as const;
const COMMON = new Set<string>(COMMON_KEYS);

/** Give a draft its id; the action's own fields follow the common ones, and fields left undefined are dropped. */
export function makeOp(d: OpDraft): Operation {
  const from = d as Readonly<Record<string, unknown>>;
  const op: Record<string, unknown> = { id: opId(d) };
  for (const k of COMMON_KEYS) if (from[k] !== undefined) op[k] = from[k];
  op['dependsOn'] = d.dependsOn ?? [];
  for (const k of Object.keys(from)) if (!COMMON.has(k) && from[k] !== undefined) op[k] = from[k];
  return op as unknown as Operation;
}

/** `ref:<personId>` values point at another person's account in the same target. */
export function refOf(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.startsWith('ref:') && v.length > 4 ? v.slice(4) : undefined;
}

/** How a reference resolves: a known anchor, a create in this plan, or not (yet) at all. */
export type RefResolution = { readonly anchor: string } | { readonly createId: string } | undefined;
/** Resolves `ref:` values for a target. */
export type RefResolver = (target: string, personId: string) => RefResolution;

/** `sameValue` with a fast path for the common case of two equal strings. */
const same = (a: AttrValue | undefined, b: AttrValue | undefined): boolean => (a === b && typeof a === 'string') || sameValue(a, b);

/**
 * Connectors resolve a name taken in the container by appending ` (2)`, ` (3)`… (AD: `CN=Jürgen Müller (2)`):
 * such a variant of the wanted naming value is the wanted name, not a pending rename (it would never settle).
 */
export function isNamingVariant(have: AttrValue | undefined, want: AttrValue | undefined): boolean {
  if (typeof have !== 'string' || typeof want !== 'string') return false;
  const m = / \((\d{1,3})\)$/.exec(have);
  return m !== null && Number(m[1]) >= 2 && have.slice(0, m.index) === want;
}

const sameContainer = (a: string | undefined, b: string | undefined): boolean =>
  (a ?? '').replace(/\s*,\s*/g, ',').toLowerCase() === (b ?? '').replace(/\s*,\s*/g, ',').toLowerCase();

function refUpdate(target: string, personId: string, attr: string, from: AttrValue | undefined, refPerson: string, reason: Reason, deps: string[], anchor?: string): OpDraft {
  return {
    target, action: 'update', personId, changes: [{ attribute: attr, from, to: `ref:${refPerson}` }],
    reason, dependsOn: deps, ...(anchor !== undefined ? { anchor } : {}),
  };
}

/**
 * Operations that create a new account: the create (attributes without unresolved references), one
 * grant per entitlement, and reference updates that wait for the referenced account's create.
 */
export function createOps(detail: DesiredDetail, tcfg: TargetConfig, info: TargetInfo, ids: Readonly<Record<string, string>>, resolve: RefResolver): { create: Operation; rest: Operation[] } {
  const d = detail.desired;
  const changes: Change[] = [];
  const later: [string, string][] = [];
  for (const attr of Object.keys(d.attributes).sort()) {
    const v = d.attributes[attr] as AttrValue;
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    const ref = refOf(v);
    if (ref !== undefined) {
      const r = resolve(d.target, ref);
      if (r && 'anchor' in r) changes.push({ attribute: attr, from: undefined, to: r.anchor });
      else if (r) later.push([attr, ref]);
      continue;
    }
    changes.push({ attribute: attr, from: undefined, to: v });
  }
  const identifiers: Record<string, string> = {};
  for (const k of Object.keys(ids).sort()) identifiers[k] = ids[k] as string;
  const create = makeOp({
    target: d.target, action: 'create', personId: d.personId, changes, reason: d.lifecycle, enabled: d.enabled,
    ...(d.container !== undefined ? { container: d.container } : {}),
    ...(tcfg.password && info.capabilities.supportsPassword ? { password: true } : {}),
    ...(Object.keys(identifiers).length > 0 ? { identifiers } : {}),
  });
  const rest: Operation[] = [];
  for (const g of d.entitlements) {
    rest.push(makeOp({ target: d.target, action: 'grant', personId: d.personId, changes: [], entitlement: g.name, reason: g.reason, dependsOn: [create.id] }));
  }
  for (const [attr, ref] of later) {
    const r = resolve(d.target, ref);
    const deps = [create.id, ...(r && 'createId' in r ? [r.createId] : [])];
    rest.push(makeOp(refUpdate(d.target, d.personId, attr, undefined, ref, d.attributeReasons[attr] as Reason, deps)));
  }
  return { create, rest };
}

/** Options for {@link diffAccount}. */
export interface DiffOptions {
  /** The account was found by correlation: an `adopt` operation links it (and stamps the id) before anything else. */
  readonly adopt: boolean;
  /** The account is most likely Cadre's own: a create of an interrupted run reached the target (crash recovery). */
  readonly resumed?: boolean;
  /** Set when a secondary correlation attribute found the account (it had no correlation id). */
  readonly adoptVia?: string;
  /** The person is a rehire being re-enabled: set a new password when the target manages passwords. */
  readonly rehire: boolean;
  /**
   * The first enable of an account created disabled before day one, with `passwordDelivery: mail-separate`: a new
   * password is set now, so the one mailed on day one was never anywhere before it.
   */
  readonly firstDay?: boolean;
  /** Predicate for entitlements Cadre may revoke. */
  readonly managed: (e: string) => boolean;
}

/** Operations that bring an existing account to the desired state. */
export function diffAccount(detail: DesiredDetail, account: AccountState, tcfg: TargetConfig, info: TargetInfo, resolve: RefResolver, opts: DiffOptions): Operation[] {
  const d = detail.desired;
  const caps = info.capabilities;
  const anchor = account.anchor;
  const drafts: OpDraft[] = [];
  const base = { target: d.target, personId: d.personId, anchor };
  // Stamping the correlation id is the adoption itself, not an update.
  let stamp: Change | undefined;
  if (!d.exists) {
    // Only `gone` reaches here with exists=false (future persons are filtered by the caller).
    drafts.push({ ...base, action: 'delete', changes: [], reason: d.lifecycle });
  } else {
    const naming = caps.supportsRename ? (info.namingAttribute ?? 'cn') : undefined;
    const changes: Change[] = [];
    const reasons: Reason[] = [];
    const refUpdates: OpDraft[] = [];
    let rename: Change | undefined;
    const createOnly = new Set(info.createOnly ?? []);
    for (const attr of Object.keys(d.attributes).sort()) {
      if (createOnly.has(attr)) continue;
      const want = d.attributes[attr] as AttrValue;
      // Connectors report the correlation value separately; it need not be repeated in attributes.
      const have = account.attributes[attr] ?? (attr === info.correlationAttribute ? account.correlation : undefined);
      if (attr === info.addressList?.attribute) {
        // Per value, and only the values Cadre owns (see address-list.ts).
        const c = addressListChange(attr, have, want);
        if (c) { changes.push(c); reasons.push(d.attributeReasons[attr] as Reason); }
        continue;
      }
      const ref = refOf(want);
      if (ref !== undefined) {
        const r = resolve(d.target, ref);
        if (r && 'anchor' in r) {
          // Connectors may report a reference as the anchor or as `ref:<personId>`; both mean "set".
          // The change carries the `ref:` form so every connector resolves it the same way.
          if (!same(have, r.anchor) && !same(have, want)) { changes.push({ attribute: attr, from: have, to: want }); reasons.push(d.attributeReasons[attr] as Reason); }
        } else if (r) {
          refUpdates.push(refUpdate(d.target, d.personId, attr, have, ref, d.attributeReasons[attr] as Reason, [r.createId], anchor));
        }
        continue;
      }
      if (same(have, want)) continue;
      if (opts.adopt && attr.toLowerCase() === info.correlationAttribute.toLowerCase()) {
        stamp = { attribute: attr, from: have, to: want };
        continue;
      }
      if (attr === naming) {
        if (!isNamingVariant(have, want)) rename = { attribute: attr, from: have, to: want };
        continue;
      }
      changes.push({ attribute: attr, from: have, to: want });
      reasons.push(d.attributeReasons[attr] as Reason);
    }
    if (changes.length > 0) {
      const first = reasons[0] as Reason;
      const reason: Reason = changes.length === 1 ? first : { kind: first.kind, source: first.source, detail: `${changes.map((c) => c.attribute).join(', ')} changed` };
      drafts.push({ ...base, action: 'update', changes, reason });
    }
    drafts.push(...refUpdates);
    const renameDraft: OpDraft | undefined = rename ? { ...base, action: 'rename', changes: [rename], reason: d.attributeReasons[rename.attribute] as Reason } : undefined;
    if (renameDraft) drafts.push(renameDraft);
    if (caps.supportsMove && d.container !== undefined && !sameContainer(account.container, d.container)) {
      // Rename and move both change the DN: run them one after the other, never concurrently.
      drafts.push({ ...base, action: 'move', changes: [{ attribute: 'container', from: account.container, to: d.container }], reason: detail.placement.reason, ...(renameDraft ? { dependsOn: [opId(renameDraft)] } : {}) });
    }
    if (caps.supportsEnable && account.enabled !== d.enabled) {
      const changes = [{ attribute: 'enabled', from: account.enabled, to: d.enabled }];
      if (d.enabled) drafts.push({ ...base, action: 'enable', changes, reason: d.lifecycle });
      else drafts.push({ ...base, action: 'disable', changes, reason: d.lifecycle, ...(detail.lifecycle.endDate !== undefined ? { endDate: detail.lifecycle.endDate, lifecycle: detail.lifecycle.state } : {}) });
      if (d.enabled && opts.rehire && tcfg.password && caps.supportsPassword) {
        drafts.push({ ...base, action: 'setPassword', changes: [], reason: { kind: 'lifecycle', source: 'rehire', detail: 'rehired: a new initial password is set' } });
      } else if (d.enabled && opts.firstDay === true && tcfg.password && caps.supportsPassword) {
        drafts.push({ ...base, action: 'setPassword', changes: [], reason: { kind: 'lifecycle', source: 'first-day', detail: 'first working day: the first password is set now and mailed separately (passwordDelivery: mail-separate)' } });
      }
    }
    if (caps.supportsEntitlements || caps.supportsLicences) {
      const want = new Map(d.entitlements.map((g) => [g.name.toLowerCase(), g]));
      const have = new Set(account.entitlements.map((e) => e.toLowerCase()));
      for (const g of d.entitlements) {
        if (!have.has(g.name.toLowerCase())) drafts.push({ ...base, action: 'grant', changes: [], entitlement: g.name, reason: g.reason });
      }
      const unmanaged = new Set((account.unmanaged ?? []).map((e) => e.toLowerCase()));
      // Removed by an override (a helpdesk form): revoked where held, managed by the rules or not.
      const removed = new Map((detail.removedEntitlements ?? []).map((g) => [g.name.toLowerCase(), g]));
      // An unmanaged membership is revoked only when a review removed it (the reviewer decided that membership; the
      // connector checks the reason again). Anything else unmanaged is never touched.
      const reviewed = (account.unmanaged ?? []).filter((e) => removed.get(e.toLowerCase())?.reason.kind === 'review');
      for (const e of [...account.entitlements, ...reviewed].sort()) {
        const l = e.toLowerCase();
        const forced = removed.get(l);
        // Offboarding: groups only when managed; licences are the target's own (group-inherited ones are unmanaged).
        const off = detail.offboarding !== undefined && offboardRemoves(detail.offboarding, e) && !unmanaged.has(l)
          && (detail.offboarding.licenceNames.has(l) || opts.managed(e)) ? offboardRevokeReason(detail.offboarding, e) : undefined;
        if (want.has(l) || (forced === undefined && off === undefined && (unmanaged.has(l) || !opts.managed(e)))) continue;
        // Several ended requests for it: the latest (grants come in request order) is why it goes now.
        const endedGrant = [...(detail.endedGrants ?? [])].reverse().find((g) => g.name.toLowerCase() === l);
        const why: Reason = forced !== undefined ? forced.reason : off !== undefined ? off : detail.lifecycle.state === 'terminated' && tcfg.leaver.removeEntitlements
          ? { kind: 'lifecycle', source: 'leaver', detail: 'leaver: entitlements are removed' }
          : endedGrant !== undefined ? endedGrant.reason
          : { kind: 'rule', source: 'no-rule', detail: `no rule grants ${e} any more` };
        drafts.push({ ...base, action: 'revoke', changes: [], entitlement: e, reason: why });
      }
    }
  }
  if (opts.adopt) {
    const resumed = opts.resumed === true && !opts.adoptVia;
    const reason: Reason = resumed
      ? { kind: 'correlation', source: 'crash-recovery', detail: `account ${anchor} carries the person's id and an interrupted run was creating it: linked as Cadre's own` }
      : { kind: 'correlation', source: opts.adoptVia ? 'secondary-correlation' : 'correlation', detail: opts.adoptVia
        ? `existing account ${anchor} adopted: it had no correlation id and its ${opts.adoptVia} matches the person's (secondary correlation); the id is stamped`
        : `existing account ${anchor} adopted: its correlation value names the person` };
    const adopt = makeOp({ ...base, action: 'adopt', changes: stamp ? [stamp] : [], reason, ...(resumed ? { resumed: true } : opts.adoptVia ? { via: opts.adoptVia } : {}) });
    // Everything else waits for the adoption: it is what links the account to the person.
    return [adopt, ...drafts.map((dr) => makeOp({ ...dr, dependsOn: [...(dr.dependsOn ?? []), adopt.id] }))];
  }
  return drafts.map(makeOp);
}
