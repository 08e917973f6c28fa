/** The audit suite on the real PostgreSQL (fresh database per test). */
import { describe } from 'node:test';
import { postgresUrl } from '../support/postgres.js';
import { runAuditSuite } from './audit-suite.js';
import { postgresHarness } from './store-suite.js';

describe('audit log (postgres)', async () => {
  await postgresUrl();
  runAuditSuite(postgresHarness);
});
