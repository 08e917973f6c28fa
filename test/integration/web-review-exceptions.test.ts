/**
 * Review exceptions in the console (inject, seeded store): a closed campaign removed a rule grant and an unmanaged
 * role; the exceptions page lists both for admins (with Lift), the rule's owner sees the flagged rule grant (no Lift),
 * anyone else sees nothing; lifting needs a reason, is for admins only (403 otherwise) and is audited; afterwards the
 * exception is gone from the list and the campaign report names the lift.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWebHarness, type WebHarness } from '../support/web.js';

const extra = `reviews:
  templates: [{ id: q4, name: Q4, reviewers: { fallback: test-admin } }]
  ruleOwners: { sales: { owner: test-manager, mail: sales-it@example.com } }
`;
const C = 'q4-2026-06-01-abcdef';

describe('console: review exceptions', () => {
  let h: WebHarness;
  before(async () => {
    h = await startWebHarness({ extra });
    await h.engine.store.reviews.addCampaign(
      { id: C, template: 'q4', name: 'Q4', startedBy: 'web:test-admin', startedAt: '2026-06-01T09:00:00.000Z', deadline: '2026-06-14T09:00:00.000Z', status: 'closed', defaultDecision: 'keep', closedAt: '2026-06-14T09:00:00.000Z', closedBy: 'cadre-daemon' },
      [
        { seq: 1, personId: '3', personName: 'Erika Beispiel', target: 'erp', entitlement: 'role:sales', reasonKind: 'rule', reasonSource: 'sales', reasonText: 'department = Sales', reviewer: 'person:2', decision: 'remove', comment: 'moved to support', decidedBy: 'web:test-manager', decidedAt: '2026-06-02T09:00:00.000Z' },
        { seq: 2, personId: '3', personName: 'Erika Beispiel', target: 'erp', entitlement: 'role:vpn', reasonKind: 'unmanaged', reasonSource: '', reasonText: 'found', reviewer: 'person:2', decision: 'remove', comment: '<b>no</b> VPN', decidedBy: 'web:test-manager', decidedAt: '2026-06-02T09:00:00.000Z' },
        { seq: 3, personId: '3', personName: 'Erika Beispiel', target: 'erp', entitlement: 'role:staff', reasonKind: 'rule', reasonSource: 'all-staff', reasonText: 'everyone', reviewer: 'person:2', decision: 'keep', comment: '', decidedBy: 'web:test-manager', decidedAt: '2026-06-02T09:00:00.000Z' },
      ],
    );
  });
  after(async () => { await h?.close(); });

  test('admins see and lift; the rule owner sees the flag; others see nothing; lifting is audited', async () => {
    const admin = await h.signIn('admin');
    const page = await admin.get('/reviews/exceptions');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /role:sales/);
    assert.match(page.body, /role:vpn/);
    assert.doesNotMatch(page.body, /role:staff/, 'a kept item is no exception');
    assert.match(page.body, /test-manager/, 'the rule owner is named');
    assert.match(page.body, /&lt;b&gt;no&lt;\/b&gt; VPN/, 'escaped');
    assert.match(page.body, new RegExp(`action="/reviews/${C}/items/1/lift"`));
    assert.match((await admin.get('/reviews')).body, /href="\/reviews\/exceptions"/, 'the reviews page links to the list');

    const owner = await h.signIn('manager');
    const mine = await owner.get('/reviews/exceptions');
    assert.equal(mine.statusCode, 200);
    assert.match(mine.body, /role:sales/, 'the owner of rule sales sees its flagged removal');
    assert.doesNotMatch(mine.body, /role:vpn/, 'an unmanaged removal is for admins');
    assert.doesNotMatch(mine.body, /\/lift"/, 'no Lift for the owner');
    assert.equal((await owner.post(`/reviews/${C}/items/1/lift`, { reason: 'mine' })).statusCode, 403, 'only admins lift');
    const other = await h.signIn('helpdesk');
    assert.doesNotMatch((await other.get('/reviews/exceptions')).body, /role:sales/);

    const noReason = await admin.post(`/reviews/${C}/items/1/lift`, { reason: '  ' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /needs a reason/);
    assert.equal((await admin.post(`/reviews/${C}/items/3/lift`, { reason: 'x' })).statusCode, 400, 'a kept item cannot be lifted');
    assert.equal((await admin.post(`/reviews/${C}/items/9/lift`, { reason: 'x' })).statusCode, 404);
    const lifted = await admin.post(`/reviews/${C}/items/1/lift`, { reason: 'back in sales after all' });
    assert.equal(lifted.statusCode, 303);
    assert.equal(lifted.headers.location, '/reviews/exceptions?done=lifted');
    const after1 = await admin.get('/reviews/exceptions?done=lifted');
    assert.match(after1.body, /Exception lifted/);
    assert.doesNotMatch(after1.body, /role:sales/);
    assert.match(after1.body, /role:vpn/);
    assert.equal((await admin.post(`/reviews/${C}/items/1/lift`, { reason: 'again' })).statusCode, 400, 'lifted once');

    const rows = await h.engine.store.audit.query({ event: 'review.lifted' }, { limit: 5 });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.actor, 'web:test-admin');
    assert.match(rows[0]?.payload ?? '', /back in sales after all/);
    const report = await admin.get(`/reviews/${C}`);
    assert.match(report.body, /exception lifted by web:test-admin/);
    const json = JSON.parse((await admin.get(`/reviews/${C}/export.json`)).body) as { items: { item: string; liftedBy: string; liftReason: string }[] };
    assert.deepEqual(json.items.find((r) => r.item === '1'), { ...json.items.find((r) => r.item === '1'), liftedBy: 'web:test-admin', liftReason: 'back in sales after all' });
  });
});
