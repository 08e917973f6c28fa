/** Folds a successful operation into the remembered account state, so the store tracks what targets hold. */
import type { AccountState, DesiredAccount, Operation } from '../core/model.js';

/** The state after `op` succeeded; `undefined` when the account is gone. `correlation`: the value a create stamped. */
export function applyEffect(before: AccountState | undefined, op: Operation, anchor: string | undefined, desired: DesiredAccount | undefined, correlation?: string): AccountState | undefined {
  if (op.action === 'delete') return undefined;
  if (op.action === 'create') {
    const attributes: Record<string, AccountState['attributes'][string]> = { ...(desired?.attributes ?? {}) };
    for (const c of op.changes) attributes[c.attribute] = c.to ?? null;
    return {
      target: op.target,
      anchor: anchor ?? before?.anchor ?? '',
      personId: op.personId,
      correlation: correlation ?? op.personId,
      enabled: op.enabled,
      ...(desired?.container ? { container: desired.container } : {}),
      attributes,
      entitlements: before?.entitlements ?? [],
    };
  }
  if (!before) return undefined;
  const attributes = { ...before.attributes };
  let { container } = before;
  let entitlements = [...before.entitlements];
  let { enabled } = before;
  switch (op.action) {
    case 'update':
    case 'rename':
      for (const c of op.changes) attributes[c.attribute] = c.to ?? null;
      break;
    case 'adopt': {
      // The adoption links the account; its only change, if any, is the stamped correlation value.
      for (const c of op.changes) attributes[c.attribute] = c.to ?? null;
      const stamped = op.changes[0]?.to;
      return { ...before, personId: op.personId, ...(typeof stamped === 'string' ? { correlation: stamped } : {}), attributes };
    }
    case 'move': {
      const to = op.changes.find((c) => c.attribute === 'container')?.to;
      if (typeof to === 'string') container = to;
      break;
    }
    case 'enable': enabled = true; break;
    case 'disable': enabled = false; break;
    case 'grant': if (op.entitlement && !entitlements.includes(op.entitlement)) entitlements.push(op.entitlement); break;
    case 'revoke': entitlements = entitlements.filter((e) => e !== op.entitlement); break;
    default: break;
  }
  return { ...before, personId: before.personId ?? op.personId, attributes, enabled, entitlements, ...(container ? { container } : {}) };
}
