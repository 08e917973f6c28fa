/**
 * `cadre init [--path FILE] [--force] [--personio-url URL]`: writes a fully commented example cadre.yaml
 * and its JSON Schema beside it (editor completion), then prints the next steps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { exampleConfig } from '../../config/example.js';
import { configJsonSchemaText } from '../../config/json-schema.js';
import { validateConfigText } from '../../config/load.js';
import { EXIT } from '../../engine/errors.js';
import { parse } from '../args.js';

/** Output channel (a subset of the CLI's Io). */
export interface CommandIo {
  out(s: string): void;
  err(s: string): void;
}

const SCHEMA_FILE = 'cadre.schema.json';

/** Write cadre.yaml (refusing to overwrite without --force) and cadre.schema.json. */
export async function initCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parse(args, {
    path: { type: 'string', short: 'p' },
    // Every command takes --config FILE (README); for init it names the file to write, like --path.
    config: { type: 'string' },
    force: { type: 'boolean', short: 'f' },
    'personio-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out('usage: cadre init [--path FILE] [--force] [--personio-url URL]');
    io.out('FILE defaults to --config, then $CADRE_CONFIG, then ./cadre.yaml (where the other commands look for it).');
    io.out('Writes a commented example config and cadre.schema.json beside it.');
    return EXIT.ok;
  }
  const file = resolve(values.path ?? values.config ?? (process.env.CADRE_CONFIG || 'cadre.yaml'));
  const dir = dirname(file);
  const schemaFile = join(dir, SCHEMA_FILE);
  const text = exampleConfig({
    ...(values['personio-url'] ? { personioUrl: values['personio-url'] } : {}),
    schemaPath: `./${SCHEMA_FILE}`,
  });
  // The example must always be valid; if it is not, that is a bug worth failing loudly on.
  const check = validateConfigText(text, file);
  if (check.problems.length > 0) {
    io.err(`internal error: the example config does not validate: ${check.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    return EXIT.failures;
  }

  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, text, { flag: values.force ? 'w' : 'wx', mode: 0o640 });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') {
      io.err(`${file} already exists; not overwriting it (use --force to replace it, or --path for another file)`);
      return EXIT.failures;
    }
    throw e;
  }
  writeFileSync(schemaFile, configJsonSchemaText());

  const name = basename(file);
  const cfgArg = file === resolve('cadre.yaml') ? '' : ` --config ${values.path ?? file}`;
  io.out(`Created ${file}`);
  io.out(`Created ${schemaFile} (editor completion: the YAML language server picks it up from the first line)`);
  io.out('');
  io.out('Next steps:');
  io.out('  1. Create Personio API credentials (Settings → Integrations → API credentials, read access to');
  io.out('     the employee attributes you use) and export them:');
  io.out('       export PERSONIO_CLIENT_ID=…  PERSONIO_CLIENT_SECRET=…');
  io.out(`  2. Edit ${name}: identifiers, targets, entitlement rules. Every option is explained in the file.`);
  io.out(`  3. cadre validate${cfgArg}        check it; every problem is shown with its line`);
  io.out(`  4. cadre plan${cfgArg}            see what would change; nothing is written until cadre apply`);
  io.out('');
  io.out('Cadre keeps its state in .cadre/ next to the config: keep it out of version control.');
  io.out('Want to see it work first? cadre demo runs a generated company against local SQLite targets.');
  return EXIT.ok;
}
