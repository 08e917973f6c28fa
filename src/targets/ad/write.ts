/**
 * Every operation except create: update, rename, move, enable/disable, grant/revoke, delete, setPassword.
 * Accounts are addressed as `<GUID=…>` so renames and moves made by anyone never break an operation.
 */
import type { Operation } from '../../core/model.js';
import type { ApplyContext, OperationResult } from '../contract.js';
import { addressValueMods } from './address-values.js';
import type { ModSpec } from './client.js';
import { values } from './client.js';
import { cnCandidate, MAX_CN_SUFFIX } from './create.js';
import { AdTargetError, ldapCode, toAdError } from './errors.js';
import { escapeDnValue, parentDn, rdnValue, sameDn } from './escape.js';
import type { GroupRef } from './groups.js';
import { archiveHomeFolder } from './home.js';
import { applyOffboard } from './offboard.js';
import { unicodePwd } from './password.js';
import type { AdRuntime, Located } from './runtime.js';
import { checkContainer, first, ldapValues, locate, managerValue, mustLocate, NOT_WRITABLE, PSEUDO } from './runtime.js';
import { accountExpiresFor, guidDn, UAC_ACCOUNTDISABLE } from './values.js';

/** Prefix of the description stamp written on disable. */
export const DISABLE_STAMP = 'Disabled by Cadre on ';

const ok = (note?: string): OperationResult => (note === undefined ? { ok: true } : { ok: true, note });

function changeTo(op: Operation, attribute: string): unknown {
  return op.changes.find((c) => c.attribute.toLowerCase() === attribute.toLowerCase())?.to;
}

/** The operation with `attribute` set to `to` in its changes (replacing an existing change of it). */
function withChange(op: Operation, attribute: string, to: string): Operation {
  const rest = op.changes.filter((c) => c.attribute.toLowerCase() !== attribute.toLowerCase());
  return { ...op, changes: [...rest, { attribute, from: undefined, to }] };
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Move/rename the located account to `CN=<cn>,<container>`. A taken CN gets ` (2)`, ` (3)`… appended; when the
 * account already carries such a variant of the wanted name in that container, it stays as it is.
 */
async function moveTo(rt: AdRuntime, loc: Located, cn: string, container: string): Promise<string | undefined> {
  const currentCn = rdnValue(loc.entry.dn);
  const currentParent = parentDn(loc.entry.dn);
  for (let n = 1; n <= MAX_CN_SUFFIX; n++) {
    const candidate = cnCandidate(cn, n);
    if (sameDn(currentParent, container) && currentCn === candidate) return n === 1 ? undefined : `kept "${candidate}" (CN "${cn}" is taken)`;
    const target = `CN=${escapeDnValue(candidate)},${container}`;
    try {
      await rt.ldap.modifyDN(guidDn(loc.guid), target);
      return n === 1 ? undefined : `CN "${cn}" was taken in ${container}; now "${candidate}"`;
    } catch (e) {
      if (ldapCode(e) !== 68) throw e;
    }
  }
  throw new AdTargetError('AD_ENTRY_EXISTS', `CN "${cn}" and ${MAX_CN_SUFFIX - 1} numbered variants are taken in ${container}`);
}

async function applyUpdate(rt: AdRuntime, op: Operation, ctx: ApplyContext, loc: Located): Promise<OperationResult> {
  const mods: ModSpec[] = [];
  const notes: string[] = [];
  let renameTo: string | undefined;
  let moveTo_: string | undefined;
  for (const c of op.changes) {
    const lc = c.attribute.toLowerCase();
    if (lc === 'cn') { renameTo = nonEmpty(c.to); continue; }
    if (lc === 'container') { moveTo_ = nonEmpty(c.to); continue; }
    if (PSEUDO.has(lc)) continue;
    if (NOT_WRITABLE.has(lc)) throw new AdTargetError('AD_INVALID_ATTRIBUTE', `attribute ${c.attribute} cannot be written through update`);
    if (lc === 'manager') {
      const v = nonEmpty(c.to);
      if (v === undefined) { mods.push({ operation: 'replace', attribute: c.attribute, values: [] }); continue; }
      const m = await managerValue(v, ctx);
      if (m === undefined) throw new AdTargetError('AD_MANAGER_UNRESOLVED', `manager ${v} has no account in this target`);
      mods.push({ operation: 'replace', attribute: c.attribute, values: [m] });
      continue;
    }
    if (lc === 'accountexpires' && typeof c.to === 'string' && /^\d{4}-\d{2}-\d{2}/.test(c.to)) {
      mods.push({ operation: 'replace', attribute: c.attribute, values: [accountExpiresFor(c.to, rt.opts.timezone)] });
      continue;
    }
    if (c.add !== undefined || c.remove !== undefined) {
      // Owned values only: single-value delete/add against what the entry holds now, never a replace.
      mods.push(...addressValueMods(c.attribute, values(loc.entry, c.attribute), c.remove ?? [], c.add ?? []));
      continue;
    }
    mods.push({ operation: 'replace', attribute: c.attribute, values: ldapValues(c.to) });
  }
  if (moveTo_ !== undefined) checkContainer(rt, moveTo_);
  try {
    await rt.ldap.modify(guidDn(loc.guid), mods);
  } catch (e) {
    // entryAlreadyExists on modify: a new sAMAccountName / UPN is someone else's
    if (ldapCode(e) === 68) throw new AdTargetError('AD_IDENTIFIER_TAKEN', e instanceof Error ? e.message.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '') : String(e));
    throw e;
  }
  if (renameTo !== undefined || moveTo_ !== undefined) {
    const n = await moveTo(rt, loc, renameTo ?? rdnValue(loc.entry.dn), moveTo_ ?? parentDn(loc.entry.dn));
    if (n) notes.push(n);
  }
  return ok(notes.length > 0 ? notes.join('; ') : undefined);
}

