/**
 * Live users of the simulated tenant: create, update (mail changes rotate proxyAddresses like Entra),
 * manager links and sign-in session revocation.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GraphError, MSG } from './errors.js';
import type { Tenant } from './tenant.js';
import { EXT_KEYS, invalid, lc, USER_PROPS } from './tenant-model.js';
import type { JsonObject, SimUser } from './tenant-model.js';
import { checkUnique, cleanBody } from './tenant-validation.js';

/** POST /users */
export function createUser(t: Tenant, body: unknown): SimUser {
  const clean = cleanBody(body, true, t.verifiedDomains);
  const mail = typeof clean.mail === 'string' ? clean.mail : null;
  checkUnique(t.liveUsers(), null, clean.userPrincipalName as string, mail, clean.mailNickname as string, []);
  const now = t.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { passwordProfile, onPremisesExtensionAttributes, ...rest } = clean;
  const ext: JsonObject = Object.fromEntries(EXT_KEYS.map((k) => [k, null]));
  Object.assign(ext, (onPremisesExtensionAttributes as JsonObject | undefined) ?? {});
  const props: JsonObject = {};
  for (const k of Object.keys(USER_PROPS)) props[k] = null;
  Object.assign(props, {
    businessPhones: [], otherMails: [], proxyAddresses: mail ? [`SMTP:${mail}`] : [], assignedLicenses: [],
    userType: 'Member', creationType: null, createdDateTime: now, signInSessionsValidFromDateTime: now,
    lastPasswordChangeDateTime: now, onPremisesSyncEnabled: null,
  }, rest, { onPremisesExtensionAttributes: ext, passwordProfile: passwordProfile ?? null });
  const u: SimUser = { id: randomUUID(), props, managerId: null, deleted: null, seq: 0, ...passwordHashOf(body) };
  u.props.id = u.id;
  t.users.set(u.id, u);
  t.bump(u);
  return u;
}

/** PATCH /users/{id} */
export function updateUser(t: Tenant, idOrUpn: string, body: unknown): void {
  const u = t.user(idOrUpn);
  const clean = cleanBody(body, false, t.verifiedDomains);
  const mailChanged = 'mail' in clean && lc(clean.mail) !== lc(u.props.mail);
  checkUnique(
    t.liveUsers(),
    u.id,
    typeof clean.userPrincipalName === 'string' && lc(clean.userPrincipalName) !== lc(u.props.userPrincipalName) ? clean.userPrincipalName : undefined,
    mailChanged ? (clean.mail as string | null) : undefined,
    typeof clean.mailNickname === 'string' && lc(clean.mailNickname) !== lc(u.props.mailNickname) ? clean.mailNickname : undefined,
    [],
  );
  for (const [k, v] of Object.entries(clean)) {
    if (k === 'onPremisesExtensionAttributes') {
      u.props[k] = { ...(u.props[k] as JsonObject), ...(v as JsonObject) };
    } else if (k === 'passwordProfile') {
      u.props[k] = v;
      u.passwordHash = passwordHashOf(body).passwordHash;
      u.props.lastPasswordChangeDateTime = t.now().toISOString();
    } else {
      u.props[k] = v;
    }
  }
  if (mailChanged) {
    // Setting mail makes it the primary SMTP address; the former primary stays as an smtp: alias.
    const newMail = clean.mail as string | null;
    const proxies = ((u.props.proxyAddresses as string[] | null) ?? []).map((p) => (p.startsWith('SMTP:') ? `smtp:${p.slice(5)}` : p));
    const rest = proxies.filter((p) => !newMail || p.slice(5).toLowerCase() !== newMail.toLowerCase());
    u.props.proxyAddresses = newMail ? [`SMTP:${newMail}`, ...rest] : rest;
  }
  t.bump(u);
}

/** PUT /users/{id}/manager/$ref */
export function setManager(t: Tenant, idOrUpn: string, managerId: string): void {
  const u = t.user(idOrUpn);
  const m = t.user(managerId);
  if (m.id === u.id) throw invalid();
  u.managerId = m.id;
  t.bump(u);
}

/** DELETE /users/{id}/manager/$ref */
export function removeManager(t: Tenant, idOrUpn: string): void {
  const u = t.user(idOrUpn);
  if (!u.managerId) throw new GraphError(404, 'Request_ResourceNotFound', MSG.notFound('manager'));
  u.managerId = null;
  t.bump(u);
}

/** POST /users/{id}/revokeSignInSessions */
export function revokeSessions(t: Tenant, idOrUpn: string): void {
  const u = t.user(idOrUpn);
  u.props.signInSessionsValidFromDateTime = t.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  t.bump(u);
}

/** The hash of the password in a request body, if any (the password itself is never kept). */
export function passwordHashOf(body: unknown): { passwordHash?: string } {
  const pw = (body as { passwordProfile?: { password?: unknown } } | null)?.passwordProfile?.password;
  return typeof pw === 'string' ? { passwordHash: createHash('sha256').update(pw).digest('hex') } : {};
}
