/**
 * People whose new HR record fails validation keep their last good record (from the store), so a typo in
 * Personio never looks like a leaver or a mover. What the bad record still says about leaving counts: an end
 * date or status `inactive` that parsed is laid over the last good record, so access still closes on time.
 */
import type { Person, PersonProblem } from './model.js';

/** Persons plus the problems, with `keptLastGood` set on the problems whose person was kept. */
export interface LastGoodResult {
  readonly persons: Person[];
  readonly problems: PersonProblem[];
}

/** The last good record with the bad record's terminal signals laid over it. */
export function withTerminalSignals(last: Person, problem: PersonProblem): Person {
  const t = problem.terminal;
  if (!t) return last;
  return {
    ...last,
    ...(t.status === 'inactive' ? { status: 'inactive' as const } : {}),
    ...(t.terminationDate ? { terminationDate: t.terminationDate } : {}),
    ...(t.contractEndDate ? { contractEndDate: t.contractEndDate } : {}),
    ...(t.lastWorkingDay ? { lastWorkingDay: t.lastWorkingDay } : {}),
  };
}

/**
 * Replace every person with a failed record by their last good one. `persons` are the valid records of this
 * read (a person with a valid record is never replaced); `known` the stored records.
 */
export function keepLastGood(persons: readonly Person[], problems: readonly PersonProblem[], known: ReadonlyMap<string, Person>): LastGoodResult {
  const byId = new Map(persons.map((p) => [p.id, p]));
  const out: PersonProblem[] = [];
  for (const problem of problems) {
    const last = problem.personId === null ? undefined : known.get(problem.personId);
    if (!last || problem.personId === null) {
      out.push(problem);
      continue;
    }
    // A person delivered twice (once valid) keeps the valid record.
    if (byId.has(problem.personId)) {
      out.push(problem);
      continue;
    }
    byId.set(problem.personId, withTerminalSignals(last, problem));
    out.push({ ...problem, keptLastGood: true });
  }
  return { persons: [...byId.values()], problems: out };
}
