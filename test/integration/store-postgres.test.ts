/** The shared store suite on the real PostgreSQL (fresh database per test), plus PostgreSQL-specific behaviour. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStore } from '../../src/store/index.js';
import { freshDatabase, postgresUrl } from '../support/postgres.js';
import { migrateFromProcesses, postgresHarness, runStoreSuite } from './store-suite.js';

describe('store (postgres)', async () => {
  await postgresUrl();
  runStoreSuite(postgresHarness);

  test('three processes migrating a fresh database at once all succeed', async () => {
    const db = await freshDatabase('cadre_migrate');
    try {
      await migrateFromProcesses({ driver: 'postgres', url: db.url, poolSize: 2 }, 3);
      const store = await createStore({ driver: 'postgres', url: db.url, poolSize: 2 });
      assert.equal(await store.persons.count(), 3);
      await store.close();
    } finally {
      await db.drop();
    }
  });

  test('an unreachable server is STORE_UNAVAILABLE naming host:port, never the password', async () => {
    await assert.rejects(createStore({ driver: 'postgres', url: 'postgres://cadre:S3cr3t-pw@127.0.0.1:1/cadre', poolSize: 2 }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'STORE_UNAVAILABLE');
      assert.match((e as Error).message, /127\.0\.0\.1:1/);
      assert.doesNotMatch((e as Error).message, /S3cr3t/);
      return true;
    });
  });

  test('a missing database is STORE_UNAVAILABLE', async () => {
    const url = new URL(await postgresUrl());
    url.pathname = '/cadre_does_not_exist';
    await assert.rejects(createStore({ driver: 'postgres', url: url.toString(), poolSize: 2 }), { code: 'STORE_UNAVAILABLE' });
  });
});
