/** `cadre plan`: compute what would change, as of now or `--at`, without changing anything. */
import { writeFileSync } from 'node:fs';
import { formatPlan } from '../../core/index.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { preparePlan } from '../../engine/planning.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';

/** Parse `--at`: a full ISO instant or a date (taken as local noon in the lifecycle zone's day). */
export function parseAt(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(t)) throw new CadreError('USAGE', `--at: "${value}" is not an ISO date or date-time (e.g. 2026-04-01 or 2026-04-01T08:00:00Z)`, EXIT.usage);
  return new Date(t).toISOString();
}

export async function planCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...commonOptions, out: { type: 'string', short: 'o' }, at: { type: 'string' }, person: { type: 'string', multiple: true } });
  const at = parseAt(values.at);
  return withEngine(configPath(values.config), async (engine) => {
    const people = values.person;
    const prepared = await preparePlan(engine, {
      ...(at ? { at } : {}),
      ...(people && people.length > 0 ? { onlyPersons: people } : {}),
      progress: (stage, d, t) => io.progress(stage, d, t),
    });
    io.progressDone();
    if (people && people.length > 0) {
      // A typo must not read as "no changes": a person is known from Personio or from Cadre's own records.
      const known = new Set(prepared.snapshot.persons.map((p) => p.id));
      const unknown: string[] = [];
      for (const id of people) if (!known.has(id) && !(await engine.store.persons.get(id))) unknown.push(id);
      if (unknown.length > 0) throw new CadreError('NOT_FOUND', `no person with Personio id ${unknown.join(', ')} (--person takes Personio ids; \`cadre explain\` also finds people by e-mail or username)`, EXIT.usage);
    }
    const { plan } = prepared;
    // The scope is saved with the plan so `apply FILE` can recompute the same plan to check staleness; a plan for
    // another instant is marked as a preview, which `apply` refuses without that same `--at`.
    if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...plan, scope: people ?? null, preview: at !== undefined }, null, 2)}\n`);
    if (values.json) io.out(JSON.stringify(plan, null, 2));
    else {
      io.out(formatPlan(plan, { color: io.color }));
      if (values.out) io.out(`\nSaved this plan to ${values.out}. Apply exactly this plan with: cadre apply ${values.out}${at ? ` --at ${at}` : ''}`);
    }
    if ((plan.blockers ?? []).length > 0) return EXIT.usage;
    return plan.breaches.length > 0 ? EXIT.blocked : EXIT.ok;
  });
}
