/**
 * Writes schema/cadre.schema.json from the zod config schema.
 * usage: npx tsx scripts/gen-schema.ts [--check]   (--check: exit 1 if the committed file is stale)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../src/config/json-schema.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'cadre.schema.json');
const text = configJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write(`${file} is stale: run npx tsx scripts/gen-schema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
} else {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
