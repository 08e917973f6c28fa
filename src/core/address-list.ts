/**
 * Address lists (AD `proxyAddresses`): a multi-valued attribute of which Cadre owns only part.
 *
 * Values are `type:address`. `SMTP:` (upper case) marks the one primary mail address, `smtp:` the others; other
 * types (`X500:`, `SIP:`, `x400:` …) belong to Exchange, Teams or an admin. Cadre **owns**:
 * - every `smtp:`/`SMTP:` value whose address is one of the person's own reserved identifiers of the configured
 *   kinds (primary or alias). Reservations are exclusive and never handed to anyone else, and Cadre writes no
 *   other address, so everything Cadre ever wrote is covered without remembering it separately;
 * - the primary flag: there is exactly one `SMTP:` value and it is the person's primary address. A foreign
 *   `SMTP:` (e.g. on an adopted account) is demoted to `smtp:`; its address stays.
 *
 * Everything else is foreign and never added, removed or rewritten. The diff is per value (add/delete of single
 * values, never a replace), so a value someone adds between plan and apply survives too.
 *
 * The directory compares values case-insensitively (AD refuses `smtp:a@x` next to `SMTP:a@x`), but the prefix case
 * carries meaning: a primary switch is delete `SMTP:old` + add `smtp:old`, in that order.
 */
import type { AttrValue, Change } from './model.js';

/** How a target derives an address list (see `TargetInfo.addressList`). */
export interface AddressListSpec {
  /** The multi-valued attribute, e.g. `proxyAddresses`. */
  readonly attribute: string;
  /** Identifier kinds whose values the list carries: the first kind's primary value is the primary address. */
  readonly identifiers: readonly string[];
}

/** Per-value changes of an address list. */
export interface AddressListDiff {
  /** Values to delete, exactly as the target holds them. */
  readonly remove: readonly string[];
  /** Values to add. */
  readonly add: readonly string[];
  /** The whole list afterwards (foreign values included, in the target's order, additions last). */
  readonly after: readonly string[];
}

const PRIMARY = 'SMTP:';
const ALIAS = 'smtp:';

/** Split `type:address`; a value without a colon has no type. */
function split(v: string): { type: string; address: string } {
  const i = v.indexOf(':');
  return i < 0 ? { type: '', address: v } : { type: v.slice(0, i), address: v.slice(i + 1) };
}

const isSmtp = (type: string): boolean => type.toLowerCase() === 'smtp';

/** Identity of a value: the prefix exactly (its case means primary or not), the address case-insensitively. */
export function addressValueKey(v: string): string {
  const { type, address } = split(v);
  return `${type}:${address.normalize('NFC').toLowerCase()}`;
}

/** The values of an attribute as a list of strings. */
export function valuesOf(v: AttrValue | undefined): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map(String).filter((x) => x !== '');
  return [String(v)];
}

/**
 * The address list a person should have: `SMTP:` + the primary of the first kind, then `smtp:` + every other
 * reserved value of the kinds (further kinds' primaries, then former values), each address once.
 */
export function wantedAddresses(spec: AddressListSpec, ids: Readonly<Record<string, string>>, aliases: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (prefix: string, address: string | undefined): void => {
    if (address === undefined || address === '') return;
    const k = address.normalize('NFC').toLowerCase();
    if (seen.has(k)) return;
    seen.add(k);
    out.push(`${prefix}${address}`);
  };
  const [first, ...rest] = spec.identifiers;
  if (first !== undefined) push(PRIMARY, ids[first]);
  for (const kind of rest) push(ALIAS, ids[kind]);
  for (const kind of spec.identifiers) for (const a of aliases[kind] ?? []) push(ALIAS, a);
  return out;
}

/**
 * Per-value diff of an address list: `have` is what the target holds, `want` the list from
 * {@link wantedAddresses} (its addresses are the ones Cadre owns). Foreign values are kept as they are; a foreign
 * `SMTP:` is demoted when `want` has a primary.
 */
export function diffAddressList(have: readonly string[], want: readonly string[]): AddressListDiff {
  const owned = new Set(want.map((w) => split(w).address.normalize('NFC').toLowerCase()));
  const hasPrimary = want.some((w) => w.startsWith(PRIMARY));
  const target = [...want];
  const remove: string[] = [];
  for (const v of have) {
    const { type, address } = split(v);
    if (!isSmtp(type)) continue;
    if (owned.has(address.normalize('NFC').toLowerCase())) continue;
    if (type === 'SMTP' && hasPrimary) {
      // A second primary would leave Exchange guessing: the address stays, as an alias.
      remove.push(v);
      target.push(`${ALIAS}${address}`);
    }
  }
  const haveKeys = new Set(have.map(addressValueKey));
  const wantKeys = new Set(target.map(addressValueKey));
  for (const v of have) {
    const { type, address } = split(v);
    if (isSmtp(type) && owned.has(address.normalize('NFC').toLowerCase()) && !wantKeys.has(addressValueKey(v))) remove.push(v);
  }
  const add = target.filter((w) => !haveKeys.has(addressValueKey(w)));
  const gone = new Set(remove);
  const after = [...have.filter((v) => !gone.has(v)), ...add];
  return { remove, add, after };
}

/**
 * The change that brings an address list from `have` to `want`, or undefined when nothing is to do. It carries
 * the per-value `add`/`remove` (what a connector sends) and the whole list before and after (what a plan shows).
 */
export function addressListChange(attribute: string, have: AttrValue | undefined, want: AttrValue | undefined): Change | undefined {
  const before = valuesOf(have);
  const d = diffAddressList(before, valuesOf(want));
  if (d.add.length === 0 && d.remove.length === 0) return undefined;
  return { attribute, from: before, to: [...d.after], add: d.add, remove: d.remove };
}
