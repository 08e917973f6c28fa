/**
 * Access exceptions for the planner: entitlements a decision (an access review) keeps removed even where a rule
 * grants them (see core/access-grants.ts). The reviews service fills this in.
 */
import type { AccessException } from '../core/access-grants.js';
import type { Engine } from './engine.js';

/** Exceptions in force, all persons or one. */
export async function accessExceptions(_engine: Engine, _personId?: string): Promise<AccessException[]> {
  return [];
}
