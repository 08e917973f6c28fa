/** CLI entry: dispatches to one file per command and maps errors to exit codes. */
import { redactSecrets } from '../config/secrets.js';
import { CadreError, EXIT, exitCodeOf } from '../engine/errors.js';
import { hoistGlobalOptions } from './args.js';
import { createIo, type Io } from './io.js';

type Command = (args: string[], io: Io) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: { summary: 'write a commented example cadre.yaml (and its JSON Schema)', load: async () => (await import('./commands/init.js')).initCommand },
  validate: { summary: 'check cadre.yaml and report every problem with its path; --live: against the real systems', load: async () => (await import('./commands/validate.js')).validateCommand },
  plan: { summary: 'show what would change [--json] [--out FILE] [--at ISO] [--person ID]', load: async () => (await import('./commands/plan.js')).planCommand },
  apply: { summary: 'apply a saved plan FILE, or a fresh plan after confirmation [--yes] [--at ISO] [--approve [T:A,…]] [--no-wait]', load: async () => (await import('./commands/apply.js')).applyCommand },
  sync: { summary: 'plan and apply in one go [--at ISO] [--approve [T:A,…]] [--no-wait]', load: async () => (await import('./commands/sync.js')).syncCommand },
  run: { summary: 'daemon: poll Personio --every 30s, full sync --full-every 1h', load: async () => (await import('./commands/run.js')).runCommand },
  explain: { summary: 'explain PERSON: accounts, attributes, entitlements and the rule behind each', load: async () => (await import('./commands/explain.js')).explainCommand },
  hold: { summary: 'hold add PERSON [--target T] --reason TEXT [--until DATE] | hold list | hold remove PERSON: only disables for them', load: async () => (await import('./commands/hold.js')).holdCommand },
  override: { summary: 'override list [--person ID] | override remove PERSON --target T --attribute A: helpdesk edits kept over the rules', load: async () => (await import('./commands/override.js')).overrideCommand },
  review: { summary: 'review start TEMPLATE | list | report CAMPAIGN [--format table|csv|json] | close CAMPAIGN | exceptions | lift CAMPAIGN ITEM --reason TEXT: access review campaigns and their exceptions', load: async () => (await import('./commands/review.js')).reviewCommand },
  serve: { summary: 'web console + scheduler [--port N] [--host H] [--every 30s] [--full-every 1h] [--no-scheduler]', load: async () => (await import('./commands/serve.js')).serveCommand },
  users: { summary: 'users add USER --role R [--name N] [--person ID] | passwd USER | remove USER | list: console users', load: async () => (await import('./commands/users.js')).usersCommand },
  audit: { summary: 'audit verify | audit export --format csv|json|ndjson [--since --until --person --actor --event --target] | audit report [--since ISO]', load: async () => (await import('./commands/audit.js')).auditCommand },
  report: { summary: 'report orphans|leavers-enabled|access-matrix|licences|who-has ENTITLEMENT|helpdesk [--target T] [--since ISO] [--until ISO] [--format table|csv|json]', load: async () => (await import('./commands/report.js')).reportCommand },
  personio: { summary: 'personio webhooks register --url URL --token-env NAME [--events a,b] | list | remove ID: Personio v2 webhooks', load: async () => (await import('./commands/personio.js')).personioCommand },
  sim: { summary: 'sim personio | sim graph: run an API simulator', load: async () => simCommand },
  demo: { summary: 'generated company + simulator + SQLite targets, then watch joiners, movers and leavers', load: async () => (await import('./commands/demo.js')).demoCommand },
};

async function simCommand(args: string[], io: Io): Promise<number> {
  const [which, ...rest] = args;
  if (which === 'personio') return (await import('./commands/sim-personio.js')).simPersonioCommand(rest);
  if (which === 'graph') return (await import('./commands/sim-graph.js')).simGraphCommand(rest);
  io.err('usage: cadre sim personio|graph [options]');
  return EXIT.usage;
}

/**
 * `cadre <command> --help`: each command's full synopsis, the same flags the README's CLI reference lists
 * (`test/integration/readme-cli.test.ts` compares them). init, validate and sim print their own, longer help.
 */
