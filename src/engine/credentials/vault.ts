/**
 * First credentials shown once (issue 10 §5): the engine seals each initial password or Temporary Access Pass a
 * run produced (`depositCredential`), the console lists a manager's waiting ones (`waitingCredentials`) and reveals
 * one exactly once (`revealCredential`), which wipes it. Unviewed ones are wiped after `firstPassword.showForDays`
 * past the hire date. Scope is checked here, not in the web layer: an admin, or the person's own (direct)
 * manager. Every step is audited without the value (`credential.stored`, `.viewed`, `.refused`, `.expired`,
 * `.unreadable`, `.undelivered`).
 */
import { randomUUID } from 'node:crypto';
import { registerSecret } from '../../config/secrets.js';
import { credentialExpiry } from '../../core/first-sign-in.js';
import type { Person } from '../../core/model.js';
import type { FirstCredential } from '../../store/types.js';
import type { Engine } from '../engine.js';
import { credentialKey, keySource, seal, unseal } from './seal.js';

/** A credential a run produced, in memory only until it is sealed. */
export interface ProducedCredential {
  readonly personId: string;
  readonly target: string;
  readonly login: string;
  readonly kind: 'password' | 'tap';
  readonly secret: string;
  /** A TAP's start (ISO 8601). */
  readonly validFrom?: string;
}

/** Who looks (a console principal). */
export interface CredentialViewer {
  readonly id: string;
  readonly role: string;
  readonly personId?: string;
}

const aad = (c: { id: string; personId: string; target: string; kind: string }): string => `${c.id}|${c.personId}|${c.target}|${c.kind}`;

/** Seal and keep a credential for the manager. Returns the stored id, or undefined when no key is configured. */
export async function depositCredential(engine: Engine, c: ProducedCredential, opts: { person?: Person; actor: string; runId?: string }): Promise<string | undefined> {
  // Redact it from every log line from now on, whatever happens next.
  registerSecret(c.secret);
  const key = credentialKey(engine.config);
  const meta = { target: c.target, kind: c.kind, login: c.login };
  if (!key) {
    await engine.audit.record({
      actor: opts.actor, event: 'credential.undelivered', personId: c.personId, target: c.target, ...(opts.runId ? { runId: opts.runId } : {}),
      payload: { ...meta, reason: `no sealing key: set ${keySource(engine.config)} (at least 32 characters) so it can be shown in the console; ask the helpdesk for a reset` },
    });
    return undefined;
  }
  const id = randomUUID();
  const now = engine.now().toISOString();
  const expiresAt = credentialExpiry(opts.person?.hireDate, now, engine.config);
  const superseded = await engine.store.credentials.deposit({
    id, personId: c.personId, target: c.target, login: c.login, kind: c.kind, ciphertext: seal(key, aad({ id, ...c }), c.secret),
    ...(c.validFrom !== undefined ? { validFrom: c.validFrom } : {}), expiresAt, createdAt: now,
  });
  await engine.audit.record({
    actor: opts.actor, event: 'credential.stored', personId: c.personId, target: c.target, ...(opts.runId ? { runId: opts.runId } : {}),
    payload: { id, ...meta, ...(c.validFrom !== undefined ? { validFrom: c.validFrom } : {}), expiresAt, ...(superseded.length > 0 ? { superseded: superseded.map((s) => s.id) } : {}) },
  });
  return id;
}

/** Whether `viewer` may see the credentials of `person`: an admin, or the person's own manager. */
export function mayView(viewer: CredentialViewer, person: Person | undefined): boolean {
  if (viewer.role === 'admin') return true;
  return viewer.role === 'manager' && viewer.personId !== undefined && person?.supervisorId === viewer.personId;
}

/** Wipe overdue credentials (audited `credential.expired`). */
export async function expireCredentials(engine: Engine): Promise<number> {
  const gone = await engine.store.credentials.expire(engine.now().toISOString());
  for (const c of gone) {
    await engine.audit.record({ actor: 'engine', event: 'credential.expired', personId: c.personId, target: c.target, payload: { id: c.id, kind: c.kind, login: c.login, expiresAt: c.expiresAt } });
  }
  return gone.length;
}

/** A waiting credential with the person it belongs to. */
export interface WaitingCredential extends FirstCredential {
  readonly personName: string;
  readonly hireDate?: string;
}

/** The credentials waiting for this viewer (admin: all; manager: their direct reports'), metadata only. */
export async function waitingCredentials(engine: Engine, viewer: CredentialViewer, personId?: string): Promise<WaitingCredential[]> {
  if (viewer.role !== 'admin' && viewer.role !== 'manager') return [];
  await expireCredentials(engine);
  const all = await engine.store.credentials.waiting(engine.now().toISOString());
  const out: WaitingCredential[] = [];
  const persons = new Map<string, Person | undefined>();
  for (const c of all) {
    if (personId !== undefined && c.personId !== personId) continue;
    if (!persons.has(c.personId)) persons.set(c.personId, await engine.store.persons.get(c.personId));
    const p = persons.get(c.personId);
    if (!mayView(viewer, p)) continue;
    out.push({ ...c, personName: p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : c.personId, ...(p?.hireDate ? { hireDate: p.hireDate } : {}) });
  }
  return out;
}

/** The outcome of {@link revealCredential}. */
export type RevealResult =
  | { readonly ok: true; readonly credential: FirstCredential; readonly value: string }
  | { readonly ok: false; readonly code: 'CREDENTIAL_NOT_FOUND' | 'CREDENTIAL_GONE' | 'CREDENTIAL_UNREADABLE'; readonly credential?: FirstCredential };

/**
 * Show a credential once: checks scope (someone else's is "not found", and audited as refused), takes the value
 * (wiping it in the same step) and audits who saw it. A second call finds it gone.
 */
export async function revealCredential(engine: Engine, viewer: CredentialViewer, id: string): Promise<RevealResult> {
  const actor = `web:${viewer.id}`;
  const meta = await engine.store.credentials.get(id);
  const person = meta ? await engine.store.persons.get(meta.personId) : undefined;
  if (!meta || !mayView(viewer, person)) {
    await engine.audit.record({ actor, event: 'credential.refused', ...(meta ? { personId: meta.personId, target: meta.target } : {}), payload: { id: id.slice(0, 64), reason: meta ? 'not the manager of this person' : 'no such credential' } });
    return { ok: false, code: 'CREDENTIAL_NOT_FOUND' };
  }
  const taken = await engine.store.credentials.take(id, actor, engine.now().toISOString());
  if (!taken) return { ok: false, code: 'CREDENTIAL_GONE', credential: meta };
  const key = credentialKey(engine.config);
  const value = key ? unseal(key, aad(taken.credential), taken.ciphertext) : undefined;
  const facts = { id, kind: meta.kind, login: meta.login };
  if (value === undefined) {
    await engine.audit.record({ actor, event: 'credential.unreadable', personId: meta.personId, target: meta.target, payload: { ...facts, reason: `the sealing key (${keySource(engine.config)}) changed since it was stored; it is wiped: ask the helpdesk for a reset` } });
    return { ok: false, code: 'CREDENTIAL_UNREADABLE', credential: taken.credential };
  }
  registerSecret(value);
  await engine.audit.record({ actor, event: 'credential.viewed', personId: meta.personId, target: meta.target, payload: facts });
  return { ok: true, credential: taken.credential, value };
}
