/**
 * Local console users: argon2id hashing, sign-in verification and the audited changes behind `cadre users`.
 * Hashes never leave this module's callers in output, and never appear in audit payloads.
 */
import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Role } from '../core/roles.js';
import { isRole, ROLES } from '../core/roles.js';
import type { WebUser } from '../store/types.js';
import type { Engine } from './engine.js';
import { CadreError, EXIT } from './errors.js';

/**
 * OWASP's argon2id recommendation (19 MiB, two passes, one lane): tens of milliseconds per sign-in on a server,
 * expensive enough for offline guessing, cheap enough that the rate-limited sign-in cannot exhaust memory.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Minimum length of a local user's password. */
export const MIN_PASSWORD_LENGTH = 12;

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

function invalid(message: string): CadreError {
  return new CadreError('USER_INVALID', message, EXIT.usage);
}

/** Hash a password with argon2id. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

// A hash of a random password, made once: a sign-in for an unknown user verifies against it, so that unknown and
// known users take about the same time and the response does not tell which user names exist.
let dummy: Promise<string> | undefined;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomUUID()));

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalid(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw invalid('the password is longer than 1024 characters');
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw invalid(`unknown role "${role}" (roles: ${ROLES.join(', ')})`);
  return role;
}

/** What `cadre users add` asks for. */
export interface AddUserRequest {
  readonly username: string;
  readonly role: string;
  readonly password: string;
  readonly displayName?: string;
  readonly personId?: string;
  readonly actor: string;
}

/** Add a local user; audited as `web.user.added` (no hash). */
export async function addUser(engine: Engine, req: AddUserRequest): Promise<WebUser> {
  const username = req.username.trim().toLowerCase();
  if (!USERNAME.test(username)) throw invalid(`invalid user name "${req.username.slice(0, 64)}": letters, digits, . _ @ - (up to 64)`);
  const role = checkRole(req.role);
  checkPassword(req.password);
  if (req.personId !== undefined && (await engine.store.persons.get(req.personId)) === undefined) {
    throw invalid(`no person ${req.personId} in the stored HR snapshot (run cadre sync first, or check the id)`);
  }
  if (await engine.store.users.byUsername(username)) throw invalid(`a user named "${username}" exists already`);
  const at = engine.now().toISOString();
  const user: WebUser = {
    id: randomUUID(), username, displayName: req.displayName?.trim() || username, role,
    ...(req.personId !== undefined ? { personId: req.personId } : {}),
    passwordHash: await hashPassword(req.password), disabled: false, createdAt: at, updatedAt: at,
  };
  await engine.store.transaction(async (tx) => {
    await tx.users.add(user);
    await engine.audit.recordIn(tx, { actor: req.actor, event: 'web.user.added', payload: { user: publicUser(user) } });
  });
  return user;
}

/** A user without the hash (for output and audit payloads). */
export function publicUser(u: WebUser): Omit<WebUser, 'passwordHash'> {
  const { passwordHash: _hash, ...rest } = u;
  return rest;
}

async function byName(engine: Engine, username: string): Promise<WebUser> {
  const user = await engine.store.users.byUsername(username.trim());
  if (!user) throw new CadreError('USER_NOT_FOUND', `no local user named "${username.trim().toLowerCase().slice(0, 64)}"`, EXIT.usage);
  return user;
}

/** Set a new password; audited as `web.user.password` (no hash). */
export async function setUserPassword(engine: Engine, req: { readonly username: string; readonly password: string; readonly actor: string }): Promise<WebUser> {
  checkPassword(req.password);
  const user = await byName(engine, req.username);
  const passwordHash = await hashPassword(req.password);
  return engine.store.transaction(async (tx) => {
    const updated = await tx.users.update(user.id, { passwordHash }, engine.now().toISOString());
    if (!updated) throw new CadreError('USER_NOT_FOUND', `no local user named "${user.username}"`, EXIT.usage);
    await engine.audit.recordIn(tx, { actor: req.actor, event: 'web.user.password', payload: { user: { id: user.id, username: user.username } } });
    return updated;
  });
}

/** Remove a local user; audited as `web.user.removed`. Their sessions end at their next request. */
export async function removeUser(engine: Engine, req: { readonly username: string; readonly actor: string }): Promise<WebUser> {
  const user = await byName(engine, req.username);
  return engine.store.transaction(async (tx) => {
    const removed = await tx.users.remove(user.id);
    if (!removed) throw new CadreError('USER_NOT_FOUND', `no local user named "${user.username}"`, EXIT.usage);
    await engine.audit.recordIn(tx, { actor: req.actor, event: 'web.user.removed', payload: { user: publicUser(removed) } });
    return removed;
  });
}

/**
 * Check a sign-in. Returns the user, or `undefined` for an unknown user, a wrong password or a disabled user alike
 * (the caller shows one generic message). An unknown user is verified against a dummy hash (similar timing).
 */
export async function verifyCredentials(engine: Engine, username: string, password: string): Promise<WebUser | undefined> {
  const name = username.trim().toLowerCase();
  const user = name === '' || name.length > 64 ? undefined : await engine.store.users.byUsername(name);
  const hash = user?.passwordHash ?? await dummyHash();
  let ok = false;
  try {
    ok = password.length <= 1024 && await argon2.verify(hash, password);
  } catch {
    ok = false;
  }
  return ok && user !== undefined && !user.disabled ? user : undefined;
}
