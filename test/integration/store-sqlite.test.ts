/** The shared store suite on SQLite (temp file), plus SQLite-specific behaviour. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { migrateFromProcesses, runStoreSuite, sqliteHarness, withHarness } from './store-suite.js';

describe('store (sqlite)', () => {
  runStoreSuite(sqliteHarness);

  test('uses WAL and a busy timeout', () => withHarness(sqliteHarness, async (h) => {
    const [mode] = await h.raw('PRAGMA journal_mode');
    assert.equal(mode?.journal_mode, 'wal');
  }));

  test('three processes migrating a fresh file at once all succeed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadre-migrate-'));
    try {
      const path = join(dir, 'cadre.db');
      await migrateFromProcesses({ driver: 'sqlite', path }, 3);
      const store = await createStore({ driver: 'sqlite', path });
      assert.equal(await store.persons.count(), 3);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unopenable file is STORE_UNAVAILABLE', async () => {
    await assert.rejects(createStore({ driver: 'sqlite', path: '/dev/null/cadre.db' }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'STORE_UNAVAILABLE');
      assert.match((e as Error).message, /\/dev\/null\/cadre\.db/);
      return true;
    });
  });
});
