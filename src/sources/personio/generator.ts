/**
 * Deterministic generator of realistic DACH companies in the raw Personio v1 shape, for the
 * simulator, demos, tests and benchmarks (scales to 100 000 people in well under a few seconds).
 */
import {
  CUSTOM, DEPARTMENTS, FIRST_NAMES_AT, FIRST_NAMES_CH, FIRST_NAMES_DE, LAST_NAMES_AT, LAST_NAMES_CH, LAST_NAMES_DE,
  MANAGEMENT, OFFICES, SUBCOMPANIES,
} from './company-data.js';
import type { DepartmentDef, FirstName, OfficeDef } from './company-data.js';
import { createRng } from './prng.js';
import type { Rng } from './prng.js';
import { addDays, makeAttribute, orgUnit, personioDate, personioInstant, shortEmployee } from './raw.js';
import type { RawEmployee } from './raw.js';

/** Options of {@link generateCompany}. */
export interface GenerateOptions {
  /** PRNG seed; the same seed, size and day give the same company. Default 1. */
  readonly seed?: number;
  /** "Today" as `YYYY-MM-DD` (hire/termination dates are spread around it). Default: the current UTC date. */
  readonly today?: string;
  /** Mail domain. Default `beispiel.example`. */
  readonly domain?: string;
  /** First employee id. Default 1001. */
  readonly firstId?: number;
}

/** What the factory needs to create one employee. */
export interface EmployeeSpec {
  readonly id: number;
  readonly first: FirstName;
  readonly lastName: string;
  readonly preferredName?: string;
  readonly birthName?: string;
  readonly gender: string;
  readonly status: 'onboarding' | 'active' | 'leave' | 'inactive';
  readonly department: DepartmentDef;
  readonly position: string;
  readonly team?: string;
  readonly office: OfficeDef;
  readonly supervisor?: RawEmployee;
  readonly employmentType: 'internal' | 'external';
  readonly hireDate: string;
  readonly terminationDate?: string;
  readonly contractEndDate?: string;
  readonly weeklyHours: number;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
  readonly costCenters?: ReadonlyArray<{ id: number; name: string; percentage: number }>;
}

const NICKNAMES: Readonly<Record<string, string>> = {
  Maximilian: 'Max', Alexander: 'Alex', Katharina: 'Kathi', Elisabeth: 'Lisi', Christian: 'Chris', Sebastian: 'Basti',
  Johanna: 'Jojo', Franziska: 'Franzi', Magdalena: 'Leni', Josef: 'Sepp', Tobias: 'Tobi', Stefanie: 'Steffi',
};
const TRANSLIT: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ı: 'i', đ: 'd', ø: 'o', æ: 'ae', œ: 'oe', ł: 'l' };

/** ASCII mail local-part piece: `Müller-Lüdenscheidt` → `mueller-luedenscheidt`, `O'Connor` → `oconnor`. */
export function mailPart(name: string): string {
  return name.toLowerCase().replace(/[äöüßıđøæœł]/g, (c) => TRANSLIT[c] ?? c)
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, '-').replace(/[^a-z0-9-]/g, '');
}

/** Frequency-skewed pick: earlier (more common) entries come up far more often. */
export function pickCommon<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(items.length * rng.next() ** 2.2)] as T;
}

function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((s, x) => s + x.weight, 0);
  let r = rng.next() * total;
  for (const x of items) {
    r -= x.weight;
    if (r < 0) return x;
  }
  return items[items.length - 1] as T;
}

/** Name pools per office country, with some German names everywhere (people move). */
export function pickName(rng: Rng, office: OfficeDef): { first: FirstName; last: string } {
  const local = office.country === 'AT' ? [FIRST_NAMES_AT, LAST_NAMES_AT] as const
    : office.country === 'CH' ? [FIRST_NAMES_CH, LAST_NAMES_CH] as const : [FIRST_NAMES_DE, LAST_NAMES_DE] as const;
  const firsts = rng.chance(0.3) ? FIRST_NAMES_DE : local[0];
  const lasts = rng.chance(0.3) ? LAST_NAMES_DE : local[1];
  return { first: pickCommon(rng, firsts), last: pickCommon(rng, lasts) };
}

/** Random office by head-count weight. */
export const pickOffice = (rng: Rng): OfficeDef => pickWeighted(rng, OFFICES);
/** Random department by head-count weight. */
export const pickDepartment = (rng: Rng): DepartmentDef => pickWeighted(rng, DEPARTMENTS);

