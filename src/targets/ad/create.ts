/**
 * The create operation: adoption by correlation (idempotent replay), live identifier checks, `CN=` collision
 * suffixes, password + userAccountControl + pwdLastSet in the add request itself, manager, accountExpires and
 * the home directory.
 */
import type { Entry } from 'ldapts';
import type { AttrValue, CreateOperation, Operation } from '../../core/model.js';
import type { ApplyContext, OperationResult } from '../contract.js';
import { addressListMods } from './address-values.js';
import type { ModSpec } from './client.js';
import { bufferValue, values } from './client.js';
import { AdTargetError, toAdError } from './errors.js';
import { eqFilter, escapeDnValue, normalizeDn } from './escape.js';
import { createHomeFolder, renderHomeDirectory } from './home.js';
import { generatePassword, unicodePwd } from './password.js';
import { entryToState, ManagerNames, readAttributes } from './read.js';
import type { AdRuntime } from './runtime.js';
import { checkContainer, inScope, ldapValues, managerValue, NOT_WRITABLE, PSEUDO } from './runtime.js';
import { accountExpiresFor, guidDn, guidToString, UAC_ACCOUNTDISABLE, UAC_NORMAL_ACCOUNT } from './values.js';

/** Highest `CN=Name (n)` suffix tried before giving up. */
export const MAX_CN_SUFFIX = 50;

/** The attributes a create writes: desired attributes overlaid with the operation's changes. */
export function createAttributes(op: Operation, ctx: ApplyContext, correlationAttribute: string, correlationValue: string = op.personId): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = { ...(ctx.desired?.attributes ?? {}) };
  for (const c of op.changes) if (c.to !== undefined) out[c.attribute] = c.to;
  if (!Object.keys(out).some((k) => k.toLowerCase() === correlationAttribute.toLowerCase())) out[correlationAttribute] = correlationValue;
  return out;
}

const get = (attrs: Record<string, AttrValue>, name: string): AttrValue | undefined => {
  const k = Object.keys(attrs).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : attrs[k];
};

const str = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** `Name`, `Name (2)`, `Name (3)`, … */
export function cnCandidate(cn: string, n: number): string {
  return n <= 1 ? cn : `${cn} (${n})`;
}

