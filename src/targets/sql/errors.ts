/**
 * Coded errors of the SQL target, and the mapping of SQLite / PostgreSQL driver errors onto them.
 * Messages never contain connection strings or row values (PostgreSQL's `detail` is deliberately dropped).
 */
import type { TargetError } from '../contract.js';

/** Error codes the SQL target produces. */
export const SQL_ERROR_CODES = [
  'CONFIG_INVALID', 'SQL_CONFIG_INVALID', 'SQL_SCHEMA_MISMATCH', 'SQL_UNIQUE_VIOLATION', 'SQL_NOT_FOUND',
  'SQL_NOT_NULL_VIOLATION', 'SQL_FOREIGN_KEY_VIOLATION', 'SQL_CHECK_VIOLATION', 'SQL_VALUE_TOO_LONG',
  'SQL_INVALID_VALUE', 'SQL_UNAVAILABLE', 'SQL_AUTH_FAILED', 'SQL_KEY_IMMUTABLE', 'SQL_KEY_MISSING',
  'SQL_ATTRIBUTE_UNKNOWN', 'SQL_INVALID_OPERATION', 'REF_UNRESOLVED', 'CORRELATION_AMBIGUOUS', 'NOT_SUPPORTED', 'SQL_ERROR',
] as const;
/** One of {@link SQL_ERROR_CODES}. */
export type SqlErrorCode = (typeof SQL_ERROR_CODES)[number];

/** A coded error thrown by the SQL target's read methods and turned into a result by `apply`. */
export class SqlTargetError extends Error {
  override readonly name = 'SqlTargetError';
  constructor(readonly code: SqlErrorCode, message: string, readonly transient = false) {
    super(message);
  }
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

function prop(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined;
}

/** Map any error thrown by better-sqlite3, pg or our own code to a coded {@link SqlTargetError}. */
export function toSqlError(e: unknown): SqlTargetError {
  if (e instanceof SqlTargetError) return e;
  const code = typeof prop(e, 'code') === 'string' ? (prop(e, 'code') as string) : '';
  const raw = e instanceof Error ? e.message : String(e);
  // pg includes neither the URL nor the password in messages; still cut anything URL-like out of caution.
  const message = raw.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, '<url>').slice(0, 500);

  // SQLite (better-sqlite3): extended result codes as strings.
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new SqlTargetError('SQL_UNIQUE_VIOLATION', message);
    if (code === 'SQLITE_CONSTRAINT_NOTNULL') return new SqlTargetError('SQL_NOT_NULL_VIOLATION', message);
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new SqlTargetError('SQL_FOREIGN_KEY_VIOLATION', message);
    if (code === 'SQLITE_CONSTRAINT_CHECK') return new SqlTargetError('SQL_CHECK_VIOLATION', message);
    if (code === 'SQLITE_TOOBIG') return new SqlTargetError('SQL_VALUE_TOO_LONG', message);
    if (code === 'SQLITE_MISMATCH') return new SqlTargetError('SQL_INVALID_VALUE', message);
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_IOERR')) {
      return new SqlTargetError('SQL_UNAVAILABLE', message, true);
    }
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      return new SqlTargetError('SQL_UNAVAILABLE', message, false);
    }
    if (/no such (table|column)|has no column/i.test(raw)) return new SqlTargetError('SQL_SCHEMA_MISMATCH', message);
    return new SqlTargetError('SQL_ERROR', message);
  }

  // PostgreSQL SQLSTATE (five characters).
  if (/^[0-9A-Z]{5}$/.test(code)) {
    switch (code) {
      case '23505': return new SqlTargetError('SQL_UNIQUE_VIOLATION', message);
      case '23502': return new SqlTargetError('SQL_NOT_NULL_VIOLATION', message);
      case '23503': return new SqlTargetError('SQL_FOREIGN_KEY_VIOLATION', message);
      case '23514': return new SqlTargetError('SQL_CHECK_VIOLATION', message);
      case '22001': return new SqlTargetError('SQL_VALUE_TOO_LONG', message);
      case '22P02': case '22003': case '22007': case '22008': return new SqlTargetError('SQL_INVALID_VALUE', message);
      case '42P01': case '42703': case '3F000': return new SqlTargetError('SQL_SCHEMA_MISMATCH', message);
      case '40001': case '40P01': case '55P03': case '53300': case '57P01': case '57P02': case '57P03':
        return new SqlTargetError('SQL_UNAVAILABLE', message, true);
      default: break;
    }
    if (code.startsWith('08')) return new SqlTargetError('SQL_UNAVAILABLE', message, true);
    if (code.startsWith('28')) return new SqlTargetError('SQL_AUTH_FAILED', message);
    if (code.startsWith('53')) return new SqlTargetError('SQL_UNAVAILABLE', message, true);
    if (code === '42501') return new SqlTargetError('SQL_AUTH_FAILED', message);
    return new SqlTargetError('SQL_ERROR', message);
  }

  if (TRANSIENT_NODE_CODES.has(code) || /timeout|Connection terminated|connect ECONN/i.test(raw)) {
    return new SqlTargetError('SQL_UNAVAILABLE', message, true);
  }
  return new SqlTargetError('SQL_ERROR', message);
}

/** The error as a {@link TargetError} for an {@link OperationResult}. */
export function toTargetError(e: unknown): TargetError {
  const err = toSqlError(e);
  return { code: err.code, message: err.message, transient: err.transient };
}
