/**
 * Validation of user create/update bodies and uniqueness checks, mirroring Microsoft Graph v1.0
 * (api-facts.md §2): property types and lengths, UPN rules and verified domains, password complexity.
 */
import { GraphError, MSG } from './errors.js';
import { conflict, EXT_KEYS, invalid, lc, USER_PROPS } from './tenant-model.js';
import type { Json, JsonObject, PropDef, SimUser } from './tenant-model.js';

const UPN_LOCAL = /^[A-Za-z0-9'.\-_!#^~]+$/;
const MAIL_NICK = /^[^@()\\[\]";:<>,\s]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ISO_DT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function validateValue(name: string, def: PropDef, value: unknown): Json {
  if (value === null) {
    if (name === 'displayName' || name === 'userPrincipalName' || name === 'mailNickname' || name === 'accountEnabled') throw invalid();
    return null;
  }
  switch (def.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid();
      return value;
    case 'string':
      if (typeof value !== 'string' || (def.max !== undefined && value.length > def.max)) throw invalid();
      if (name !== 'displayName' && value === '') throw invalid();
      return value;
    case 'datetime':
      if (typeof value !== 'string' || !ISO_DT.test(value) || Number.isNaN(Date.parse(value))) throw invalid();
      return new Date(value).toISOString().replace('.000Z', 'Z');
    case 'strings':
      if (!Array.isArray(value) || value.some((x) => typeof x !== 'string')) throw invalid();
      if (name === 'businessPhones' && value.length > 1) throw invalid();
      return value as string[];
    default:
      throw invalid();
  }
}

function validateUpn(upn: string, verifiedDomains: readonly string[]): void {
  const at = upn.lastIndexOf('@');
  if (at <= 0) throw invalid();
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1).toLowerCase();
  if (local.length > 64 || !UPN_LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) throw invalid();
  if (!verifiedDomains.some((d) => d.toLowerCase() === domain)) {
    throw new GraphError(400, 'Request_BadRequest', MSG.upnDomain, [{ target: 'userPrincipalName', code: 'InvalidValue' }]);
  }
}

/** Entra's allowed password symbols (the blank included); any other character (Unicode) is refused. */
const PASSWORD_SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();<> ';

/** Entra's documented cloud password rules: 8–256 characters of the allowed set, 3 of 4 classes. */
function validatePassword(pw: unknown): void {
  if (typeof pw !== 'string' || pw.length < 8 || pw.length > 256) throw new GraphError(400, 'Request_BadRequest', MSG.password);
  if ([...pw].some((ch) => !/[A-Za-z0-9]/.test(ch) && !PASSWORD_SYMBOLS.includes(ch))) throw new GraphError(400, 'Request_BadRequest', MSG.password);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < 3) throw new GraphError(400, 'Request_BadRequest', MSG.password);
}

/** Throws ObjectConflict when a unique value is held by another of `liveUsers`. */
export function checkUnique(liveUsers: readonly SimUser[], self: string | null, upn: string | undefined, mail: string | null | undefined, nick: string | undefined, proxies: readonly string[]): void {
  const smtp = (a: string): string => a.replace(/^smtp:/i, '').toLowerCase();
  for (const u of liveUsers) {
    if (u.id === self) continue;
    const theirProxies = ((u.props.proxyAddresses as string[] | null) ?? []).map(smtp);
    if (upn !== undefined) {
      if (lc(u.props.userPrincipalName) === upn.toLowerCase()) throw conflict('userPrincipalName');
      if (theirProxies.includes(upn.toLowerCase())) throw conflict('proxyAddresses');
    }
    if (mail) {
      if (lc(u.props.mail) === mail.toLowerCase() || theirProxies.includes(mail.toLowerCase())) throw conflict('proxyAddresses');
    }
    for (const p of proxies) if (theirProxies.includes(smtp(p))) throw conflict('proxyAddresses');
    if (nick !== undefined && lc(u.props.mailNickname) === nick.toLowerCase()) throw conflict('mailNickname');
  }
}

/** Validate writable properties of a create/update body; returns the cleaned values. */
export function cleanBody(body: unknown, creating: boolean, verifiedDomains: readonly string[]): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k.startsWith('@odata.')) continue;
    const def = USER_PROPS[k];
    if (!def) throw new GraphError(400, 'Request_BadRequest', `Invalid property '${k}'.`);
    if (!def.writable) throw new GraphError(400, 'Request_BadRequest', MSG.readOnly(k));
    if (def.type === 'ext') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid();
      const ext: JsonObject = {};
      for (const [ek, ev] of Object.entries(v as Record<string, unknown>)) {
        if (!EXT_KEYS.includes(ek)) throw new GraphError(400, 'Request_BadRequest', `Invalid property '${ek}'.`);
        if (ev !== null && (typeof ev !== 'string' || ev.length > 1024)) throw invalid();
        ext[ek] = ev as string | null;
      }
      out[k] = ext;
    } else if (k === 'passwordProfile') {
      if (typeof v !== 'object' || v === null) throw invalid();
      const pp = v as Record<string, unknown>;
      validatePassword(pp.password);
      out[k] = { forceChangePasswordNextSignIn: pp.forceChangePasswordNextSignIn !== false, forceChangePasswordNextSignInWithMfa: pp.forceChangePasswordNextSignInWithMfa === true };
    } else {
      out[k] = validateValue(k, def, v);
    }
  }
  if (creating) {
    for (const [k, def] of Object.entries(USER_PROPS)) {
      if (def.required && (out[k] === undefined || out[k] === null)) throw invalid();
    }
  }
  if (typeof out.userPrincipalName === 'string') validateUpn(out.userPrincipalName, verifiedDomains);
  if (typeof out.mailNickname === 'string' && !MAIL_NICK.test(out.mailNickname)) throw invalid();
  if (typeof out.mail === 'string' && !EMAIL.test(out.mail)) throw invalid();
  if (typeof out.usageLocation === 'string' && !/^[A-Za-z]{2}$/.test(out.usageLocation)) throw invalid();
  return out;
}
