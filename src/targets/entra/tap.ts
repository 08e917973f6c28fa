/**
 * Temporary Access Passes (Graph v1.0 `POST /users/{id}/authentication/temporaryAccessPassMethods`, permission
 * UserAuthenticationMethod.ReadWrite.All). Graph returns the pass in the create response only; it is handed to the
 * caller and never logged, stored or put into an error message.
 */
import type { IssuedTemporaryAccessPass, TargetError, TemporaryAccessPassRequest } from '../contract.js';
import { EntraError, mapGraphError } from './errors.js';
import type { EntraSession } from './session.js';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Create a pass for the user `anchor` (an existing one is replaced by Graph). */
export async function issueTemporaryAccessPass(s: EntraSession, anchor: string, req: TemporaryAccessPassRequest): Promise<{ ok: true; tap: IssuedTemporaryAccessPass } | { ok: false; error: TargetError }> {
  const what = `create a temporary access pass for user ${anchor} in ${s.name}`;
  try {
    if (!OBJECT_ID.test(anchor)) throw new EntraError('INVALID_VALUE', `${what}: not an Entra object id`);
    const body = { ...(req.startDateTime !== undefined ? { startDateTime: req.startDateTime } : {}), lifetimeInMinutes: req.lifetimeInMinutes, isUsableOnce: req.isUsableOnce };
    const res = await s.call('POST', `/users/${anchor}/authentication/temporaryAccessPassMethods`, body);
    if (res.status !== 201) {
      const e = mapGraphError(res, what);
      throw e.code === 'ENTRA_FORBIDDEN' ? new EntraError('ACCESS_DENIED', `${e.message} (the app needs UserAuthenticationMethod.ReadWrite.All)`) : e;
    }
    const b = (res.body ?? {}) as Record<string, unknown>;
    if (typeof b.temporaryAccessPass !== 'string' || b.temporaryAccessPass === '' || typeof b.id !== 'string') {
      throw new EntraError('ENTRA_INVALID', `${what}: the answer carries no pass`);
    }
    return {
      ok: true,
      tap: {
        methodId: b.id, pass: b.temporaryAccessPass,
        startDateTime: typeof b.startDateTime === 'string' ? b.startDateTime : '',
        lifetimeInMinutes: typeof b.lifetimeInMinutes === 'number' ? b.lifetimeInMinutes : req.lifetimeInMinutes,
        isUsableOnce: b.isUsableOnce === true,
        isUsable: b.isUsable === true,
        methodUsabilityReason: typeof b.methodUsabilityReason === 'string' ? b.methodUsabilityReason : '',
      },
    };
  } catch (e) {
    if (e instanceof EntraError) return { ok: false, error: e.toTargetError() };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'ENTRA_ERROR', message: `${what}: ${msg}`, transient: /fetch failed|ECONN|ETIMEDOUT|aborted|timeout/i.test(msg) } };
  }
}
