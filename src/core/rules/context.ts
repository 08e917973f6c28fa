/**
 * The evaluation context templates, conditions and placement see for one person.
 */
import type { LifecycleState, Person } from '../model.js';

/** Extra, plan-time values added to a person's context. */
export interface ContextExtras {
  readonly lifecycle?: LifecycleState;
  readonly endDate?: string;
  /** Primary identifiers by kind. */
  readonly id?: Readonly<Record<string, string>>;
  /** Former identifiers (status alias) by kind. */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  /** The supervisor: person fields plus `personId` and `id.<kind>`. */
  readonly manager?: Readonly<Record<string, unknown>> | null;
  readonly target?: string;
}

/** Person fields that conditions and `placement.by` may reference (besides `custom.*`). */
export const PERSON_PATHS: ReadonlySet<string> = new Set([
  'id', 'firstName', 'lastName', 'preferredName', 'birthName', 'email', 'gender', 'status', 'department',
  'departmentId', 'office', 'officeId', 'team', 'subcompany', 'position', 'employmentType', 'supervisorId',
  'costCenters', 'hireDate', 'terminationDate', 'contractEndDate', 'lastWorkingDay', 'updatedAt', 'custom',
  'lifecycle', 'endDate', 'person', 'aliases', 'manager', 'target', 'personId',
]);

/**
 * Build the plain-object context: person fields at the root (`costCenters` as a list of names),
 * `person` (the raw record), `custom`, `personId`, and the extras. In templates `id` is the map of
 * primary identifiers (`id.username`); the person id is `personId`.
 */
export function personContext(person: Person, extras: ContextExtras = {}): Record<string, unknown> {
  return {
    ...person,
    personId: person.id,
    costCenters: person.costCenters.map((c) => c.name),
    person,
    custom: person.custom,
    id: extras.id ?? {},
    aliases: extras.aliases ?? {},
    manager: extras.manager ?? null,
    lifecycle: extras.lifecycle ?? null,
    endDate: extras.endDate ?? null,
    target: extras.target ?? null,
  };
}
