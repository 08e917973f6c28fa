/**
 * Identifier checks for planning: the length limits per kind, and whether a value is free across every target
 * (listing, store and live checks), split from planning.ts by role.
 */
import type { IsFree, TargetInfo } from '../core/index.js';
import { correlationCodec, type CorrelationCodec } from '../core/correlation.js';
import type { AccountState } from '../core/model.js';
import type { Engine } from './engine.js';
import { IDENTIFIER_TAKEN_CODES } from './identifier-collisions.js';

/** Identifier limits per kind: the smallest any target using the kind accepts. */
export function identifierLimits(engine: Engine, info: Record<string, TargetInfo>): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [kind, cfg] of Object.entries(engine.config.identifiers)) {
    let limit = cfg.maxLength;
    for (const [name, c] of engine.targets) {
      if (!info[name]?.identifierAttributes?.[kind]) continue;
      const l = c.identifierLimits?.[kind];
      if (l !== undefined) limit = Math.min(limit, l);
    }
    limits[kind] = limit;
  }
  return limits;
}

/** Owner of a listed account: linked person, correlation id, or the person a legacy account will be adopted by. */
function ownerOf(a: AccountState, legacyOwners: ReadonlyMap<string, string>, codecs: (target: string) => CorrelationCodec): string | undefined {
  if (a.personId !== undefined) return a.personId;
  // A correlation value not of the target's form (a legacy payroll number) names nobody.
  if (a.correlation !== undefined && a.correlation !== '') return codecs(a.target).parse(a.correlation);
  return legacyOwners.get(`${a.target}\u0000${a.anchor}`);
}

/** Each target's correlation codec, built once. */
function correlationCodecs(engine: Engine): (target: string) => CorrelationCodec {
  const codecs = new Map<string, CorrelationCodec>();
  return (t) => {
    let c = codecs.get(t);
    if (!c) { c = correlationCodec(engine.config.targets[t]?.correlation?.value); codecs.set(t, c); }
    return c;
  };
}

/**
 * A checker for identifier candidates. The targets' listings say who holds which value under any identifier
 * attribute (one namespace across kinds): a value another account holds is not free. A target where the value is not
 * listed is asked live, for every target that uses the identifier kind. `hrEmails` (address, lower case → persons),
 * read on first use: an address HR gives another person is never allocated.
 */
export function freeChecker(engine: Engine, accounts: readonly AccountState[], info: Record<string, TargetInfo>, legacyOwners: ReadonlyMap<string, string>, hrEmails?: () => Promise<ReadonlyMap<string, ReadonlySet<string>>>): IsFree {
  let emails: Promise<ReadonlyMap<string, ReadonlySet<string>>> | undefined;
  const owners = new Map<string, Map<string, Set<string>>>(); // value (lower) -> target -> owners ('' = nobody's)
  const codecs = correlationCodecs(engine);
  for (const a of accounts) {
    const owner = ownerOf(a, legacyOwners, codecs) ?? '';
    for (const attrs of Object.values(info[a.target]?.identifierAttributes ?? {})) {
      for (const attr of attrs) {
        const raw = a.attributes[attr];
        const values = Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [String(raw)];
        for (const v of values) {
          const value = v.replace(/^smtp:/i, '').toLowerCase();
          const byTarget = owners.get(value) ?? new Map<string, Set<string>>();
          const set = byTarget.get(a.target) ?? new Set<string>();
          set.add(owner);
          byTarget.set(a.target, set);
          owners.set(value, byTarget);
        }
      }
    }
  }
  return async (kind: string, value: string, personId: string): Promise<boolean> => {
    // Another person's e-mail address in HR is theirs, even where no target lists it (a mailbox outside the targets).
    if (hrEmails && value.includes('@')) {
      const holders = (await (emails ??= hrEmails())).get(value.toLowerCase());
      if (holders && !holders.has(personId)) return false;
    }
    const listed = owners.get(value.toLowerCase());
    for (const set of listed?.values() ?? []) for (const o of set) if (o !== personId) return false;
    for (const [name, c] of engine.targets) {
      const attrs = info[name]?.identifierAttributes?.[kind];
      if (!attrs || c.listsEverything || listed?.has(name)) continue;
      for (const attr of attrs) {
        if (!(await c.isFree(attr, value))) return false;
      }
    }
    return true;
  };
}

/**
 * Whether a person's reserved value of a kind is to be checked live again, because an account still has to be
 * created with it: the person has no account yet in any target using the kind (nothing holds the value so far), or
 * a create of theirs failed on a taken identifier (the other targets may already hold it). A value taken by hand
 * since then is re-allocated instead of failing the create on every run; values in use are never moved.
 */
export async function awaitingAccount(engine: Engine, accounts: readonly AccountState[], info: Record<string, TargetInfo>, legacyOwners: ReadonlyMap<string, string>): Promise<(personId: string, kind: string) => boolean> {
  const has = new Set<string>();
  const codecs = correlationCodecs(engine);
  for (const a of accounts) {
    const owner = ownerOf(a, legacyOwners, codecs);
    if (owner) has.add(`${a.target}\u0000${owner}`);
  }
  const collided = new Set<string>();
  for (const f of await engine.store.journal.failedCreates(IDENTIFIER_TAKEN_CODES)) {
    if (!has.has(`${f.target}\u0000${f.personId}`)) collided.add(f.personId);
  }
  const users = new Map<string, string[]>();
  for (const [name, t] of Object.entries(info)) {
    for (const kind of Object.keys(t.identifierAttributes ?? {})) users.set(kind, [...(users.get(kind) ?? []), name]);
  }
  return (personId, kind) => {
    const using = users.get(kind) ?? [];
    const missing = using.filter((t) => !has.has(`${t}\u0000${personId}`));
    return missing.length > 0 && (missing.length === using.length || collided.has(personId));
  };
}
