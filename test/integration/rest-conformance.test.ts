/**
 * The shared target conformance suite, run against the REST webhook connector and the signature-checking
 * receiver (test/support/rest-receiver.ts): once with every optional request declared and offset paging, once
 * write-minimal (create/update/delete only: no enable or entitlements) with next-link paging and a find URL.
 */
import { runConformanceSuite } from '../../src/targets/conformance/index.js';
import { restHarness } from '../support/rest-harness.js';

runConformanceSuite('rest (offset paging, every action)', () => restHarness(), { listSize: 60, pageSize: 25 });
runConformanceSuite('rest (next links, find URL, create/update/delete only)', () => restHarness({ full: false, nextLink: true }), { listSize: 60, pageSize: 25 });
