/**
 * Catalogue requests in the console (inject, seeded store): a manager requests for a transitive report; the same
 * form with the person id edited to someone outside the team is refused 403 on the server and audited; the
 * request shows on the requester's page and its detail page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWebHarness, type WebHarness } from '../support/web.js';

const extra = `catalog:
  items:
    - { id: finance, name: { en: Finance tool, de: Finanzwerkzeug }, target: erp, entitlement: "role:finance", owner: olga, approval: { stages: [{ by: owner }], justification: true } }
`;

describe('console: catalogue requests', () => {
  let h: WebHarness;
  before(async () => { h = await startWebHarness({ extra }); });
  after(async () => { await h?.close(); });

  test('a manager requests for a transitive report; a tampered person id outside the team is 403 and audited', async () => {
    const c = await h.signIn('manager');
    const page = await c.get('/requests');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Finance tool/);
    const ok = await c.post('/requests', { item: 'finance', personId: '4', justification: 'month end' });
    assert.equal(ok.statusCode, 303);
    const list = await c.get('/requests?created=1');
    assert.match(list.body, /href="\/requests\/1"/);
    assert.equal((await c.get('/requests/1')).statusCode, 200);
    const tampered = await c.post('/requests', { item: 'finance', personId: '5', justification: 'not mine' });
    assert.equal(tampered.statusCode, 403);
    const rows = await h.engine.store.audit.query({ event: 'request.created.refused', personId: '5' }, { limit: 5 });
    assert.equal(rows.length, 1);
    assert.match(JSON.stringify(rows[0]?.payload), /REQUEST_SCOPE/);
    assert.equal((await h.engine.store.requests.list({ personId: '5' })).length, 0);
    const missing = await c.post('/requests', { item: 'finance', personId: '3', justification: '' });
    assert.equal(missing.statusCode, 400, 'a fixable refusal re-renders the page');
    assert.match(missing.body, /needs a justification/);
  });
});
