/**
 * The raw Personio v1 employee shape (`data[]` items of GET /v1/company/employees) and helpers to
 * read and build it. Shared by the generator, the mutator and the simulator so they all speak
 * exactly what the API delivers.
 */

/** One attribute as Personio v1 delivers it. */
export interface RawAttribute {
  label: string;
  value: unknown;
  type: string;
  universal_id: string | null;
}

/** One `data[]` item of GET /v1/company/employees. */
export interface RawEmployee {
  type: 'Employee';
  attributes: Record<string, RawAttribute>;
}

/** Nested org unit value (`department`, `office`, `team`, `subcompany`). */
export interface RawOrgUnit {
  type: string;
  attributes: { id: number; name: string };
}

/** Label and type of the standard attributes, as the API reports them. */
export const STANDARD_ATTRIBUTES: Readonly<Record<string, { label: string; type: string }>> = {
  id: { label: 'ID', type: 'integer' },
  first_name: { label: 'First name', type: 'standard' },
  last_name: { label: 'Last name', type: 'standard' },
  preferred_name: { label: 'Preferred name', type: 'standard' },
  email: { label: 'Email', type: 'standard' },
  gender: { label: 'Gender', type: 'standard' },
  language_code: { label: 'Language', type: 'standard' },
  status: { label: 'Status', type: 'standard' },
  position: { label: 'Position', type: 'standard' },
  employment_type: { label: 'Employment type', type: 'standard' },
  weekly_working_hours: { label: 'Weekly hours', type: 'standard' },
  supervisor: { label: 'Supervisor', type: 'standard' },
  department: { label: 'Department', type: 'standard' },
  office: { label: 'Office', type: 'standard' },
  team: { label: 'Team', type: 'standard' },
  subcompany: { label: 'Subcompany', type: 'standard' },
  cost_centers: { label: 'Cost center', type: 'list' },
  hire_date: { label: 'Hire date', type: 'date' },
  termination_date: { label: 'Termination date', type: 'date' },
  termination_type: { label: 'Termination type', type: 'standard' },
  termination_reason: { label: 'Termination reason', type: 'standard' },
  contract_end_date: { label: 'Contract ends', type: 'date' },
  last_working_day: { label: 'Last day of work', type: 'date' },
  probation_period_end: { label: 'Probation period end', type: 'date' },
  created_at: { label: 'Created at', type: 'date' },
  last_modified_at: { label: 'Last modified', type: 'date' },
};

/** Whether `x` is a plain object. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Builds one attribute; standard keys get their documented label/type, custom ones the given label. */
export function makeAttribute(key: string, value: unknown, label?: string, type?: string): RawAttribute {
  const std = STANDARD_ATTRIBUTES[key];
  return {
    label: label ?? std?.label ?? key,
    value,
    type: type ?? std?.type ?? 'standard',
    universal_id: key.startsWith('dynamic_') ? null : key,
  };
}

/** Reads the `value` of an attribute; tolerates exports where the attribute is the bare value. */
export function attributeValue(raw: RawEmployee | Record<string, unknown>, key: string): unknown {
  const attrs = (raw as { attributes?: unknown }).attributes;
  if (!isRecord(attrs)) return undefined;
  const a = attrs[key];
  if (isRecord(a) && 'value' in a) return a.value;
  return a;
}

/** Sets an attribute value, creating the attribute (with its documented label) when missing. */
export function setAttributeValue(raw: RawEmployee, key: string, value: unknown, label?: string, type?: string): void {
  const existing = raw.attributes[key];
  if (existing) existing.value = value;
  else raw.attributes[key] = makeAttribute(key, value, label, type);
}

/** The employee id as a string, if the record carries one. */
export function rawId(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const v = attributeValue(raw, 'id');
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

/** Org unit value as the API nests it. */
export function orgUnit(type: string, id: number, name: string): RawOrgUnit {
  return { type, attributes: { id, name } };
}

/** ShortEmployee value of `supervisor`, built from the supervisor's own record. */
export function shortEmployee(sup: RawEmployee): Record<string, unknown> {
  const pick = (k: string): RawAttribute => ({ ...(sup.attributes[k] ?? makeAttribute(k, null)) });
  return {
    type: 'Employee',
    attributes: { id: pick('id'), first_name: pick('first_name'), last_name: pick('last_name'), email: pick('email') },
  };
}

/** Deep copy of a raw employee (plain JSON data). */
export function cloneEmployee(raw: RawEmployee): RawEmployee {
  return structuredClone(raw);
}

/**
 * Personio renders dates as local midnight with the Europe/Berlin offset, e.g. `2014-11-09T00:00:00+01:00`.
 * The offset follows EU summer time (last Sunday of March to last Sunday of October).
 */
export function personioDate(isoDate: string): string {
  return `${isoDate}T00:00:00${berlinOffset(isoDate)}`;
}

/** Instant rendered like Personio's `created_at` / `last_modified_at` (Berlin local time with offset). */
export function personioInstant(d: Date): string {
  const utcDay = d.toISOString().slice(0, 10);
  const off = berlinOffset(utcDay);
  const hours = off === '+02:00' ? 2 : 1;
  const local = new Date(d.getTime() + hours * 3_600_000).toISOString().slice(0, 19);
  return `${local}${off}`;
}

function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

function berlinOffset(isoDate: string): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7)) - 1;
  const d = Number(isoDate.slice(8, 10));
  const summer = (m > 2 && m < 9) || (m === 2 && d >= lastSunday(y, 2)) || (m === 9 && d < lastSunday(y, 9));
  return summer ? '+02:00' : '+01:00';
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Calendar date part of a Personio date value (`2014-11-09T00:00:00+01:00` → `2014-11-09`), as written. */
export function calendarDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(v.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const t = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (t.getUTCFullYear() !== Number(y) || t.getUTCMonth() !== Number(mo) - 1 || t.getUTCDate() !== Number(d)) return undefined;
  return `${y}-${mo}-${d}`;
}