const usage: Record<string, string> = {
  plan: 'plan [--json] [--out FILE] [--at ISO] [--person ID]',
  apply: 'apply [FILE] [--yes] [--at ISO] [--approve [TARGET:ACTION,…]] [--no-wait]',
  sync: 'sync [--at ISO] [--approve [TARGET:ACTION,…]] [--no-wait] [--quiet]',
  run: 'run [--every 30s] [--full-every 1h] [--metrics-port N] [--metrics-host H]',
  explain: 'explain PERSON [--at ISO] (Personio id, e-mail or reserved username)',
  hold: 'hold add PERSON [--target T] --reason TEXT [--until DATE] [--disable] | hold list [--json] | hold remove PERSON [--target T] [--reason TEXT]',
  override: 'override list [--person ID] [--json] | override remove PERSON --target T --attribute A [--reason TEXT]',
  review: 'review start TEMPLATE | review list [--json] | review report CAMPAIGN [--format table|csv|json] | review close CAMPAIGN | review exceptions [--json] | review lift CAMPAIGN ITEM --reason TEXT',
  serve: 'serve [--port N] [--host H] [--every 30s] [--full-every 1h] [--no-scheduler]',
  users: 'users add USER --role admin|helpdesk|manager|auditor [--name N] [--person ID] [--password-stdin] | users passwd USER [--password-stdin] | users remove USER | users list [--json]',
  audit: 'audit verify | audit export --format csv|json|ndjson [--out FILE] [--since ISO] [--until ISO] [--person ID] [--actor A] [--event NAME] [--target T] | audit report [--since ISO] [--until ISO] [--json]',
  report: 'report orphans|leavers-enabled|access-matrix|licences|who-has ENTITLEMENT|helpdesk [--target T] [--since ISO] [--until ISO] [--format table|csv|json] [--stored]',
  personio: 'personio webhooks register --url URL --token-env NAME [--events a,b] [--json] | personio webhooks list | personio webhooks remove ID',
  demo: 'demo [--people N] [--tick 8s] [--days N] [--seed S] [--port 8080] [--no-web] [--dir DIR] [--keep]',
};

function help(io: Io): void {
  io.out('cadre — identity lifecycle engine: Personio → rules → plan → apply\n\nUsage: cadre <command> [options]\n\nCommands:');
  for (const [name, c] of Object.entries(commands)) io.out(`  ${name.padEnd(10)} ${c.summary}`);
  io.out('\nCommon options, before or after the command: --config FILE (default ./cadre.yaml or $CADRE_CONFIG), --json, --no-color');
  io.out('Exit codes: 0 ok, 1 operation failures, 2 invalid config or usage, 3 blocked by a threshold, 4 source unusable, 5 another run is in progress');
}

/** Run the CLI; returns the exit code. */
export async function main(rawArgv: string[]): Promise<number> {
  const noColor = rawArgv.includes('--no-color') || rawArgv.includes('--json');
  const io = createIo(noColor ? { color: false } : {});
  let argv: string[];
  try {
    argv = hoistGlobalOptions(rawArgv);
  } catch (err) {
    io.err(io.c.red(`error: USAGE: ${(err as Error).message}`));
    return EXIT.usage;
  }
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === 'version') {
    io.out('cadre 0.1.0');
    return EXIT.ok;
  }
  if (name.startsWith('-')) {
    io.err('no command given');
    help(io);
    return EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command "${name}"`);
    help(io);
    return EXIT.usage;
  }
  const synopsis = usage[name];
  if (synopsis !== undefined && (args.includes('--help') || args.includes('-h'))) {
    io.out(`usage: cadre ${synopsis}`);
    io.out('Common options: --config FILE (default ./cadre.yaml or $CADRE_CONFIG), --json, --no-color');
    return EXIT.ok;
  }
  try {
    const run = await command.load();
    return await run(args, io);
  } catch (err) {
    io.progressDone();
    const code = exitCodeOf(err);
    const problems = (err as { problems?: { path: string; message: string; line?: number }[] }).problems;
    const message = redactSecrets(err instanceof Error ? err.message : String(err));
    if (problems && problems.length > 0) {
      // ConfigError's message already lists every problem as `file:line  path: message`.
      io.err(io.c.red(message));
      io.err('Run `cadre validate` for the full report.');
    } else {
      const tag = err instanceof CadreError || (err as { code?: unknown }).code ? `${String((err as { code: unknown }).code)}: ` : '';
      io.err(io.c.red(`error: ${tag}${message}`));
      if (code === EXIT.failures && process.env.CADRE_DEBUG && err instanceof Error) io.err(err.stack ?? '');
    }
    return code;
  }
}
