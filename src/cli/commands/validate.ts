/**
 * `cadre validate [--config FILE] [--json] [--no-secrets] [--live]`: prints every problem in the config as
 * `file:line  path: message` (or JSON). With `--live` it also connects to the source and every target
 * (credentials, permissions, OUs, groups, licences, indexes). Exit 0 when valid, 2 otherwise.
 */
import { relative } from 'node:path';
import { formatProblem, loadConfig } from '../../config/load.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { credentialKey, keySource } from '../../engine/credentials/seal.js';
import { checkLive, type SystemFinding } from '../../engine/live-check.js';
import { describeSmtp } from '../../config/schema-notifications.js';
import { configPath, parse } from '../args.js';
import type { CommandIo } from './init.js';

/** Validate the config file and report every problem. */
export async function validateCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
    'no-secrets': { type: 'boolean' },
    live: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out('usage: cadre validate [--config FILE] [--json] [--no-secrets] [--live]');
    io.out('  --no-secrets  do not resolve env:/file: references (e.g. in CI without the secrets)');
    io.out('  --live        also connect to Personio and every target: credentials, permissions, OUs, groups, licences, indexes');
    return EXIT.ok;
  }
  if (values.live && values['no-secrets']) throw new CadreError('USAGE', '--live needs the secrets to connect: drop --no-secrets', EXIT.usage);
  const file = configPath(values.config);
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file) || file;
  const { config, problems } = await loadConfig(file, { resolveSecrets: !values['no-secrets'] });
  const valid = config !== undefined && problems.length === 0;

  const live = valid && values.live ? await checkLive(config) : undefined;
  const liveOk = live === undefined || !live.some((f) => f.severity === 'error');
  if (values.json) {
    io.out(JSON.stringify({ file: shown, valid: valid && liveOk, problems, ...(live ? { live } : {}) }, null, 2));
    return valid && liveOk ? EXIT.ok : EXIT.usage;
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
  const n = config.notifications;
  io.out(`  notifications: ${n.smtp ? describeSmtp(n.smtp) : 'off (no smtp configured)'}`);
  if (n.smtp?.allowPlain && !n.smtp.secure) {
    io.out('    ! allowPlain: true — without STARTTLS from the server, mails (names, accounts) and the SMTP credentials travel unencrypted. Use it only for a relay on the same host.');
  }
  if (n.smtp) io.out(`    password delivery: ${n.passwordDelivery}; default language: ${n.defaultLanguage}${n.digest ? `; digest at ${n.digest.at} (${config.lifecycle.timezone}) to ${n.digest.to.length} recipient(s)` : ''}`);
  const managesPasswords = Object.values(config.targets).some((t) => t.enabled && t.password);
  if (managesPasswords && n.passwordDelivery !== 'mail-separate' && !values['no-secrets'] && credentialKey(config) === undefined) {
    io.out(`  ! first passwords: ${keySource(config)} is not set (or shorter than 32 characters), so initial passwords${n.passwordDelivery === 'tap' ? ' and Temporary Access Passes' : ''} cannot be kept for the console's New hire credentials: they are lost and the helpdesk has to reset them. Set it for every process that syncs (cadre sync, run, serve).`);
  }
  if (values['no-secrets']) io.out('  (secret references were not resolved: --no-secrets)');
  if (!live) return EXIT.ok;
  printLive(live, io);
  return liveOk ? EXIT.ok : EXIT.usage;
}

function printLive(findings: readonly SystemFinding[], io: CommandIo): void {
  io.out('\nLive checks:');
  const systems = [...new Set(findings.map((f) => f.system))];
  for (const system of systems) {
    io.out(`  ${system}`);
    for (const f of findings.filter((x) => x.system === system)) {
      const mark = f.severity === 'ok' ? '✓' : f.severity === 'warning' ? '!' : '✗';
      io.out(`    ${mark} ${f.severity === 'ok' ? f.message : `${f.code}: ${f.message}`}`);
      if (f.hint) io.out(`      → ${f.hint}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  io.out(errors === 0 ? `\nReady: ${warnings > 0 ? `${warnings} warning(s); ` : ''}run \`cadre plan\` next.` : `\n${errors} error(s), ${warnings} warning(s): fix them before the first plan.`);
}
