/**
 * Request grants for the planner: the entitlements approved catalogue requests give (see core/access-grants.ts).
 */
import type { AccessGrant } from '../../core/access-grants.js';
import type { Engine } from '../engine.js';

/** Approved (and recently ended) request grants, all persons or one. Filled once the request store lands. */
export async function requestGrants(_engine: Engine, _personId?: string): Promise<AccessGrant[]> {
  return [];
}
