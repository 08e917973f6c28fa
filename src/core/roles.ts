/**
 * Console roles and the manager scope. Pure: the web layer asks this who a manager may see.
 */

/** The console's roles, in the order the UI lists them. */
export const ROLES = ['admin', 'helpdesk', 'manager', 'auditor'] as const;

/** A console role. `manager` is scoped to their reports; `auditor` is read only. */
export type Role = (typeof ROLES)[number];

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The part of a person the scope needs. */
export interface ReportingLine {
  readonly id: string;
  readonly supervisorId?: string;
}

/**
 * Index persons by supervisor once (the web console keeps this while the snapshot is unchanged), so each scope
 * lookup walks only the manager's own subtree.
 */
export function reportsIndex(persons: Iterable<ReportingLine>): ReadonlyMap<string, readonly string[]> {
  const bySupervisor = new Map<string, string[]>();
  for (const p of persons) {
    if (p.supervisorId === undefined || p.supervisorId === p.id) continue;
    const list = bySupervisor.get(p.supervisorId);
    if (list) list.push(p.id);
    else bySupervisor.set(p.supervisorId, [p.id]);
  }
  return bySupervisor;
}

/**
 * The person ids a manager may see: everyone whose supervisor chain leads to `managerId`, directly or
 * transitively. The manager themself is not included. Cycle-safe: HR data with a loop (A reports to B reports to A)
 * terminates, and the manager never ends up in their own scope through it.
 */
export function managerScope(managerId: string, index: ReadonlyMap<string, readonly string[]>): ReadonlySet<string> {
  const seen = new Set<string>();
  const queue = [...(index.get(managerId) ?? [])];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (id === managerId || seen.has(id)) continue;
    seen.add(id);
    for (const next of index.get(id) ?? []) if (!seen.has(next)) queue.push(next);
  }
  return seen;
}
