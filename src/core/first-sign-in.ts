/**
 * The joiner's first sign-in (issue 10 §5), decided in the plan: how the first credential reaches the manager
 * (`notifications.passwordDelivery`) and, with `tap`, the Temporary Access Pass the Entra create carries: valid from the start
 * of the hire day in `lifecycle.timezone` (or at once when that has passed), for `tap.lifetimeMinutes`. Pure.
 */
import type { CadreConfig } from '../config/schema.js';
import type { PasswordDelivery } from '../config/schema-notifications.js';
import { addDays } from './lifecycle.js';
import type { Operation, Person } from './model.js';
import { startOfLocalDay } from './rules/filetime.js';

export type { PasswordDelivery } from '../config/schema-notifications.js';

/** A Temporary Access Pass to create with an account (`CreateOperation.firstSignIn`). Never the pass itself. */
export interface FirstSignIn {
  readonly kind: 'tap';
  /** When the pass becomes usable (ISO 8601); absent: at once. */
  readonly startDateTime?: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
}

type Cfg = Pick<CadreConfig, 'firstPassword' | 'notifications' | 'targets' | 'lifecycle'>;

/** The target a Temporary Access Pass is created in: `tap.target`, else the only enabled `entra` target. */
export function tapTarget(cfg: Pick<CadreConfig, 'firstPassword' | 'notifications' | 'targets'>): string | undefined {
  if (cfg.notifications.passwordDelivery !== 'tap') return undefined;
  if (cfg.firstPassword.tap.target !== undefined) return cfg.firstPassword.tap.target;
  const entra = Object.entries(cfg.targets).filter(([, t]) => t.type === 'entra' && t.enabled).map(([n]) => n);
  return entra.length === 1 ? entra[0] : undefined;
}

/** The pass for a person hired on `hireDate`, as of `at`. */
export function firstSignInFor(hireDate: string | undefined, at: string, cfg: Cfg): FirstSignIn {
  const { lifetimeMinutes, usableOnce } = cfg.firstPassword.tap;
  const start = hireDate !== undefined && /^\d{4}-\d{2}-\d{2}/.test(hireDate) ? startOfLocalDay(hireDate.slice(0, 10), cfg.lifecycle.timezone) : undefined;
  return {
    kind: 'tap',
    ...(start !== undefined && start > Date.parse(at) ? { startDateTime: new Date(start).toISOString() } : {}),
    lifetimeInMinutes: lifetimeMinutes,
    isUsableOnce: usableOnce,
  };
}

/** A create in the TAP target gets its pass; any other operation is returned as is. */
export function withFirstSignIn(op: Operation, person: Person, cfg: Cfg, at: string): Operation {
  if (op.action !== 'create' || op.target !== tapTarget(cfg)) return op;
  return { ...op, firstSignIn: firstSignInFor(person.hireDate, at, cfg) };
}

/** How the person's first credential is delivered (what the joiner mail names). */
export function passwordDelivery(cfg: Pick<CadreConfig, 'notifications'>): PasswordDelivery {
  return cfg.notifications.passwordDelivery;
}

/**
 * Until when a credential waits unviewed in the console: the end of the local day `showForDays` after the hire
 * date (or after `at` when the hire date is unknown or past), then it is wiped.
 */
export function credentialExpiry(hireDate: string | undefined, at: string, cfg: Pick<CadreConfig, 'firstPassword' | 'lifecycle'>): string {
  const tz = cfg.lifecycle.timezone;
  const today = new Date(at).toISOString().slice(0, 10);
  const base = hireDate !== undefined && /^\d{4}-\d{2}-\d{2}/.test(hireDate) && hireDate.slice(0, 10) > today ? hireDate.slice(0, 10) : today;
  return new Date(startOfLocalDay(addDays(base, cfg.firstPassword.showForDays + 1), tz)).toISOString();
}
