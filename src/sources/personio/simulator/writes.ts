/**
 * Simulator semantics of the v1 write endpoints (POST / PATCH /company/employees), as documented:
 * only listed fields are writable (others, including `email` on PATCH, are silently ignored),
 * org units are referenced by name and ignored with a meta error when unknown, an unknown supervisor is 422.
 */
import { calendarDate, isRecord, makeAttribute, orgUnit, personioDate, setAttributeValue, shortEmployee, STANDARD_ATTRIBUTES } from '../raw.js';
import type { RawEmployee } from '../raw.js';
import type { OrgKind, SimCompany } from './company.js';

/** A write the API refuses (HTTP 422 with the error body). */
export class WriteRejected extends Error {
  override readonly name = 'WriteRejected';
}

/** A non-fatal remark Personio returns in `meta`. */
export interface MetaError {
  readonly field: string;
  readonly message: string;
}

const STATUSES = new Set(['onboarding', 'active', 'leave', 'inactive']);
const ORG_TYPES: Readonly<Record<Exclude<OrgKind, 'team'>, string>> = { department: 'Department', office: 'Office', subcompany: 'Subcompany' };

function text(field: string, v: unknown, required: boolean): string | null {
  if (v === null || v === undefined) {
    if (required) throw new WriteRejected(`The field ${field} must not be empty`);
    return null;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new WriteRejected(`The field ${field} must be a string`);
  const s = String(v).trim();
  if (required && s === '') throw new WriteRejected(`The field ${field} must not be empty`);
  return s;
}

/** Applies the writable fields of `input` to `target` (a copy); returns meta remarks. */
export function applyEmployeeFields(company: SimCompany, target: RawEmployee, input: Record<string, unknown>, selfId: string | undefined): MetaError[] {
  const meta: MetaError[] = [];
  for (const [field, v] of Object.entries(input)) {
    switch (field) {
      case 'first_name':
      case 'last_name':
        setAttributeValue(target, field, text(field, v, true));
        break;
      case 'preferred_name':
      case 'position':
        setAttributeValue(target, field, text(field, v, false) ?? '');
        break;
      case 'gender': {
        const g = text(field, v, false);
        if (g !== null && g !== '' && !['male', 'female', 'diverse'].includes(g)) throw new WriteRejected(`The gender '${g}' is invalid`);
        setAttributeValue(target, field, g);
        break;
      }
      case 'weekly_working_hours': {
        const h = text(field, v, false);
        if (h !== null && h !== '' && !Number.isFinite(Number(h))) throw new WriteRejected('The field weekly_working_hours must be a number');
        setAttributeValue(target, field, h);
        break;
      }
      case 'status': {
        const s = text(field, v, true) ?? '';
        if (!STATUSES.has(s)) throw new WriteRejected(`The status '${s}' is invalid`);
        setAttributeValue(target, field, s);
        break;
      }
      case 'hire_date': {
        const d = text(field, v, false);
        if (d === null || d === '') { setAttributeValue(target, field, null); break; }
        // Documented format is yyyy-mm-dd. Changing hire_date does not change status.
        if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !calendarDate(d)) throw new WriteRejected(`The hire_date '${d}' is not a valid date (yyyy-mm-dd)`);
        setAttributeValue(target, field, personioDate(d));
        break;
      }
      case 'supervisor_id': {
        if (v === null || v === '') { setAttributeValue(target, 'supervisor', null); break; }
        const sid = String(v).trim();
        if (selfId !== undefined && sid === selfId) throw new WriteRejected('An employee cannot be their own supervisor');
        const sup = company.get(sid);
        if (!sup) throw new WriteRejected(`Supervisor with ID ${sid} not found`);
        setAttributeValue(target, 'supervisor', shortEmployee(sup));
        break;
      }
      case 'department':
      case 'office':
      case 'subcompany': {
        const name = text(field, v, false);
        if (name === null || name === '') { setAttributeValue(target, field, null); break; }
        const id = company.orgUnitId(field, name);
        if (id === undefined) meta.push({ field, message: `${ORG_TYPES[field]} '${name}' does not exist and was ignored` });
        else setAttributeValue(target, field, orgUnit(ORG_TYPES[field], id, name));
        break;
      }
      case 'custom_attributes': {
        if (!isRecord(v)) throw new WriteRejected('custom_attributes must be an object');
        const known = new Map(company.customAttributes().map((a) => [a.key, a]));
        for (const [key, cv] of Object.entries(v)) {
          const def = known.get(key);
          if (!def) { meta.push({ field: key, message: `Custom attribute '${key}' does not exist and was ignored` }); continue; }
          const value = cv === null ? null : typeof cv === 'object' ? JSON.stringify(cv) : String(cv);
          setAttributeValue(target, key, def.type === 'date' && value ? (calendarDate(value) ?? value) : value, def.label, def.type);
        }
        break;
      }
      default:
        // email, id, status-derived and unknown fields are silently ignored, as documented.
        break;
    }
  }
  return meta;
}

/** Builds a new employee from a POST body; status defaults to active (hire date today or earlier) or onboarding. */
export function createEmployee(company: SimCompany, input: Record<string, unknown>, today: string): { employee: RawEmployee; meta: MetaError[] } {
  const missing = ['email', 'first_name', 'last_name'].filter((f) => typeof input[f] !== 'string' || (input[f] as string).trim() === '');
  if (missing.length > 0) throw new WriteRejected(`Missing required field(s): ${missing.join(', ')}`);
  const email = (input.email as string).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new WriteRejected(`The email '${email}' is invalid`);
  const lower = email.toLowerCase();
  if (company.list().some((e) => String(e.attributes.email?.value ?? '').toLowerCase() === lower)) {
    throw new WriteRejected('An employee with this email already exists');
  }
  const id = company.nextId();
  const employee: RawEmployee = { type: 'Employee', attributes: {} };
  for (const key of Object.keys(STANDARD_ATTRIBUTES)) employee.attributes[key] = makeAttribute(key, null);
  for (const def of company.customAttributes()) employee.attributes[def.key] = makeAttribute(def.key, null, def.label, def.type);
  setAttributeValue(employee, 'id', id);
  setAttributeValue(employee, 'email', email);
  setAttributeValue(employee, 'cost_centers', []);
  setAttributeValue(employee, 'employment_type', 'internal');
  const { status, ...rest } = input;
  const meta = applyEmployeeFields(company, employee, rest, String(id));
  if (status !== undefined && status !== null && status !== '') applyEmployeeFields(company, employee, { status }, String(id));
  else {
    const hire = calendarDate(employee.attributes.hire_date?.value);
    setAttributeValue(employee, 'status', hire === undefined || hire <= today ? 'active' : 'onboarding');
  }
  return { employee, meta };
}
