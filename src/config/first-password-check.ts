/**
 * `cadre validate` for the first-password delivery: `notifications.passwordDelivery: tap` needs an Entra target to
 * create the pass in (`firstPassword.tap.target`, or the only enabled entra target). Pure.
 */
import type { RawProblem } from './issues.js';
import type { CadreConfig } from './schema.js';

/** Problems of `firstPassword` against the targets. */
export function firstPasswordCheck(config: Pick<CadreConfig, 'firstPassword' | 'notifications' | 'targets'>): RawProblem[] {
  if (config.notifications.passwordDelivery !== 'tap') return [];
  const entra = Object.entries(config.targets).filter(([, t]) => t.type === 'entra' && t.enabled).map(([n]) => n);
  const named = config.firstPassword.tap.target;
  if (named !== undefined) {
    const t = config.targets[named];
    if (!t) return [{ path: ['firstPassword', 'tap', 'target'], message: `unknown target "${named}" (entra targets: ${entra.join(', ') || 'none'})` }];
    if (t.type !== 'entra') return [{ path: ['firstPassword', 'tap', 'target'], message: `"${named}" is a ${t.type} target: Temporary Access Passes exist in Entra only` }];
    return [];
  }
  if (entra.length === 1) return [];
  return [{
    path: ['notifications', 'passwordDelivery'],
    message: entra.length === 0
      ? 'tap needs an enabled entra target to create the Temporary Access Pass in'
      : `tap: several entra targets (${entra.join(', ')}): name one in firstPassword.tap.target`,
  }];
}
