/**
 * Pure mapping of one Personio v1 employee (`data[]` item) to a validated {@link Person}.
 * A record that fails validation yields a {@link PersonProblem} instead; the caller reports it and
 * carries on with everyone else.
 */
import type { CostCenter, CustomValue, Person, PersonProblem, PersonStatus } from '../../core/model.js';
import { calendarDate, isRecord } from './raw.js';

const STATUSES: readonly PersonStatus[] = ['onboarding', 'active', 'leave', 'inactive'];
const DYNAMIC = /^dynamic_\d+$/;
const DATE_FIELDS = [
  ['hire_date', 'hireDate', 'hire date'],
  ['termination_date', 'terminationDate', 'termination date'],
  ['contract_end_date', 'contractEndDate', 'contract end date'],
  ['last_working_day', 'lastWorkingDay', 'last working day'],
] as const;
/** Alias under which the birth name custom attribute is configured. */
export const BIRTH_NAME_ALIAS = 'birthName';

/** Result of {@link mapEmployee}: exactly one of `person` / `problem` is set. */
export interface MapResult {
  readonly person?: Person;
  readonly problem?: PersonProblem;
}

/** Trimmed, NFC-normalised name with inner whitespace collapsed; empty → undefined. */
export function normaliseName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return s === '' ? undefined : s;
}

function value(attrs: Record<string, unknown>, key: string): unknown {
  const a = attrs[key];
  if (isRecord(a) && 'value' in a) return a.value;
  return a;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Id from a number or numeric string; other shapes are invalid. */
function parseId(v: unknown): { id?: string; invalid?: boolean } {
  if (v === null || v === undefined || v === '') return {};
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? { id: String(v) } : { invalid: true };
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v) && Number(v) > 0) return { id: String(Number(v.trim())) };
  return { invalid: true };
}

/** Name and id of a nested org unit (`{type, attributes:{id,name}}`), or a bare name string. */
function unit(v: unknown): { name?: string; id?: string } {
  if (typeof v === 'string') return { name: normaliseName(v) };
  if (!isRecord(v)) return {};
  const a = isRecord(v.attributes) ? v.attributes : v;
  const id = typeof a.id === 'number' || (typeof a.id === 'string' && a.id !== '') ? String(a.id) : undefined;
  return { name: normaliseName(a.name), id };
}

/** Supervisor id from a ShortEmployee value (id may be an attribute object or a bare number). */
function supervisorId(v: unknown): { id?: string; invalid?: boolean } {
  if (v === null || v === undefined || v === '') return {};
  if (typeof v === 'number' || typeof v === 'string') return parseId(v);
  if (!isRecord(v)) return { invalid: true };
  const attrs = isRecord(v.attributes) ? v.attributes : v;
  return parseId(value(attrs, 'id'));
}

function costCenters(v: unknown, messages: string[]): CostCenter[] {
  if (v === null || v === undefined || v === '') return [];
  if (!Array.isArray(v)) {
    messages.push(`cost centers '${show(v)}' are not a list`);
    return [];
  }
  const out: CostCenter[] = [];
  for (const item of v) {
    const a = isRecord(item) && isRecord(item.attributes) ? item.attributes : item;
    if (!isRecord(a) || (typeof a.id !== 'number' && typeof a.id !== 'string')) {
      messages.push(`cost center '${show(item)}' has no id`);
      continue;
    }
    const pct = typeof a.percentage === 'number' ? a.percentage
      : typeof a.percentage === 'string' && a.percentage.trim() !== '' && Number.isFinite(Number(a.percentage)) ? Number(a.percentage)
        : undefined;
    out.push({ id: String(a.id), name: normaliseName(a.name) ?? String(a.id), ...(pct === undefined ? {} : { percentage: pct }) });
  }
  return out;
}

/** Normalises a custom attribute value; dates keep their calendar date, empty strings become null. */
function customValue(attr: unknown): CustomValue {
  const v = isRecord(attr) && 'value' in attr ? attr.value : attr;
  const type = isRecord(attr) && typeof attr.type === 'string' ? attr.type : undefined;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const s = v.normalize('NFC').trim();
    if (s === '') return null;
    if (type === 'date') return calendarDate(s) ?? s;
    if (type === 'tags' || type === 'list') return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
    return s;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    return v.map((x) => (isRecord(x) && isRecord(x.attributes) ? String(x.attributes.name ?? x.attributes.id ?? '') : String(x)))
      .map((x) => x.trim()).filter((x) => x !== '');
  }
  if (isRecord(v) && isRecord(v.attributes)) return normaliseName(v.attributes.name) ?? null;
  return JSON.stringify(v);
}

