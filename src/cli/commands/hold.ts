/** `cadre hold add|list|remove`: stop Cadre's operations for a person or one account, except disables. */
import { CadreError, EXIT } from '../../engine/errors.js';
import { addHold, listHolds, removeHold } from '../../engine/holds.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';

const USAGE = 'usage: cadre hold add PERSON [--target T] --reason TEXT [--until DATE] [--disable] | cadre hold list | cadre hold remove PERSON [--target T] [--reason TEXT]';

const actor = (): string => (process.env.USER ? `cli:${process.env.USER}` : 'cli');

export async function holdCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...commonOptions, target: { type: 'string', short: 't' }, reason: { type: 'string' }, until: { type: 'string' }, disable: { type: 'boolean' },
  }, true);
  const person = positionals[0];
  if (sub === 'list') {
    if (positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(configPath(values.config), async (engine) => {
      const holds = await listHolds(engine);
      if (values.json) { io.out(JSON.stringify(holds.map((h) => ({ ...h.hold, active: h.active })), null, 2)); return EXIT.ok; }
      if (holds.length === 0) { io.out('No holds.'); return EXIT.ok; }
      for (const { hold: h, active } of holds) {
        const state = active ? '' : io.c.dim(' (expired)');
        io.out(`person ${h.personId}  ${h.target ?? 'every target'}  ${h.reason}  — by ${h.actor} on ${h.createdAt}${h.until !== undefined ? `, until ${h.until}` : ''}${h.disable === true ? ', kept disabled' : ''}${state}`);
      }
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if ((sub !== 'add' && sub !== 'remove') || person === undefined || positionals.length > 1) throw new CadreError('USAGE', USAGE, EXIT.usage);
  if (sub === 'add' && values.reason === undefined) throw new CadreError('USAGE', `a hold needs --reason\n${USAGE}`, EXIT.usage);
  return withEngine(configPath(values.config), async (engine) => {
    const where = values.target !== undefined ? `in ${values.target}` : 'in every target';
    if (sub === 'add') {
      const hold = await addHold(engine, {
        personId: person, reason: values.reason ?? '', actor: actor(),
        ...(values.target !== undefined ? { target: values.target } : {}),
        ...(values.until !== undefined ? { until: values.until } : {}),
        ...(values.disable === true ? { disable: true } : {}),
      });
      if (values.json) io.out(JSON.stringify(hold, null, 2));
      else io.out(`person ${hold.personId} held ${where}${hold.until !== undefined ? ` until ${hold.until}` : ''}: only disables are applied.`);
      return EXIT.ok;
    }
    const removed = await removeHold(engine, { personId: person, actor: actor(), ...(values.target !== undefined ? { target: values.target } : {}), ...(values.reason !== undefined ? { reason: values.reason } : {}) });
    if (values.json) io.out(JSON.stringify(removed, null, 2));
    else io.out(`hold on person ${person} ${where} removed; the next plan catches up.`);
    return EXIT.ok;
  }, { storeOnly: true });
}
