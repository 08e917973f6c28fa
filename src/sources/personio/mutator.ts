/**
 * Realistic HR changes on a company of raw Personio employees (the simulator's store, or any object
 * with the same small interface): joiners, department moves, marriage renames, office moves,
 * leavers, plus the status transitions time brings (onboarding → active, active → inactive).
 */
import { CUSTOM, DEPARTMENTS, LAST_NAMES_DE, OFFICES, SUBCOMPANIES } from './company-data.js';
import type { DepartmentDef, OfficeDef } from './company-data.js';
import {
  buildEmployee, createMailAllocator, instantOn, phoneFor, pickCommon, pickDepartment, pickName, pickOffice,
} from './generator.js';
import { toRng } from './prng.js';
import type { Rng } from './prng.js';
import { addDays, attributeValue, calendarDate, cloneEmployee, isRecord, orgUnit, personioDate, rawId, setAttributeValue, shortEmployee } from './raw.js';
import type { RawEmployee } from './raw.js';

/** Kinds of change, as shown in the demo. */
export type ChangeKind = 'hire' | 'move' | 'rename' | 'office' | 'leave';
/** How many changes of each kind to make. */
export type ChangeCounts = Partial<Record<ChangeKind, number>>;

/** One human-readable change. */
export interface CompanyChange {
  readonly kind: ChangeKind;
  readonly personId: string;
  readonly text: string;
}

/** What the mutator needs from a company store. `upsert` must bump `last_modified_at`. */
export interface MutableCompany {
  list(): readonly RawEmployee[];
  get(id: string): RawEmployee | undefined;
  upsert(raw: RawEmployee): unknown;
}

const DEFAULT_COUNTS: Required<ChangeCounts> = { hire: 1, move: 1, rename: 1, office: 1, leave: 1 };

