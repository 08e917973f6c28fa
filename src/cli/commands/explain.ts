/** `cadre explain PERSON`: every account, attribute and entitlement of a person and the rule behind it. */
import { explainPerson, formatExplanation } from '../../core/index.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { preparePlan } from '../../engine/planning.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';
import { parseAt } from './plan.js';

export async function explainCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...commonOptions, at: { type: 'string' } }, true);
  const query = positionals[0];
  if (!query || positionals.length > 1) throw new CadreError('USAGE', 'usage: cadre explain PERSON (Personio id, e-mail or reserved username)', EXIT.usage);
  const at = parseAt(values.at);
  return withEngine(configPath(values.config), async (engine) => {
    const prepared = await preparePlan(engine, { ...(at ? { at } : {}), progress: (s, d, t) => io.progress(s, d, t) });
    io.progressDone();
    const q = query.toLowerCase();
    const person = prepared.snapshot.persons.find((p) => p.id === query || p.email?.toLowerCase() === q)
      ?? prepared.snapshot.persons.find((p) => prepared.input.reservations.some((r) => r.personId === p.id && r.value.toLowerCase() === q));
    if (!person) {
      const problem = prepared.snapshot.problems.find((p) => p.personId === query);
      if (problem) {
        io.out(`${problem.label} is not managed because the HR record is invalid:\n${problem.messages.map((m) => `  - ${m}`).join('\n')}`);
        return EXIT.ok;
      }
      throw new CadreError('NOT_FOUND', `no person matches "${query}" (try the Personio id, e-mail or username)`, EXIT.usage);
    }
    const explanation = explainPerson(person.id, prepared.input);
    io.out(values.json ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation));
    return EXIT.ok;
  });
}
