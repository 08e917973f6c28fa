/** `cadre override list|remove`: the helpdesk's edits and group changes the planner keeps over the rules. */
import { CadreError, EXIT } from '../../engine/errors.js';
import { listOverrides, removeOverride } from '../../engine/overrides.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';

const USAGE = 'usage: cadre override list [--person ID] [--json] | cadre override remove PERSON --target T --attribute A [--reason TEXT]';

const actor = (): string => (process.env.USER ? `cli:${process.env.USER}` : 'cli');

export async function overrideCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...commonOptions, person: { type: 'string' }, target: { type: 'string', short: 't' }, attribute: { type: 'string', short: 'a' }, reason: { type: 'string' },
  }, true);
  if (sub === 'list') {
    if (positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(configPath(values.config), async (engine) => {
      const list = await listOverrides(engine, values.person);
      if (values.json) { io.out(JSON.stringify(list.map((x) => ({ ...x.override, active: x.active })), null, 2)); return EXIT.ok; }
      if (list.length === 0) { io.out('No overrides.'); return EXIT.ok; }
      for (const { override: o, active } of list) {
        io.out(`person ${o.personId}  ${o.target}  ${o.attribute} = ${JSON.stringify(o.value)}  — by ${o.actor} on ${o.createdAt}${o.expiresAt !== undefined ? `, until ${o.expiresAt}` : ''}${o.reason ? `: ${o.reason}` : ''}${active ? '' : io.c.dim(' (expired)')}`);
      }
      return EXIT.ok;
    }, { storeOnly: true });
  }
  const person = positionals[0];
  if (sub !== 'remove' || person === undefined || positionals.length > 1 || values.target === undefined || values.attribute === undefined) {
    throw new CadreError('USAGE', USAGE, EXIT.usage);
  }
  const target = values.target;
  const attribute = values.attribute;
  return withEngine(configPath(values.config), async (engine) => {
    const removed = await removeOverride(engine, { personId: person, target, attribute, actor: actor(), ...(values.reason !== undefined ? { reason: values.reason } : {}) });
    if (values.json) io.out(JSON.stringify(removed, null, 2));
    else io.out(`override of ${attribute} for person ${person} in ${target} removed; the rules decide it again from the next plan.`);
    return EXIT.ok;
  }, { storeOnly: true });
}