function str(e: RawEmployee, key: string): string {
  const v = attributeValue(e, key);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
function unitName(e: RawEmployee, key: string): string {
  const v = attributeValue(e, key);
  return isRecord(v) && isRecord(v.attributes) && typeof v.attributes.name === 'string' ? v.attributes.name : '';
}
const fullName = (e: RawEmployee): string => `${str(e, 'preferred_name') || str(e, 'first_name')} ${str(e, 'last_name')}`;
const isLeader = (e: RawEmployee): boolean => {
  const pos = str(e, 'position');
  return attributeValue(e, 'supervisor') === null || pos.startsWith('Team Lead') || DEPARTMENTS.some((d) => d.head === pos);
};

/**
 * Applies `counts` changes (default one of each) as of `today` (`YYYY-MM-DD`); returns what happened.
 * `random` is a seeded {@link Rng} or any `() => number` uniform in [0, 1).
 */
export function mutateCompany(company: MutableCompany, random: Rng | (() => number), today: string, counts: ChangeCounts = DEFAULT_COUNTS): CompanyChange[] {
  const rng = toRng(random);
  const changes: CompanyChange[] = [];
  const all = company.list();
  const save = (e: RawEmployee): void => { company.upsert(e); };

  // Time passes: starters become active, leavers whose last day has passed become inactive.
  for (const e of all) {
    const id = rawId(e);
    if (!id) continue;
    const status = str(e, 'status');
    const hire = calendarDate(attributeValue(e, 'hire_date'));
    const end = calendarDate(attributeValue(e, 'termination_date'));
    if (status === 'onboarding' && hire !== undefined && hire <= today) {
      const next = cloneEmployee(e);
      setAttributeValue(next, 'status', 'active');
      save(next);
      changes.push({ kind: 'hire', personId: id, text: `${fullName(e)} started today as ${str(e, 'position') || 'employee'} in ${unitName(e, 'department') || 'the company'}` });
    } else if ((status === 'active' || status === 'leave') && end !== undefined && end < today) {
      const next = cloneEmployee(e);
      setAttributeValue(next, 'status', 'inactive');
      save(next);
      changes.push({ kind: 'leave', personId: id, text: `${fullName(e)} has left (last day ${end}); status is now inactive` });
    }
  }

  const active = (): RawEmployee[] => company.list().filter((e) => str(e, 'status') === 'active' && rawId(e) !== undefined);
  const pickPerson = (pred: (e: RawEmployee) => boolean): RawEmployee | undefined => {
    const c = active().filter(pred);
    return c.length === 0 ? undefined : rng.pick(c);
  };
  const supervisorIn = (dept: DepartmentDef, team: string | undefined, excludeId: string): RawEmployee | undefined => {
    const inDept = active().filter((e) => unitName(e, 'department') === dept.name && rawId(e) !== excludeId);
    return inDept.find((e) => team !== undefined && str(e, 'position') === `Team Lead ${team}`)
      ?? inDept.find((e) => str(e, 'position') === dept.head)
      ?? inDept.find((e) => attributeValue(e, 'supervisor') === null)
      ?? company.list().find((e) => attributeValue(e, 'supervisor') === null && rawId(e) !== excludeId);
  };
  const setOffice = (e: RawEmployee, office: OfficeDef): void => {
    setAttributeValue(e, 'office', orgUnit('Office', office.id, office.name));
    const sub = SUBCOMPANIES[office.country];
    setAttributeValue(e, 'subcompany', orgUnit('Subcompany', sub.id, sub.name));
    setAttributeValue(e, CUSTOM.phone.key, phoneFor(rng, office), CUSTOM.phone.label);
  };

  const n = { ...Object.fromEntries(Object.keys(DEFAULT_COUNTS).map((k) => [k, 0])), ...counts } as Required<ChangeCounts>;

  if (n.hire > 0) {
    const used = new Set(company.list().map((e) => str(e, 'email').toLowerCase()).filter((x) => x !== ''));
    const domain = company.list().map((e) => str(e, 'email').split('@')[1]).find((d) => d) ?? 'beispiel.example';
    const mail = createMailAllocator(domain, used);
    let nextId = company.list().reduce((m, e) => Math.max(m, Number(rawId(e) ?? 0) || 0), 0) + 1;
    for (let i = 0; i < n.hire; i++) {
      const office = pickOffice(rng);
      const department = pickDepartment(rng);
      const team = department.teams.length > 0 ? rng.pick(department.teams) : undefined;
      const { first, last } = pickName(rng, office);
      const hireDate = addDays(today, rng.chance(0.3) ? 0 : rng.int(1, 14));
      const position = pickCommon(rng, department.positions);
      const id = nextId++;
      const raw = buildEmployee({
        id, first, lastName: last, gender: first.gender, status: hireDate <= today ? 'active' : 'onboarding',
        department, position, team, office, supervisor: supervisorIn(department, team, String(id)),
        employmentType: rng.chance(0.1) ? 'external' : 'internal', hireDate, weeklyHours: 40,
        createdAt: instantOn(rng, today), modifiedAt: instantOn(rng, today),
      }, mail(first.name, last), phoneFor(rng, office));
      save(raw);
      changes.push({ kind: 'hire', personId: String(id), text: `${first.name} ${last} joins ${department.name} as ${position} in ${office.name} on ${hireDate}` });
    }
  }

  for (let i = 0; i < n.move; i++) {
    const e = pickPerson((x) => !isLeader(x));
    if (!e) break;
    const from = unitName(e, 'department');
    const candidates = DEPARTMENTS.filter((d) => d.name !== from);
    const to = rng.pick(candidates);
    const team = to.teams.length > 0 ? rng.pick(to.teams) : undefined;
    const position = pickCommon(rng, to.positions);
    const id = rawId(e) as string;
    const next = cloneEmployee(e);
    setAttributeValue(next, 'department', orgUnit('Department', to.id, to.name));
    setAttributeValue(next, 'team', team ? orgUnit('Team', to.id * 100 + to.teams.indexOf(team), team) : null);
    setAttributeValue(next, 'position', position);
    setAttributeValue(next, 'cost_centers', [{ type: 'CostCenter', attributes: { ...to.costCenter, percentage: 100 } }]);
    const sup = supervisorIn(to, team, id);
    setAttributeValue(next, 'supervisor', sup ? shortEmployee(sup) : null);
    save(next);
    changes.push({ kind: 'move', personId: id, text: `${fullName(e)} moves from ${from || 'no department'} to ${to.name} as ${position}` });
  }

  for (let i = 0; i < n.rename; i++) {
    const e = pickPerson((x) => str(x, CUSTOM.birthName.key) === '' && str(x, 'gender') !== 'male') ?? pickPerson(() => true);
    if (!e) break;
    const oldLast = str(e, 'last_name');
    const newLast = pickCommon(rng, LAST_NAMES_DE.filter((x) => x !== oldLast));
    const id = rawId(e) as string;
    const next = cloneEmployee(e);
    setAttributeValue(next, 'last_name', newLast);
    // Marriage: the old name is kept as birth name (unless an earlier one is already recorded).
    if (str(e, CUSTOM.birthName.key) === '') setAttributeValue(next, CUSTOM.birthName.key, oldLast, CUSTOM.birthName.label);
    save(next);
    changes.push({ kind: 'rename', personId: id, text: `${str(e, 'first_name')} ${oldLast} is now ${str(e, 'first_name')} ${newLast} (married; birth name ${str(next, CUSTOM.birthName.key)})` });
  }

  for (let i = 0; i < n.office; i++) {
    const e = pickPerson(() => true);
    if (!e) break;
    const from = unitName(e, 'office');
    const to = rng.pick(OFFICES.filter((o) => o.name !== from));
    const next = cloneEmployee(e);
    setOffice(next, to);
    save(next);
    changes.push({ kind: 'office', personId: rawId(e) as string, text: `${fullName(e)} moves from the ${from || 'unknown'} office to ${to.name}` });
  }

  for (let i = 0; i < n.leave; i++) {
    const e = pickPerson((x) => attributeValue(x, 'supervisor') !== null && !str(x, 'termination_date') && !isLeader(x));
    if (!e) break;
    const end = addDays(today, rng.chance(0.3) ? 0 : rng.int(1, 30));
    const next = cloneEmployee(e);
    // Status stays active until the last day has passed (the next mutation flips it to inactive).
    setAttributeValue(next, 'termination_date', personioDate(end));
    setAttributeValue(next, 'last_working_day', personioDate(end));
    setAttributeValue(next, 'termination_type', rng.pick(['resignation', 'dismissal', 'mutual agreement']));
    save(next);
    changes.push({ kind: 'leave', personId: rawId(e) as string, text: `${fullName(e)} resigns; last day ${end}` });
  }
  return changes;
}
