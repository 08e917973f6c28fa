/** The audit suite on SQLite. */
import { describe } from 'node:test';
import { runAuditSuite } from './audit-suite.js';
import { sqliteHarness } from './store-suite.js';

describe('audit log (sqlite)', () => {
  runAuditSuite(sqliteHarness);
});
