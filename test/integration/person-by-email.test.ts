/** findPersonByEmail over a real SQLite store: case-insensitive, exact otherwise, and ambiguity is reported. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { person } from '../../src/core/test-support.js';
import { findPersonByEmail } from '../../src/engine/person-by-email.js';
import { createStore } from '../../src/store/index.js';

test('a person by e-mail: case-insensitive, none, ambiguous', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-person-by-email-'));
  const store = await createStore({ driver: 'sqlite', path: join(dir, 'cadre.db') });
  try {
    await store.migrate();
    await store.persons.upsertMany([
      person('1', { email: 'Mia.Manager@Example.com' }),
      person('2', { email: 'twin@example.com' }),
      person('3', { email: 'TWIN@example.com' }),
      person('4', {}),
    ]);
    const engine = { store };
    const found = await findPersonByEmail(engine, '  mia.manager@example.COM ');
    assert.equal(found.kind === 'found' && found.person.id, '1');
    assert.deepEqual(await findPersonByEmail(engine, 'mia.manager@example.org'), { kind: 'none' });
    assert.deepEqual(await findPersonByEmail(engine, 'mia.manager'), { kind: 'none' });
    assert.deepEqual(await findPersonByEmail(engine, ''), { kind: 'none' });
    assert.deepEqual(await findPersonByEmail(engine, 'twin@example.com'), { kind: 'ambiguous', personIds: ['2', '3'] });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