function instant(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** `de`, `de_DE`, `DE-at` → `de`; anything that is not a language code → undefined. */
export function languageCode(v: unknown): string | undefined {
  const m = typeof v === 'string' ? /^([a-z]{2})(?:[-_][a-z0-9]+)?$/i.exec(v.trim()) : null;
  return m?.[1]?.toLowerCase();
}

function optionalString(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return normaliseName(v);
}

/**
 * Maps one raw employee. `aliases` maps a configured alias to its `dynamic_NNN` key; each custom
 * attribute is stored under its key and under every alias pointing to it. The alias `birthName`
 * feeds {@link Person.birthName}.
 */
export function mapEmployee(raw: unknown, aliases: Readonly<Record<string, string>>): MapResult {
  const attrs = isRecord(raw) && isRecord(raw.attributes) ? raw.attributes : undefined;
  if (!attrs) {
    return { problem: { personId: null, label: 'unreadable record', messages: ['record has no attributes object'] } };
  }
  const messages: string[] = [];

  const idRaw = value(attrs, 'id');
  const parsedId = parseId(idRaw);
  if (parsedId.invalid) messages.push(`id '${show(idRaw)}' is not a valid employee id`);
  else if (!parsedId.id) messages.push('id is missing');
  const id = parsedId.id;

  const firstName = normaliseName(value(attrs, 'first_name'));
  const lastName = normaliseName(value(attrs, 'last_name'));
  const label = `${[firstName, lastName].filter((x) => x !== undefined).join(' ') || 'unnamed'} (${id ?? 'no id'})`;
  if (!firstName) messages.push('first name is missing');
  if (!lastName) messages.push('last name is missing');

  const statusRaw = value(attrs, 'status');
  let status: PersonStatus | undefined;
  if (statusRaw === null || statusRaw === undefined || statusRaw === '') messages.push('status is missing');
  else {
    const s = typeof statusRaw === 'string' ? statusRaw.trim().toLowerCase() : '';
    if ((STATUSES as readonly string[]).includes(s)) status = s as PersonStatus;
    else messages.push(`status '${show(statusRaw)}' is unknown`);
  }

  const emailRaw = value(attrs, 'email');
  const email = typeof emailRaw === 'string' ? emailRaw.normalize('NFC').trim() || undefined : undefined;
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(email)) messages.push(`email '${show(email)}' is not a valid address`);
  else if (emailRaw !== null && emailRaw !== undefined && typeof emailRaw !== 'string') messages.push(`email '${show(emailRaw)}' is not a valid address`);

  const dates: Partial<Record<(typeof DATE_FIELDS)[number][1], string>> = {};
  for (const [key, prop, name] of DATE_FIELDS) {
    const v = value(attrs, key);
    if (v === null || v === undefined || v === '') continue;
    const d = calendarDate(v);
    if (d) dates[prop] = d;
    else messages.push(`${name} '${show(v)}' is not a date`);
  }

  const sup = supervisorId(value(attrs, 'supervisor'));
  if (sup.invalid) messages.push(`supervisor '${show(value(attrs, 'supervisor'))}' has no valid id`);
  else if (sup.id !== undefined && sup.id === id) messages.push('supervisor is the person themself');

  const centers = costCenters(value(attrs, 'cost_centers'), messages);

  const custom: Record<string, CustomValue> = {};
  for (const key of Object.keys(attrs)) {
    if (DYNAMIC.test(key)) custom[key] = customValue(attrs[key]);
  }
  for (const [alias, key] of Object.entries(aliases)) {
    if (key in custom) custom[alias] = custom[key] ?? null;
  }

  if (messages.length > 0 || !id || !firstName || !lastName || !status) {
    // What still parsed about leaving counts for a person known from before (see core/last-good.ts).
    const terminal = {
      ...(status === 'inactive' ? { status: 'inactive' as const } : {}),
      ...(dates.terminationDate ? { terminationDate: dates.terminationDate } : {}),
      ...(dates.contractEndDate ? { contractEndDate: dates.contractEndDate } : {}),
      ...(dates.lastWorkingDay ? { lastWorkingDay: dates.lastWorkingDay } : {}),
    };
    return { problem: { personId: id ?? null, label, messages, ...(Object.keys(terminal).length > 0 ? { terminal } : {}) } };
  }

  const department = unit(value(attrs, 'department'));
  const office = unit(value(attrs, 'office'));
  const birthKey = aliases[BIRTH_NAME_ALIAS];
  const birthName = birthKey ? normaliseName(value(attrs, birthKey)) : undefined;
  const updatedAt = instant(value(attrs, 'last_modified_at'));

  const person: Person = {
    id,
    firstName,
    lastName,
    preferredName: normaliseName(value(attrs, 'preferred_name')),
    birthName,
    email,
    gender: optionalString(value(attrs, 'gender'))?.toLowerCase(),
    language: languageCode(value(attrs, 'language_code')),
    status,
    department: department.name,
    departmentId: department.id,
    office: office.name,
    officeId: office.id,
    team: unit(value(attrs, 'team')).name,
    subcompany: unit(value(attrs, 'subcompany')).name,
    position: optionalString(value(attrs, 'position')),
    employmentType: optionalString(value(attrs, 'employment_type'))?.toLowerCase(),
    supervisorId: sup.id,
    costCenters: centers,
    ...dates,
    updatedAt,
    custom,
  };
  // Drop undefined keys so snapshots compare and serialise cleanly.
  return { person: Object.fromEntries(Object.entries(person).filter(([, v]) => v !== undefined)) as unknown as Person };
}

/** Maps many records, splitting them into persons and problems. */
export function mapEmployees(raws: readonly unknown[], aliases: Readonly<Record<string, string>>): { persons: Person[]; problems: PersonProblem[] } {
  const persons: Person[] = [];
  const problems: PersonProblem[] = [];
  for (const raw of raws) {
    const r = mapEmployee(raw, aliases);
    if (r.person) persons.push(r.person);
    else if (r.problem) problems.push(r.problem);
  }
  return { persons, problems };
}
