/**
 * Pure mapping of a Personio v2 person and its employments to the same {@link Person} the v1 mode produces.
 * The v2 record is first rewritten into the v1 attribute shape and then validated by the one v1 mapper, so both
 * modes share every rule (names, dates, statuses, custom attributes, aliases) and cannot drift apart.
 */
import type { KnownPeriod } from '../../../core/periods.js';
import { mapEmployee } from '../mapping.js';
import type { MapResult } from '../mapping.js';
import { isRecord } from '../raw.js';

/** Names the v2 API only references by id, resolved by the client before mapping. */
export interface V2Lookups {
  /** Org unit id → name and kind (`department` | `team`). */
  readonly orgUnits: ReadonlyMap<string, { readonly name: string; readonly type: string }>;
  /** Legal entity id → name (v1 calls it `subcompany`). */
  readonly legalEntities: ReadonlyMap<string, string>;
  /** Office (workplace) id → name; empty when the API does not offer them. */
  readonly offices: ReadonlyMap<string, string>;
  /** Cost center id → name. */
  readonly costCenters: ReadonlyMap<string, string>;
}

/** Result of {@link mapPersonV2}: the v1 mapping result plus the employments that do not count now. */
export interface V2MapResult extends MapResult {
  /** Earlier (or other) employments as periods for the lifecycle (rehires). */
  readonly periods: readonly KnownPeriod[];
}

