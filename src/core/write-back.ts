/**
 * Write-back to Personio, the pure part: the form in which a value is written (and compared with what Personio
 * holds), and the recognition of an echo: a change Personio reports (an `updated_since` poll, a webhook) that
 * consists only of values Cadre itself wrote. An echo needs no plan of its own.
 */
import type { AttrValue, CustomValue, Person } from './model.js';

/** One value Cadre wrote back to a person's Personio attribute, as the store remembers it. */
export interface WriteBackRecord {
  readonly personId: string;
  /** The Personio key written: `email` or a `dynamic_NNN` custom attribute (aliases are resolved). */
  readonly attribute: string;
  /** The value sent, in {@link writeBackForm}; `null` cleared the attribute. */
  readonly value: string | null;
  readonly writtenAt: string;
  /** The run that wrote it. */
  readonly runId: string;
}

/**
 * The string Cadre sends for a value, and the form both sides are compared in: Personio trims text, stores lists as
 * comma-separated text (read back as a list) and reads an empty value as unset. `null`: unset.
 */
export function writeBackForm(v: AttrValue | CustomValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  const s = Array.isArray(v) ? v.map((x) => x.trim()).filter((x) => x !== '').join(',') : String(v).normalize('NFC').trim();
  return s === '' ? null : s;
}

/** Whether Personio's value `held` already is the value `wanted` (no write needed). */
export function sameWriteBackValue(held: AttrValue | CustomValue | undefined, wanted: AttrValue | CustomValue | undefined): boolean {
  // A list attribute reads back as a list of the comma-separated parts of the text written.
  const asList = (v: AttrValue | CustomValue | undefined): string | null => writeBackForm(typeof v === 'string' ? v.split(',') : v);
  if (Array.isArray(held) || Array.isArray(wanted)) return asList(held) === asList(wanted);
  return writeBackForm(held) === writeBackForm(wanted);
}

/** The Personio key a write-back attribute names: an alias of `source.customAttributes` becomes its `dynamic_NNN`. */
export function writeBackKey(attribute: string, aliases: Readonly<Record<string, string>>): string {
  return aliases[attribute] ?? attribute;
}

/** A person's value of a Personio key (`email` or a custom attribute key). */
export function personValue(p: Person, key: string): CustomValue | undefined {
  return key === 'email' ? p.email ?? null : p.custom[key];
}

const SKIP = new Set(['custom', 'updatedAt']);

/** Keys (`email`, `custom:<dynamic_NNN>`, other field names) in which two records of one person differ. */
export function changedKeys(fresh: Person, stored: Person, aliases: Readonly<Record<string, string>>): Set<string> {
  const out = new Set<string>();
  const a = fresh as unknown as Record<string, unknown>;
  const b = stored as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (SKIP.has(k)) continue;
    if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) out.add(k);
  }
  for (const k of new Set([...Object.keys(fresh.custom), ...Object.keys(stored.custom)])) {
    if (!sameWriteBackValue(fresh.custom[k], stored.custom[k])) out.add(`custom:${writeBackKey(k, aliases)}`);
  }
  return out;
}

/** Options of {@link isWriteBackEcho}. */
export interface EchoOptions {
  /** Now (ISO instant). */
  readonly at: string;
  /** How long after a write a change can still be its echo. */
  readonly windowMs: number;
  /** `source.customAttributes` (alias → `dynamic_NNN`). */
  readonly aliases: Readonly<Record<string, string>>;
}

/**
 * Whether the `fresh` record Personio reports is only the echo of Cadre's own write-back: Cadre wrote to this person
 * within the window, Personio holds every value Cadre wrote, and the record differs from the `stored` one (what the
 * last plan saw, with the written values laid over it) in nothing but written attributes. Anything else (a person
 * never written to, someone else changed a written attribute, any other field changed) is a real change.
 */
export function isWriteBackEcho(fresh: Person, stored: Person | undefined, writes: readonly WriteBackRecord[], opts: EchoOptions): boolean {
  if (!stored || stored.id !== fresh.id) return false;
  const now = Date.parse(opts.at);
  const recent = writes.filter((w) => w.personId === fresh.id && now - Date.parse(w.writtenAt) <= opts.windowMs);
  if (recent.length === 0) return false;
  const written = new Set<string>();
  for (const w of recent) {
    const key = writeBackKey(w.attribute, opts.aliases);
    if (!sameWriteBackValue(personValue(fresh, key), w.value)) return false;
    written.add(key === 'email' ? 'email' : `custom:${key}`);
  }
  for (const k of changedKeys(fresh, stored, opts.aliases)) if (!written.has(k)) return false;
  return true;
}

/** The stored record after a successful write-back: the written values laid over it (under key and aliases). */
export function withWrittenValues(p: Person, values: Readonly<Record<string, string | null>>, aliases: Readonly<Record<string, string>>): Person {
  const custom: Record<string, CustomValue> = { ...p.custom };
  let email = p.email;
  for (const [attr, v] of Object.entries(values)) {
    const key = writeBackKey(attr, aliases);
    if (key === 'email') { email = v ?? undefined; continue; }
    custom[key] = v;
    for (const [alias, k] of Object.entries(aliases)) if (k === key) custom[alias] = v;
  }
  const { email: _old, ...rest } = p;
  return { ...rest, ...(email !== undefined ? { email } : {}), custom };
}
