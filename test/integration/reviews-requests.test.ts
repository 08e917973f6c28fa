/**
 * A review removing a request grant (SQLite store, SQL-table target): the request is revoked (`request.revoked`),
 * and the next plan revokes the grant naming the request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { closeCampaign, decideItem, startCampaign } from '../../src/engine/reviews/index.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

const extra = `catalog:
  items:
    - { id: finance-role, name: Finance role, target: erp, entitlement: "role:finance", owner: root, approval: { stages: [{ by: owner }] }, duration: { kind: none } }
reviews:
  templates:
    - { id: requests, name: Requests, scope: { requestGrantsOnly: true }, reviewers: { fallback: root } }
`;

describe('a review removes a request grant', () => {
  let dir: string;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-reviews-requests-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee({ id: 1, first: 'Rita', last: 'Request', department: 'Sales', office: 'Berlin' })] });
    engine = await openEngine(await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: personio.url, extra })));
    await fullSync(engine, { actor: 'test' });
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the request is revoked and the plan revokes the grant naming it', async () => {
    const now = engine.now().toISOString();
    const id = await engine.store.requests.add({ item: 'finance-role', personId: '1', requester: 'web:mia', justification: 'quarter close', status: 'approved', stage: 0, createdAt: now, decidedAt: now });
    const granted = await fullSync(engine, { actor: 'test' });
    assert.deepEqual(granted.prepared.plan.operations.map((o) => [o.action, o.entitlement]), [['grant', 'role:finance']]);
    const { campaign, items } = await startCampaign(engine, { template: 'requests', actor: 'cli:root' });
    assert.deepEqual(items.map((i) => [i.entitlement, i.reasonKind, i.reasonSource]), [['role:finance', 'request', `#${id}`]]);
    await decideItem(engine, { campaignId: campaign.id, seq: 1, decision: 'remove', comment: 'quarter is closed', principal: { id: 'root', role: 'admin' }, actor: 'web:root' });
    await closeCampaign(engine, { campaignId: campaign.id, actor: 'web:root' });
    assert.equal((await engine.store.requests.get(id))?.status, 'revoked');
    const revoked = await fullSync(engine, { actor: 'test' });
    assert.deepEqual(revoked.prepared.plan.operations.map((o) => [o.action, o.entitlement]), [['revoke', 'role:finance']]);
    assert.match(revoked.prepared.plan.operations[0]?.reason.detail ?? '', new RegExp(`request #${id}`));
    assert.deepEqual(await engine.store.overrides.byPerson('1'), []);
  });
});