/** Statuses that make an employment the one that counts. */
const CURRENT = new Set(['ACTIVE', 'ONBOARDING', 'LEAVE']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const idOf = (v: unknown): string | undefined => (isRecord(v) ? str(v.id) : undefined);
const attr = (value: unknown, type = 'standard'): { label: string; value: unknown; type: string } => ({ label: '', value: value ?? null, type });

/**
 * The employment that counts: the ACTIVE/ONBOARDING/LEAVE one (the latest start among several), else the one with
 * the latest start date (ties: the API's order, newest first). `undefined` for a person without employments.
 */
export function currentEmployment(employments: readonly Record<string, unknown>[]): Record<string, unknown> | undefined {
  const start = (e: Record<string, unknown>): string => str(e.employment_start_date) ?? '';
  const latest = (list: readonly Record<string, unknown>[]) => list.reduce<Record<string, unknown> | undefined>(
    (best, e) => (best === undefined || start(e) > start(best) ? e : best), undefined);
  const current = employments.filter((e) => CURRENT.has(String(e.status ?? '').toUpperCase()));
  return latest(current.length > 0 ? current : employments);
}

/** v2 custom attribute types in the v1 vocabulary the shared mapper understands. */
function v1Type(t: unknown): string {
  switch (String(t ?? '').toUpperCase()) {
    case 'DATE': return 'date';
    case 'INT': return 'integer';
    case 'DOUBLE': return 'decimal';
    case 'STRING_LIST': return 'list';
    default: return 'standard';
  }
}

function unit(kind: string, id: string | undefined, name: string | undefined): unknown {
  if (id === undefined) return null;
  return name === undefined ? null : { type: kind, attributes: { id: /^\d+$/.test(id) ? Number(id) : id, name } };
}

/**
 * Maps one v2 person with its employments (newest first) to a {@link Person} or a problem, plus the periods of the
 * employments that do not count. `aliases` as for v1 (`alias → dynamic_NNN`).
 */
export function mapPersonV2(person: unknown, employments: readonly unknown[], lookups: V2Lookups, aliases: Readonly<Record<string, string>>): V2MapResult {
  if (!isRecord(person)) return { problem: { personId: null, label: 'unreadable record', messages: ['person is not an object'] }, periods: [] };
  const emps = employments.filter(isRecord);
  const emp = currentEmployment(emps) ?? {};
  const a: Record<string, unknown> = {};
  a.id = attr(person.id);
  a.first_name = attr(person.first_name);
  a.last_name = attr(person.last_name);
  a.preferred_name = attr(person.preferred_name);
  a.email = attr(person.email);
  const gender = str(person.gender)?.toUpperCase();
  a.gender = attr(gender && gender !== 'UNSPECIFIED' ? gender.toLowerCase() : null);
  a.language_code = attr(str(person.language_code) ?? null);
  // Without any employment the person's own status is all there is.
  const status = str(emp.status)?.toUpperCase() ?? (str(person.status)?.toUpperCase() === 'ACTIVE' ? 'ACTIVE' : str(person.status)?.toUpperCase());
  a.status = attr(status && status !== 'UNSPECIFIED' ? status.toLowerCase() : null);
  a.position = attr(isRecord(emp.position) ? emp.position.title : null);
  const type = str(emp.type);
  a.employment_type = attr(type ? type.toLowerCase() : null);
  const sup = idOf(emp.supervisor);
  a.supervisor = attr(sup === undefined ? null : { type: 'Employee', attributes: { id: attr(/^\d+$/.test(sup) ? Number(sup) : sup) } });
  a.hire_date = attr(str(emp.employment_start_date) ?? null, 'date');
  a.contract_end_date = attr(str(emp.contract_end_date) ?? null, 'date');
  const term = isRecord(emp.termination) ? emp.termination : {};
  a.termination_date = attr(str(term.termination_date) ?? null, 'date');
  a.last_working_day = attr(str(term.last_working_day) ?? null, 'date');
  a.last_modified_at = attr(str(person.updated_at) ?? null, 'date');
  a.created_at = attr(str(person.created_at) ?? null, 'date');

  const units = Array.isArray(emp.org_units) ? emp.org_units.filter(isRecord) : [];
  for (const kind of ['department', 'team'] as const) {
    const ref = units.find((u) => String(u.type ?? '').toLowerCase() === kind);
    const id = ref ? str(ref.id) : undefined;
    a[kind] = attr(unit(kind === 'department' ? 'Department' : 'Team', id, id === undefined ? undefined : lookups.orgUnits.get(id)?.name));
  }
  const officeId = idOf(emp.office);
  // An office the API cannot name still carries its id, so placement rules by officeId keep working.
  a.office = attr(officeId === undefined ? null : { type: 'Office', attributes: { id: /^\d+$/.test(officeId) ? Number(officeId) : officeId, name: lookups.offices.get(officeId) ?? null } });
  const le = idOf(emp.legal_entity);
  a.subcompany = attr(unit('Subcompany', le, le === undefined ? undefined : lookups.legalEntities.get(le)));
  const centers = Array.isArray(emp.cost_centers) ? emp.cost_centers.filter(isRecord) : [];
  a.cost_centers = attr(centers.map((c) => {
    const id = str(c.id) ?? '';
    const pct = typeof c.weight === 'number' ? c.weight : undefined;
    return { type: 'CostCenter', attributes: { id: /^\d+$/.test(id) ? Number(id) : id, name: lookups.costCenters.get(id) ?? id, ...(pct === undefined ? {} : { percentage: pct }) } };
  }));
  for (const c of Array.isArray(person.custom_attributes) ? person.custom_attributes.filter(isRecord) : []) {
    const key = str(c.id);
    if (key === undefined || !/^dynamic_\d+$/.test(key)) continue;
    const t = v1Type(c.type);
    const v = Array.isArray(c.value) && t === 'list' ? c.value.map(String).join(',') : c.value;
    a[key] = { label: str(c.label) ?? key, value: v ?? null, type: t };
  }

  const mapped = mapEmployee({ type: 'Employee', attributes: a }, aliases);
  const periods: KnownPeriod[] = [];
  const seenAt = str(person.updated_at) ?? new Date(0).toISOString();
  for (const e of emps) {
    if (e === emp) continue;
    const hireDate = str(e.employment_start_date);
    if (!hireDate) continue;
    const t = isRecord(e.termination) ? e.termination : {};
    const td = str(t.termination_date) ?? str(e.employment_end_date);
    const lwd = str(t.last_working_day);
    const ced = str(e.contract_end_date);
    periods.push({
      hireDate, seenAt: new Date(Date.parse(seenAt) || 0).toISOString(),
      ...(td ? { terminationDate: td } : {}), ...(lwd ? { lastWorkingDay: lwd } : {}), ...(ced ? { contractEndDate: ced } : {}),
    });
  }
  return { ...mapped, periods };
}