/** Phone number in the office's area, e.g. `+49 30 5550-1234`. */
export function phoneFor(rng: Rng, office: OfficeDef): string {
  return `${office.phone} ${rng.int(200, 999)}${rng.int(10, 99)}-${rng.int(10, 9999)}`;
}

/** Allocates unique mail addresses (`first.last`, then `first.last2`, …). */
export function createMailAllocator(domain: string, used: Set<string> = new Set()) {
  const nextSuffix = new Map<string, number>();
  return (first: string, last: string): string => {
    const base = `${mailPart(first)}.${mailPart(last)}`;
    let candidate = `${base}@${domain}`;
    // Remember the next free suffix per base so common names stay O(1) at 100 000 people.
    let i = nextSuffix.get(base) ?? 2;
    while (used.has(candidate)) candidate = `${base}${i++}@${domain}`;
    nextSuffix.set(base, i);
    used.add(candidate);
    return candidate;
  };
}

/** Builds the raw API record of one employee. */
export function buildEmployee(spec: EmployeeSpec, email: string, phone: string): RawEmployee {
  const subcompany = SUBCOMPANIES[spec.office.country];
  const centers = spec.costCenters ?? [{ ...spec.department.costCenter, percentage: 100 }];
  const team = spec.team ? spec.department.teams.indexOf(spec.team) : -1;
  const a: Array<[string, unknown, string?]> = [
    ['id', spec.id],
    ['first_name', spec.first.name],
    ['last_name', spec.lastName],
    ['preferred_name', spec.preferredName ?? ''],
    ['email', email],
    ['gender', spec.gender],
    ['status', spec.status],
    ['position', spec.position],
    ['employment_type', spec.employmentType],
    ['weekly_working_hours', String(spec.weeklyHours)],
    ['supervisor', spec.supervisor ? shortEmployee(spec.supervisor) : null],
    ['department', orgUnit('Department', spec.department.id, spec.department.name)],
    ['office', orgUnit('Office', spec.office.id, spec.office.name)],
    ['team', spec.team ? orgUnit('Team', spec.department.id * 100 + team, spec.team) : null],
    ['subcompany', orgUnit('Subcompany', subcompany.id, subcompany.name)],
    ['cost_centers', centers.map((c) => ({ type: 'CostCenter', attributes: { id: c.id, name: c.name, percentage: c.percentage } }))],
    ['hire_date', personioDate(spec.hireDate)],
    ['termination_date', spec.terminationDate ? personioDate(spec.terminationDate) : null],
    ['termination_type', spec.terminationDate ? 'resignation' : null],
    ['contract_end_date', spec.contractEndDate ? personioDate(spec.contractEndDate) : null],
    ['last_working_day', spec.terminationDate ? personioDate(spec.terminationDate) : null],
    ['created_at', personioInstant(spec.createdAt)],
    ['last_modified_at', personioInstant(spec.modifiedAt)],
  ];
  const attributes: RawEmployee['attributes'] = {};
  for (const [k, v] of a) attributes[k] = makeAttribute(k, v);
  attributes[CUSTOM.phone.key] = makeAttribute(CUSTOM.phone.key, phone, CUSTOM.phone.label);
  attributes[CUSTOM.birthName.key] = makeAttribute(CUSTOM.birthName.key, spec.birthName ?? '', CUSTOM.birthName.label);
  return { type: 'Employee', attributes };
}

