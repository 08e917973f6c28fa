/** Coded store errors. Messages never contain credentials. */

/** Error codes raised by the store. */
export type StoreErrorCode = 'STORE_UNAVAILABLE' | 'STORE_MIGRATION_FAILED' | 'STORE_UNKNOWN_OPERATION' | 'STORE_INVALID_DATA' | 'STORE_DUPLICATE' | 'LEASE_LOST';

/** A store failure with a stable code. */
export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** True for a unique/primary-key violation from better-sqlite3 or pg. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `host:port` of a PostgreSQL URL, without user or password. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}
