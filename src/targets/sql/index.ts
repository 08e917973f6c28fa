/**
 * SQL table target (`type: sql`): accounts as rows of a table in SQLite or PostgreSQL.
 */
import type { TargetFactory } from '../contract.js';
import { createSqlClient } from './client.js';
import { createSqlConnector } from './connector.js';
import { parseSqlTargetOptions } from './guard.js';

export { sqlTargetGuard, parseSqlTargetOptions } from './guard.js';
export type { SqlTargetOptions } from './guard.js';
export { SqlTargetError, SQL_ERROR_CODES } from './errors.js';
export type { SqlErrorCode } from './errors.js';
export { isManagedEntitlement } from './mapping.js';

/**
 * Create a SQL target connector. Throws a coded `CONFIG_INVALID` error naming the option path on bad options.
 * Nothing connects until the first call; the table layout is checked then (`SQL_SCHEMA_MISMATCH`).
 */
export const createSqlTarget: TargetFactory = async (name, options, deps, target) => {
  const opts = parseSqlTargetOptions(name, options);
  const client = createSqlClient(opts, deps, name);
  try {
    return createSqlConnector(name, opts, client, deps, target);
  } catch (e) {
    await client.close();
    throw e;
  }
};