async function setEnabled(rt: AdRuntime, op: Operation, ctx: ApplyContext, loc: Located, enable: boolean): Promise<OperationResult> {
  const uac = Number(first(loc.entry, 'userAccountControl') ?? '512');
  const isEnabled = (uac & UAC_ACCOUNTDISABLE) === 0;
  const mods: ModSpec[] = [];
  if (isEnabled !== enable) {
    mods.push({ operation: 'replace', attribute: 'userAccountControl', values: [String(enable ? uac & ~UAC_ACCOUNTDISABLE : uac | UAC_ACCOUNTDISABLE)] });
  }
  const description = first(loc.entry, 'description');
  if (!enable && rt.opts.stampDescription && isEnabled) {
    const reason = (op.action === 'disable' ? nonEmpty(op.description) : undefined) ?? op.reason.detail;
    const day = new Date().toISOString().slice(0, 10);
    mods.push({ operation: 'replace', attribute: 'description', values: [`${DISABLE_STAMP}${day}: ${reason}`.slice(0, 1024)] });
  }
  if (enable && description?.startsWith(DISABLE_STAMP)) {
    // Remove our own stamp: back to the mapped description if there is one.
    mods.push({ operation: 'replace', attribute: 'description', values: ldapValues(ctx.desired?.attributes['description']) });
  }
  if (mods.length === 0) return { ok: true, note: enable ? 'already enabled' : 'already disabled', unchanged: true };
  await rt.ldap.modify(guidDn(loc.guid), mods);
  return ok();
}

