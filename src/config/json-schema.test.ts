import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, configJsonSchemaText } from './json-schema.js';
import { configGuard } from './schema.js';

const committed = fileURLToPath(new URL('../../schema/cadre.schema.json', import.meta.url));

test('the committed schema/cadre.schema.json equals the generated one (run: npx tsx scripts/gen-schema.ts)', () => {
  assert.equal(readFileSync(committed, 'utf8'), configJsonSchemaText());
});

test('the JSON schema covers every top-level key, requires source and targets, forbids unknown keys', () => {
  const s = configJsonSchema();
  const props = s.properties as Record<string, { description?: string }>;
  assert.deepEqual(Object.keys(props).sort(), Object.keys(configGuard.shape).sort());
  assert.deepEqual([...(s.required as string[])].sort(), ['source', 'targets']);
  assert.equal(s.additionalProperties, false);
  assert.match(props.source?.description ?? '', /Personio/);
  assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
});