/** Apply a create. */
export async function applyCreate(rt: AdRuntime, op: CreateOperation, ctx: ApplyContext): Promise<OperationResult> {
  const cid = rt.read.codec.render(op.personId);
  const attrs = createAttributes(op, ctx, rt.read.correlationAttribute, cid);
  const sam = str(get(attrs, 'sAMAccountName'));
  // Without a mapped UPN the account gets <sAMAccountName>@<upnSuffix>, so it can sign in at all.
  if (sam !== undefined && get(attrs, 'userPrincipalName') === undefined) attrs['userPrincipalName'] = `${sam}@${rt.opts.upnSuffix}`;
  const upn = str(get(attrs, 'userPrincipalName'));
  const what = `create for person ${op.personId}${sam ? ` (${sam})` : ''}`;
  try {
    if (sam === undefined) throw new AdTargetError('AD_MISSING_ATTRIBUTE', 'sAMAccountName is required (map it in targets.<name>.attributes)');
    if (sam.length > 20) throw new AdTargetError('AD_INVALID_VALUE', `sAMAccountName "${sam}" is longer than 20 characters`);
    if (/["/\\[\]:;|=,+*?<>]/.test(sam)) throw new AdTargetError('AD_INVALID_VALUE', `sAMAccountName "${sam}" contains a character AD does not allow`);

    // One search answers both questions: does the person already have an account (replay / adoption), and are
    // the identifiers still free (disabled accounts and non-user objects included, domain-wide)?
    const corr = rt.read.correlationAttribute;
    const idTerms = eqFilter('sAMAccountName', sam) + (upn ? eqFilter('userPrincipalName', upn) + eqFilter('proxyAddresses', `smtp:${upn}`) : '');
    const filter = `(|(&(objectCategory=person)(objectClass=user)${eqFilter(corr, cid)})${idTerms})`;
    const hits = await rt.ldap.search(rt.domainRoot, { filter, attributes: ['objectGUID', corr, 'sAMAccountName', 'userPrincipalName', 'proxyAddresses'], buffers: ['objectGUID'] });
    const mine = hits.filter((e) => values(e, corr)[0]?.toLowerCase() === cid.toLowerCase() && inScope(rt, e.dn));
    if (mine.length > 1) throw new AdTargetError('CORRELATION_AMBIGUOUS', `${mine.length} accounts have ${corr}=${cid}: ${mine.map((e) => e.dn).join('; ')}`);
    if (mine.length === 1) return await adopt(rt, op, ctx, attrs, mine[0]!, what);
    for (const e of hits) {
      if (values(e, 'sAMAccountName').some((v) => v.toLowerCase() === sam.toLowerCase())) {
        throw new AdTargetError('AD_IDENTIFIER_TAKEN', `sAMAccountName "${sam}" is already used by ${e.dn}`);
      }
      const u = upn?.toLowerCase();
      if (u !== undefined && (values(e, 'userPrincipalName').some((v) => v.toLowerCase() === u) || values(e, 'proxyAddresses').some((v) => v.toLowerCase() === `smtp:${u}`))) {
        throw new AdTargetError('AD_IDENTIFIER_TAKEN', `userPrincipalName "${upn}" is already used by ${e.dn}`);
      }
    }

    const container = ctx.desired?.container ?? op.container ?? rt.opts.usersOU;
    checkContainer(rt, container);
    const { enabled } = op;
    const cn = str(get(attrs, 'cn')) ?? str(get(attrs, 'displayName')) ?? sam;

    const add: Record<string, (string | Buffer)[]> = { objectClass: ['top', 'person', 'organizationalPerson', 'user'] };
    const notes: string[] = [];
    for (const [name, value] of Object.entries(attrs)) {
      const lc = name.toLowerCase();
      if (PSEUDO.has(lc) || NOT_WRITABLE.has(lc) || lc === 'cn') continue;
      if (lc === 'manager') {
        const m = typeof value === 'string' && value !== '' ? await managerValue(value, ctx) : undefined;
        if (m !== undefined) add[name] = [m];
        else if (value) notes.push(`manager ${String(value)} has no account yet; set on a later run`);
        continue;
      }
      const v = ldapValues(value);
      if (v.length > 0) add[name] = v;
    }
    if (rt.opts.accountExpiresFromEndDate && op.endDate !== undefined) {
      add['accountExpires'] = [accountExpiresFor(op.endDate, rt.opts.timezone)];
    }
    const home = rt.opts.homeDirectory;
    if (home !== undefined) {
      add['homeDirectory'] ??= [renderHomeDirectory(home.template, sam)];
      add['homeDrive'] ??= [home.drive];
    }
    // The password goes into the add request itself (one round trip): unicodePwd needs an encrypted connection.
    // Every account gets a password: without a given secret a random one nobody knows (the helpdesk resets it);
    // an account without one would need PASSWD_NOTREQD.
    if (!rt.ldap.secure) throw new AdTargetError('AD_INSECURE_TRANSPORT', 'refusing to send a password over an unencrypted connection (use ldaps:// or startTls)');
    add['unicodePwd'] = [unicodePwd(ctx.secret ?? generatePassword(rt.opts.passwordLength))];
    add['pwdLastSet'] = ['0'];
    add['userAccountControl'] = [String(UAC_NORMAL_ACCOUNT | (enabled ? 0 : UAC_ACCOUNTDISABLE))];

    let dn = '';
    for (let n = 1; ; n++) {
      dn = `CN=${escapeDnValue(cnCandidate(cn, n))},${container}`;
      try {
        await rt.ldap.add(dn, add);
        if (n > 1) notes.push(`CN "${cn}" was taken in ${container}; created as "${cnCandidate(cn, n)}"`);
        break;
      } catch (e) {
        const err = toAdError(e, what);
        if (err.code !== 'AD_ENTRY_EXISTS') throw err;
        // entryAlreadyExists is also AD's answer to a duplicate sAMAccountName/UPN (a race with another writer).
        const taken = await rt.ldap.read(dn, ['1.1']);
        if (taken === undefined) throw new AdTargetError('AD_IDENTIFIER_TAKEN', err.message);
        if (n >= MAX_CN_SUFFIX) throw new AdTargetError('AD_ENTRY_EXISTS', `CN "${cn}" and ${MAX_CN_SUFFIX - 1} numbered variants are taken in ${container}`);
      }
    }
    if (home !== undefined) {
      const path = await createHomeFolder(home, sam);
      if (path !== undefined) notes.push(`home folder ${path}`);
    }
    const entry = await rt.ldap.read(dn, readAttributes(rt.read), ['objectGUID']);
    if (entry === undefined) throw new AdTargetError('AD_NO_SUCH_OBJECT', `${dn} vanished right after it was created`);
    const state = await entryToState(entry, rt.read, new ManagerNames(rt.read));
    return { ok: true, anchor: state.anchor, state, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  } catch (e) {
    const err = toAdError(e, what);
    return { ok: false, error: err.toTargetError() };
  }
}

/** The person already has an account (crash replay or adoption): bring its attributes up to date, return its anchor. */
async function adopt(rt: AdRuntime, op: Operation, ctx: ApplyContext, attrs: Record<string, AttrValue>, found: Entry, what: string): Promise<OperationResult> {
  const g = bufferValue(found, 'objectGUID');
  if (g === undefined) throw new AdTargetError('AD_ERROR', `${found.dn} has no objectGUID`);
  const guid = guidToString(g);
  const names = Object.keys(attrs).filter((k) => {
    const lc = k.toLowerCase();
    // identity and naming attributes of an existing account are never changed by adoption
    return !PSEUDO.has(lc) && !NOT_WRITABLE.has(lc) && !['cn', 'samaccountname', 'userprincipalname'].includes(lc);
  });
  const current = await rt.ldap.read(guidDn(guid), names, []);
  const mods: ModSpec[] = [];
  for (const name of names) {
    let want = ldapValues(attrs[name]);
    if (name.toLowerCase() === 'manager' && want[0] !== undefined) {
      const m = await managerValue(want[0], ctx);
      if (m === undefined) continue;
      if (m.startsWith('<GUID=')) {
        const mgr = await rt.ldap.read(m, ['1.1']);
        if (mgr === undefined) continue;
        want = [mgr.dn];
      } else want = [m];
    }
    const have = current === undefined ? [] : values(current, name);
    if (name === rt.addressList) {
      // The adopted account keeps every address Cadre does not own (X500:, SIP:, other smtp:).
      mods.push(...addressListMods(name, have, want));
      continue;
    }
    const norm = (xs: string[]): string => JSON.stringify((name.toLowerCase() === 'manager' ? xs.map(normalizeDn) : xs).slice().sort());
    if (norm(want) !== norm(have)) mods.push({ operation: 'replace', attribute: name, values: want });
  }
  try {
    await rt.ldap.modify(guidDn(guid), mods);
  } catch (e) {
    throw toAdError(e, what);
  }
  const entry = await rt.ldap.read(guidDn(guid), readAttributes(rt.read), ['objectGUID']);
  const state = entry === undefined ? undefined : await entryToState(entry, rt.read, new ManagerNames(rt.read));
  return {
    ok: true,
    anchor: guid,
    adopted: true,
    ...(state !== undefined ? { state } : {}),
    note: `account already existed (${found.dn}); adopted${mods.length > 0 ? `, updated ${mods.map((m) => m.attribute).join(', ')}` : ''}`,
  };
}
