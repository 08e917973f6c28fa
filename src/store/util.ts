/** Small helpers shared by the repositories. */

/** Current instant as ISO-8601 UTC. */
export const nowIso = (): string => new Date().toISOString();

/** Rows per multi-row INSERT: well below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
export const BATCH_ROWS = 500;

/** Split into chunks of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Parse a JSON column, naming the table in the error. */
export function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`corrupt JSON in ${what}: ${(err as Error).message}`);
  }
}

/** `null` → `undefined`. */
export const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
