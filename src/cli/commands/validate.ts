/**
 * `cadre validate [--config FILE] [--json] [--no-secrets]`: prints every problem in the config as
 * `file:line  path: message` (or JSON). Exit 0 when valid, 2 otherwise.
 */
import { relative } from 'node:path';
import { formatProblem, loadConfig } from '../../config/load.js';
import { EXIT } from '../../engine/errors.js';
import { configPath, parse } from '../args.js';
import type { CommandIo } from './init.js';

/** Validate the config file and report every problem. */
export async function validateCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
    'no-secrets': { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out('usage: cadre validate [--config FILE] [--json] [--no-secrets]');
    io.out('  --no-secrets  do not resolve env:/file: references (e.g. in CI without the secrets)');
    return EXIT.ok;
  }
  const file = configPath(values.config);
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file) || file;
  const { config, problems } = await loadConfig(file, { resolveSecrets: !values['no-secrets'] });
  const valid = config !== undefined && problems.length === 0;

  if (values.json) {
    io.out(JSON.stringify({ file: shown, valid, problems }, null, 2));
    return valid ? EXIT.ok : EXIT.usage;
  }
  if (!valid) {
    for (const p of problems) io.out(formatProblem(p, shown));
    io.err(`\n${shown}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return EXIT.usage;
  }
  const targets = Object.entries(config.targets).map(([n, t]) => `${n} (${t.type}${t.enabled ? '' : ', disabled'})`);
  io.out(`${shown} is valid`);
  io.out(`  source:       personio ${config.source.baseUrl}`);
  io.out(`  store:        ${config.store.driver}`);
  io.out(`  targets:      ${targets.join(', ')}`);
  io.out(`  identifiers:  ${Object.keys(config.identifiers).join(', ') || 'none'}`);
  io.out(`  entitlements: ${config.entitlements.length} rule${config.entitlements.length === 1 ? '' : 's'}`);
  io.out(`  notifications: ${config.notifications.smtp ? `smtp ${config.notifications.smtp.host}` : 'off (no smtp configured)'}`);
  if (values['no-secrets']) io.out('  (secret references were not resolved: --no-secrets)');
  return EXIT.ok;
}