async function membership(rt: AdRuntime, op: Operation, ctx: ApplyContext, add: boolean): Promise<OperationResult> {
  const label = op.entitlement;
  if (label === undefined || label === '') throw new AdTargetError('AD_INVALID_VALUE', `${op.action} without an entitlement`);
  // A revoke an access review decided may remove a member of an unmanaged group (the reviewer saw that membership);
  // every other operation only touches managed groups.
  const reviewed = !add && op.reason.kind === 'review';
  const resolve = (): Promise<GroupRef> => (reviewed ? rt.groups.resolveReviewed(label, rt.opts.reviewGroupsOUs ?? [rt.opts.baseDN]) : rt.groups.resolve(label));
  let group;
  try {
    group = await resolve();
  } catch (e) {
    // A group that does not exist has no members: revoking from it is done.
    if (!add && e instanceof AdTargetError && e.code === 'AD_GROUP_NOT_FOUND') return ok(`group "${label}" does not exist`);
    throw e;
  }
  const anchor = op.anchor ?? ctx.current?.anchor ?? (await mustLocate(rt, op, ctx)).guid;
  const mods: ModSpec[] = [{ operation: add ? 'add' : 'delete', attribute: 'member', values: [guidDn(anchor)] }];
  for (let attempt = 0; ; attempt++) {
    try {
      await rt.ldap.modify(guidDn(group.guid), mods);
      return ok();
    } catch (e) {
      const rc = ldapCode(e);
      const msg = e instanceof Error ? e.message : '';
      if (add && (rc === 68 || /00000562/.test(msg))) return ok(`already a member of ${label}`);
      // AD: noSuchAttribute / 00000561; Samba: unwillingToPerform "member doesn't exist" or "already deleted"
      if (!add && (rc === 16 || (rc === 53 && /member doesn't exist|already deleted|00000561/i.test(msg)))) return ok(`not a member of ${label}`);
      if (rc === 32 && attempt === 0) {
        // The cached group may be gone (deleted and recreated): resolve again once.
        rt.groups.forget(label);
        group = await resolve();
        continue;
      }
      throw e;
    }
  }
}

async function applyDelete(rt: AdRuntime, op: Operation, ctx: ApplyContext): Promise<OperationResult> {
  const loc = await locate(rt, op, ctx);
  if (loc === undefined) return ok('account already gone');
  const notes: string[] = [];
  const home = rt.opts.homeDirectory;
  const sam = first(loc.entry, 'sAMAccountName');
  if (home !== undefined && sam !== undefined) {
    const archived = await archiveHomeFolder(home, sam);
    if (archived !== undefined) notes.push(`home folder archived to ${archived}`);
  }
  try {
    await rt.ldap.del(guidDn(loc.guid));
  } catch (e) {
    const rc = ldapCode(e);
    if (rc === 32) return ok('account already gone');
    if (rc !== 66) throw e;
    // Users can carry child objects (e.g. ActiveSync devices): delete the subtree.
    await rt.ldap.del(guidDn(loc.guid), true);
  }
  return ok(notes.length > 0 ? notes.join('; ') : undefined);
}

async function applySetPassword(rt: AdRuntime, ctx: ApplyContext, loc: Located): Promise<OperationResult> {
  if (ctx.secret === undefined || ctx.secret === '') throw new AdTargetError('AD_INVALID_VALUE', 'setPassword without a password');
  if (!rt.ldap.secure) throw new AdTargetError('AD_INSECURE_TRANSPORT', 'refusing to send a password over an unencrypted connection (use ldaps:// or startTls)');
  await rt.ldap.modify(guidDn(loc.guid), [
    { operation: 'replace', attribute: 'unicodePwd', values: [unicodePwd(ctx.secret)] },
    { operation: 'replace', attribute: 'pwdLastSet', values: ['0'] },
  ]);
  return ok();
}

/** Apply every action except create. Never throws: failures are coded results. */
export async function applyOther(rt: AdRuntime, op: Operation, ctx: ApplyContext): Promise<OperationResult> {
  let username = typeof ctx.current?.attributes['sAMAccountName'] === 'string' ? ctx.current.attributes['sAMAccountName'] : undefined;
  const what = (): string => `${op.action}${op.entitlement ? ` ${op.entitlement}` : ''} for person ${op.personId}${username ? ` (${username})` : ''}`;
  try {
    switch (op.action) {
      case 'delete': return await applyDelete(rt, op, ctx);
      case 'grant': return await membership(rt, op, ctx, true);
      case 'revoke': return await membership(rt, op, ctx, false);
      case 'offboard': return await applyOffboard(rt, op, ctx);
      case 'adopt': case 'update': case 'rename': case 'move': case 'enable': case 'disable': case 'setPassword': break;
      default: return { ok: false, error: { code: 'NOT_SUPPORTED', message: `${what()}: the AD target does not handle ${op.action}`, transient: false } };
    }
    // Per-value changes are checked against the entry's current values: read them with the entry.
    const loc = await mustLocate(rt, op, ctx, op.changes.filter((c) => c.add !== undefined || c.remove !== undefined).map((c) => c.attribute));
    username = first(loc.entry, 'sAMAccountName') ?? username;
    switch (op.action) {
      // Adoption links an existing account; its only change, if any, stamps the correlation id.
      case 'adopt': return op.changes.length === 0 ? ok(`adopted ${loc.entry.dn}`) : await applyUpdate(rt, op, ctx, loc);
      case 'update': return await applyUpdate(rt, op, ctx, loc);
      case 'rename': {
        // A rename may carry other naming attributes (displayName, sAMAccountName, UPN, mail…): apply them all.
        const cn = nonEmpty(changeTo(op, 'cn')) ?? nonEmpty(ctx.desired?.attributes['cn']);
        if (cn === undefined) throw new AdTargetError('AD_MISSING_ATTRIBUTE', 'rename without a new cn');
        return await applyUpdate(rt, withChange(op, 'cn', cn), ctx, loc);
      }
      case 'move': {
        const container = nonEmpty(changeTo(op, 'container')) ?? ctx.desired?.container;
        if (container === undefined) throw new AdTargetError('AD_MISSING_ATTRIBUTE', 'move without a target container');
        return await applyUpdate(rt, withChange(op, 'container', container), ctx, loc);
      }
      case 'enable': return await setEnabled(rt, op, ctx, loc, true);
      case 'disable': return await setEnabled(rt, op, ctx, loc, false);
      default: return await applySetPassword(rt, ctx, loc);
    }
  } catch (e) {
    return { ok: false, error: toAdError(e, what()).toTargetError() };
  }
}

/** Values of the `member` attribute of a group, with range retrieval (exported for tests and tools). */
export async function groupMembers(rt: AdRuntime, groupDn: string): Promise<string[]> {
  return rt.ldap.allValues(groupDn, 'member', rt.opts.rangeSize);
}