const dayMs = 86_400_000;
/** A random instant on the given day (office hours, UTC). */
export function instantOn(rng: Rng, isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T07:00:00Z`) + rng.int(0, 10 * 3600) * 1000);
}

function earlier(a: string, b: string): string {
  return a < b ? a : b;
}

/**
 * Generates `n` employees (raw `data[]` items): a CEO, department heads reporting to the CEO, team
 * leads reporting to heads, everyone else reporting to a lead. About 3 % future hires (half within
 * 14 days), 2 % leavers around today, 2 % on leave, 8 % external staff, a few duplicate names.
 */
export function generateCompany(n: number, opts: GenerateOptions = {}): RawEmployee[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`company size must be a non-negative integer, got ${n}`);
  const rng = createRng(opts.seed ?? 1);
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const mail = createMailAllocator(opts.domain ?? 'beispiel.example');
  const firstId = opts.firstId ?? 1001;
  const out: RawEmployee[] = [];
  const heads = new Map<number, RawEmployee>();
  const leads = new Map<string, { raw: RawEmployee; members: number }>();
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const nowish = new Date(todayMs + 8 * 3600_000);

  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    const isCeo = i === 0;
    const headOf = !isCeo && i <= DEPARTMENTS.length ? DEPARTMENTS[i - 1] : undefined;
    const department = isCeo ? MANAGEMENT : headOf ?? pickDepartment(rng);
    const office = isCeo || headOf ? (rng.chance(0.7) ? OFFICES[0] as OfficeDef : pickOffice(rng)) : pickOffice(rng);
    let { first, last } = pickName(rng, office);
    // A few people share a common full name with a colleague (the classic "two Thomas Müller").
    if (i > 20 && rng.chance(0.01)) {
      const twin = out[rng.int(1, out.length - 1)];
      const fn = twin?.attributes.first_name?.value;
      const ln = twin?.attributes.last_name?.value;
      const g = twin?.attributes.gender?.value;
      if (typeof fn === 'string' && typeof ln === 'string') {
        first = { name: fn, gender: g === 'male' ? 'male' : 'female' };
        last = ln;
      }
    }
    const gender = rng.chance(0.01) ? 'diverse' : first.gender;

    // Team and supervisor: heads → CEO; the first member of a team leads it; others → their lead.
    let team: string | undefined;
    let supervisor: RawEmployee | undefined;
    let position: string;
    let isLead = false;
    if (isCeo) position = 'CEO';
    else if (headOf) {
      position = headOf.head;
      supervisor = out[0];
    } else {
      team = department.teams.length > 0 ? rng.pick(department.teams) : undefined;
      const key = `${department.id}/${team ?? ''}`;
      const lead = leads.get(key);
      const head = heads.get(department.id) ?? out[0];
      if (!lead || (lead.members >= 12 && rng.chance(0.1))) {
        position = `Team Lead ${team ?? department.name}`;
        supervisor = head;
        isLead = true;
      } else {
        position = pickCommon(rng, department.positions);
        supervisor = lead.raw;
        lead.members++;
      }
    }

    const leader = isCeo || headOf !== undefined || isLead;
    const employmentType = !leader && rng.chance(0.08) ? 'external' : 'internal';
    let status: EmployeeSpec['status'] = 'active';
    let hireDate: string;
    let terminationDate: string | undefined;
    let contractEndDate: string | undefined;
    const roll = rng.next();
    if (leader) hireDate = addDays(today, -rng.int(900, 5000));
    else if (roll < 0.03) {
      // Future hire: half start within the pre-hire window, the rest months ahead.
      hireDate = addDays(today, rng.chance(0.5) ? rng.int(1, 14) : rng.int(15, 180));
      status = 'onboarding';
    } else {
      hireDate = addDays(today, -Math.floor(1 + 5475 * rng.next() ** 1.6));
      if (roll < 0.05) {
        // Leaver: end date around today; Personio keeps them active until the day has passed.
        terminationDate = addDays(today, rng.int(-60, 30));
        if (terminationDate <= hireDate) terminationDate = addDays(hireDate, 30);
        status = terminationDate < today ? 'inactive' : 'active';
      } else if (roll < 0.07) status = 'leave';
    }
    if (employmentType === 'external' && !terminationDate) contractEndDate = addDays(hireDate > today ? hireDate : today, rng.int(120, 720));

    const married = first.gender === 'female' && !leader && rng.chance(0.08);
    const createdDay = earlier(addDays(hireDate, -rng.int(7, 60)), today);
    const createdAt = instantOn(rng, createdDay);
    const span = Math.max(0, nowish.getTime() - createdAt.getTime());
    const modifiedAt = new Date(createdAt.getTime() + Math.floor(rng.next() * span));
    const centers = !leader && rng.chance(0.05)
      ? [{ ...department.costCenter, percentage: 60 }, { ...pickDepartment(rng).costCenter, percentage: 40 }]
      : undefined;
    const nick = NICKNAMES[first.name];
    const spec: EmployeeSpec = {
      id, first, lastName: last, gender, status, department, position, team, office, supervisor, employmentType,
      hireDate, terminationDate, contractEndDate,
      preferredName: nick && rng.chance(0.3) ? nick : undefined,
      birthName: married ? pickCommon(rng, LAST_NAMES_DE.filter((x) => x !== last)) : undefined,
      weeklyHours: rng.chance(0.8) ? 40 : rng.pick([20, 30, 32]),
      createdAt, modifiedAt: modifiedAt.getTime() > createdAt.getTime() ? modifiedAt : createdAt,
      costCenters: centers,
    };
    const raw = buildEmployee(spec, mail(first.name, last), phoneFor(rng, office));
    out.push(raw);
    if (headOf) heads.set(headOf.id, raw);
    if (isLead) leads.set(`${department.id}/${team ?? ''}`, { raw, members: 0 });
  }
  return out;
}

/** Milliseconds in a day (exported for the mutator). */
export const DAY_MS = dayMs;
