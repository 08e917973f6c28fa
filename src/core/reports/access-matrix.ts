/** Access by department: per target, department × entitlement, counting enabled accounts that hold it. */
import { cmp, enabledTargets, ownerIndex, type Report, type ReportInput } from './common.js';

/** One cell of the matrix. */
export type AccessRow = {
  readonly target: string;
  readonly department: string;
  readonly entitlement: string;
  readonly accounts: number;
};

/** One target's matrix: `counts[d][e]` for `departments[d]` and `entitlements[e]`. */
export interface AccessMatrix {
  readonly target: string;
  readonly departments: readonly string[];
  readonly entitlements: readonly string[];
  readonly counts: readonly (readonly number[])[];
}

/** The report: flat rows (CSV) and the matrices (for the console's table). */
export interface AccessReport extends Report<AccessRow> {
  readonly matrices: readonly AccessMatrix[];
}

/** Department label for accounts without an HR person, and for persons without a department. */
export const NO_PERSON = '(no HR person)';
export const NO_DEPARTMENT = '(no department)';

/**
 * Enabled accounts per department and entitlement (managed and unmanaged memberships alike: access is access).
 * The department is the HR record's, through the same matching the planner uses.
 */
export function accessMatrixReport(input: ReportInput, opts: { target?: string } = {}): AccessReport {
  const owners = ownerIndex(input.config, input.persons);
  const targets = enabledTargets(input.config, opts.target);
  const cells = new Map<string, Map<string, Map<string, number>>>(targets.map((t) => [t, new Map()]));
  for (const a of input.accounts) {
    const byDept = cells.get(a.target);
    if (!byDept || !a.enabled) continue;
    const o = owners.ownerOf(a);
    if (o.kind === 'excluded') continue;
    const dept = o.kind === 'person' ? o.person.department ?? NO_DEPARTMENT : NO_PERSON;
    const row = byDept.get(dept) ?? new Map<string, number>();
    byDept.set(dept, row);
    for (const e of new Set([...a.entitlements, ...(a.unmanaged ?? [])])) row.set(e, (row.get(e) ?? 0) + 1);
  }
  const rows: AccessRow[] = [];
  const matrices: AccessMatrix[] = [];
  for (const target of targets) {
    const byDept = cells.get(target) as Map<string, Map<string, number>>;
    const departments = [...byDept.keys()].sort(cmp);
    const entitlements = [...new Set([...byDept.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()));
    matrices.push({ target, departments, entitlements, counts: departments.map((d) => entitlements.map((e) => byDept.get(d)?.get(e) ?? 0)) });
    for (const d of departments) for (const e of entitlements) {
      const n = byDept.get(d)?.get(e) ?? 0;
      if (n > 0) rows.push({ target, department: d, entitlement: e, accounts: n });
    }
  }
  return { report: 'access-matrix', at: input.at, columns: ['target', 'department', 'entitlement', 'accounts'], rows, matrices };
}
