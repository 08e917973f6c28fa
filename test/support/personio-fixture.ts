/** Builds raw Personio v1 employee items (the API's own `data` shape) for fixtures. */

type Attr = { label: string; value: unknown; type: string; universal_id: string | null };
const attr = (label: string, value: unknown, type = 'standard', universalId: string | null = null): Attr => ({ label, value, type, universal_id: universalId });
const org = (type: string, id: number, name: string) => ({ type, attributes: { id, name } });

/** Fields a test sets; everything else gets a plausible default. */
export interface EmployeeSpec {
  id: number;
  first?: string | null;
  last?: string | null;
  preferred?: string;
  email?: string;
  status?: 'onboarding' | 'active' | 'leave' | 'inactive';
  department?: string;
  office?: string;
  position?: string;
  supervisorId?: number;
  employmentType?: string;
  hireDate?: string;
  terminationDate?: string | null;
  lastWorkingDay?: string | null;
  contractEndDate?: string | null;
  phone?: string;
  modifiedAt?: string;
  /** Personio `language_code` (`de`, `en`); absent when not given. */
  language?: string;
}

const ids = new Map<string, number>();
const idOf = (name: string): number => {
  if (!ids.has(name)) ids.set(name, ids.size + 1);
  return ids.get(name) as number;
};

/** One raw employee. */
export function employee(s: EmployeeSpec): { type: 'Employee'; attributes: Record<string, Attr> } {
  const date = (d: string | null | undefined) => (d ? `${d}T00:00:00+01:00` : null);
  return {
    type: 'Employee',
    attributes: {
      id: attr('ID', s.id, 'integer', 'id'),
      first_name: attr('First name', s.first === undefined ? 'Test' : s.first, 'standard', 'first_name'),
      last_name: attr('Last name', s.last === undefined ? `Person${s.id}` : s.last, 'standard', 'last_name'),
      preferred_name: attr('Preferred name', s.preferred ?? '', 'standard', 'preferred_name'),
      email: attr('Email', s.email ?? `hr${s.id}@example.com`, 'standard', 'email'),
      status: attr('Status', s.status ?? 'active', 'standard', 'status'),
      position: attr('Position', s.position ?? 'Specialist', 'standard', 'position'),
      employment_type: attr('Employment type', s.employmentType ?? 'internal', 'standard', 'employment_type'),
      supervisor: attr('Supervisor', s.supervisorId ? { type: 'Employee', attributes: { id: attr('ID', s.supervisorId, 'integer', 'id') } } : null, 'standard', 'supervisor'),
      department: attr('Department', s.department ? org('Department', idOf(s.department), s.department) : null, 'standard', 'department'),
      office: attr('Office', s.office ? org('Office', idOf(s.office), s.office) : null, 'standard', 'office'),
      hire_date: attr('Hire date', date(s.hireDate ?? '2020-01-01'), 'date', 'hire_date'),
      termination_date: attr('Termination date', date(s.terminationDate), 'date', 'termination_date'),
      contract_end_date: attr('Contract ends', date(s.contractEndDate), 'date', 'contract_end_date'),
      last_working_day: attr('Last working day', date(s.lastWorkingDay), 'date', 'last_working_day'),
      cost_centers: attr('Cost center', [], 'list', 'cost_centers'),
      last_modified_at: attr('Last modified', s.modifiedAt ?? '2024-01-01T00:00:00+00:00', 'date', 'last_modified_at'),
      dynamic_1001: attr('Phone', s.phone ?? null, 'standard', null),
      dynamic_1003: attr('Work e-mail', null, 'standard', null),
      ...(s.language !== undefined ? { language_code: attr('Language', s.language, 'standard', 'language_code') } : {}),
    },
  };
}
