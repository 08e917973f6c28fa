/**
 * The shared target conformance suite, run against the SCIM connector and a real SCIM server (scimmy +
 * scimmy-routers, its own process): once with PATCH, once with PATCH switched off (PUT, read-modify-write)
 * and ETags on, with a page cap below the connector's page size (the server returns fewer than asked).
 */
import { runConformanceSuite } from '../../src/targets/conformance/index.js';
import { scimHarness } from '../support/scim-harness.js';

runConformanceSuite('scim (scimmy, PATCH)', () => scimHarness(), { listSize: 60, pageSize: 25 });
runConformanceSuite('scim (scimmy, PUT fallback, ETags, pages capped at 10)', () => scimHarness({ noPatch: true, etag: true, maxPage: 10 }), { listSize: 60, pageSize: 25 });
