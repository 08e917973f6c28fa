/**
 * Per-value LDAP modifications for an address list (proxyAddresses): delete and add single values, never replace,
 * so values Cadre does not own (Exchange's X500:, SIP:, hand-added smtp:) are never sent, let alone lost.
 */
import { addressValueKey, diffAddressList } from '../../core/address-list.js';
import type { ModSpec } from './client.js';

/**
 * The delete/add modifications for `remove`/`add`, checked against what the entry holds right now (`current`):
 * a value already gone is not deleted, a value already there is not added (replays are no-ops, and AD refuses
 * a value that equals another case-insensitively). Deletes come first, so `SMTP:a` → `smtp:a` fits one request.
 */
export function addressValueMods(attribute: string, current: readonly string[], remove: readonly string[], add: readonly string[]): ModSpec[] {
  const byKey = new Map(current.map((v) => [addressValueKey(v), v]));
  const deletes: string[] = [];
  for (const r of remove) {
    const live = byKey.get(addressValueKey(r));
    if (live !== undefined && !deletes.includes(live)) deletes.push(live);
  }
  const remaining = new Set(current.filter((v) => !deletes.includes(v)).map((v) => v.normalize('NFC').toLowerCase()));
  const adds: string[] = [];
  for (const a of add) {
    const k = a.normalize('NFC').toLowerCase();
    if (remaining.has(k)) continue;
    remaining.add(k);
    adds.push(a);
  }
  const mods: ModSpec[] = [];
  if (deletes.length > 0) mods.push({ operation: 'delete', attribute, values: deletes });
  if (adds.length > 0) mods.push({ operation: 'add', attribute, values: adds });
  return mods;
}

/** Modifications that bring `current` to the wanted list with owned-value semantics (adoption at create time). */
export function addressListMods(attribute: string, current: readonly string[], want: readonly string[]): ModSpec[] {
  const d = diffAddressList(current, want);
  return addressValueMods(attribute, current, d.remove, d.add);
}
