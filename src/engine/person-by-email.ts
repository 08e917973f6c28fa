/**
 * Find the HR person behind a sign-in's e-mail claim (links an OIDC manager to the people they supervise).
 * A sign-in is rare, so reading the stored snapshot is cheap enough and needs no index.
 */
import type { Person } from '../core/model.js';
import type { Engine } from './engine.js';

/** Result of {@link findPersonByEmail}: one person, none, or several (nothing is guessed). */
export type PersonByEmail = { kind: 'found'; person: Person } | { kind: 'none' } | { kind: 'ambiguous'; personIds: string[] };

const norm = (s: string): string => s.normalize('NFC').trim().toLowerCase();

/** The stored person whose `email` equals `email`, compared case-insensitively. */
export async function findPersonByEmail(engine: Pick<Engine, 'store'>, email: string): Promise<PersonByEmail> {
  const want = norm(email);
  if (want === '') return { kind: 'none' };
  const hits = (await engine.store.persons.all()).filter((p) => p.email !== undefined && norm(p.email) === want);
  if (hits.length === 1 && hits[0]) return { kind: 'found', person: hits[0] };
  if (hits.length === 0) return { kind: 'none' };
  return { kind: 'ambiguous', personIds: hits.map((p) => p.id) };
}
