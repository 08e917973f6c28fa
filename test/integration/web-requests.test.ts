/**
 * Catalogue requests in the console (inject, seeded store): a manager requests for a transitive report; the same
 * form with the person id edited to someone outside the team is refused 403 on the server and audited; the
 * request shows on the requester's page and its detail page. "My people" lists the manager's direct and transitive
 * reports and nobody else; the person picker searches within the scope on the server; the delegate form delegates
 * (to oneself and to unknown users refused), and a delegate does not stand in for the requester's own stage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWebHarness, type WebHarness } from '../support/web.js';

const people = (body: string): string[] => [...body.matchAll(/<article class="person-access" data-person="([^"]+)"/g)].map((m) => m[1] as string);
const choices = (body: string): string[] => [...body.matchAll(/name="personId" value="([^"]+)"/g)].map((m) => m[1] as string);

const extra = `catalog:
  items:
    - { id: finance, name: { en: Finance tool, de: Finanzwerkzeug }, target: erp, entitlement: "role:finance", owner: olga, approval: { stages: [{ by: owner }], justification: true } }
    - { id: crm, name: CRM, target: erp, entitlement: "role:finance", owner: olga, approval: { stages: [{ by: manager }], justification: false } }
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

  test('My people: direct and transitive reports with their access and why, a request button each; nobody outside the scope', async () => {
    const c = await h.signIn('manager');
    const page = await c.get('/people');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(people(page.body), ['3', '4'], 'Rita (direct) and Theo (through Rita); not Otto, Clara or the manager');
    assert.match(page.body, /direct report/);
    assert.match(page.body, /reports to Rita Report/);
    assert.match(page.body, /<form method="get" action="\/requests"><input type="hidden" name="personId" value="3">/);
    for (const role of ['helpdesk', 'auditor', 'admin'] as const) assert.equal((await (await h.signIn(role)).get('/people')).statusCode, 403, role);
  });

  test('the person picker searches within the manager\'s scope on the server', async () => {
    const c = await h.signIn('manager');
    assert.deepEqual(choices((await c.get('/requests')).body), ['3', '4'], 'no search: the people in scope');
    assert.deepEqual(choices((await c.get('/requests?q=theo')).body), ['4']);
    assert.deepEqual(choices((await c.get('/requests?q=otto')).body), [], 'Otto exists but is outside the scope');
    assert.deepEqual(choices((await c.get('/requests?personId=5')).body), ['3', '4'], 'a person id outside the scope is not offered');
    assert.match((await c.get('/requests?personId=4&item=crm')).body, /value="4" required checked/);
    const admin = await h.signIn('admin');
    assert.deepEqual(choices((await admin.get('/requests?q=otto')).body), ['5'], 'an admin searches everyone');
  });

  test('delegation in the console: saved and listed; oneself and unknown users refused; no standing in for the requester', async () => {
    const manager = await h.signIn('manager');
    const to = h.users.helpdesk.username;
    assert.equal((await manager.post('/requests/delegate', { to: h.users.manager.username, until: '2026-06-30' })).statusCode, 400);
    const unknown = await manager.post('/requests/delegate', { to: 'nobody-here', until: '2026-06-30' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /no user or person nobody-here/);
    assert.equal((await manager.post('/requests/delegate', { to, until: '2026-06-01' })).statusCode, 400, 'the past');
    assert.equal((await manager.post('/requests/delegate', { to, until: '2026-06-30' })).statusCode, 303);
    const page = await manager.get('/requests?delegated=1');
    assert.match(page.body, /Delegation saved/);
    assert.match(page.body, new RegExp(`<ul class="delegations-given"><li>${to}: `));
    const helpdesk = await h.signIn('helpdesk');
    assert.match((await helpdesk.get('/requests')).body, /<ul class="delegations-received"><li>/);
    // The manager requests crm (first stage: the manager) for Rita: the manager may not decide it, nor may their delegate.
    assert.equal((await manager.post('/requests', { item: 'crm', personId: '3', justification: '' })).statusCode, 303);
    const [r] = (await h.engine.store.requests.list({ personId: '3', status: ['pending'] })).filter((x) => x.item === 'crm');
    assert.ok(r);
    assert.equal((await manager.post(`/requests/${r.id}/decide`, { decision: 'approve' })).statusCode, 403, 'own request');
    assert.equal((await helpdesk.post(`/requests/${r.id}/decide`, { decision: 'approve' })).statusCode, 403, 'the delegate does not stand in for the requester');
    // The same stage on a request the admin makes: the delegate decides it in the manager's place.
    await h.engine.store.requests.update(r.id, { status: 'cancelled' });
    const admin = await h.signIn('admin');
    assert.equal((await admin.post('/requests', { item: 'crm', personId: '3', justification: '' })).statusCode, 303);
    const [mine] = (await h.engine.store.requests.list({ personId: '3', status: ['pending'] })).filter((x) => x.item === 'crm');
    assert.ok(mine);
    assert.match((await helpdesk.get('/requests')).body, new RegExp(`<section aria-labelledby="h-inbox">.*href="/requests/${mine.id}"`, 's'), 'in the delegate\'s inbox');
    assert.equal((await helpdesk.post(`/requests/${mine.id}/decide`, { decision: 'approve', comment: 'for Manfred' })).statusCode, 303);
    assert.equal((await h.engine.store.requests.get(mine.id))?.status, 'approved');
    const rows = await h.engine.store.audit.query({ event: 'request.delegated' }, { limit: 10 });
    assert.equal(rows.filter((x) => x.event === 'request.delegated').length, 1);
    assert.equal((await h.engine.store.audit.query({ event: 'request.delegated.refused' }, { limit: 5 })).length, 3);
  });

  test('a delegation is ended early from the console: the delegate no longer decides; only one\'s own can be ended', async () => {
    const manager = await h.signIn('manager');
    const helpdesk = await h.signIn('helpdesk');
    const to = h.users.helpdesk.username;
    assert.equal((await helpdesk.post('/requests/delegate/end', { delegate: to })).statusCode, 400, 'the helpdesk gave no delegation');
    const page = (await manager.get('/requests')).body;
    assert.match(page, /action="\/requests\/delegate\/end"/, 'an End now button per delegation');
    const ended = await manager.post('/requests/delegate/end', { delegate: to });
    assert.equal(ended.statusCode, 303);
    assert.match((await manager.get('/requests?delegated=ended')).body, /Delegation ended/);
    assert.doesNotMatch((await manager.get('/requests')).body, /<ul class="delegations-given">/, 'no longer listed');
    assert.doesNotMatch((await helpdesk.get('/requests')).body, /<ul class="delegations-received">/);
    const admin = await h.signIn('admin');
    // Rita's crm request from the test before is approved: end it, so the admin can ask again (first stage: Manfred).
    for (const x of await h.engine.store.requests.list({ personId: '3', status: ['approved', 'pending'] })) await h.engine.store.requests.update(x.id, { status: 'cancelled' });
    const made = await admin.post('/requests', { item: 'crm', personId: '3', justification: '' });
    assert.equal(made.statusCode, 303, made.body);
    const pending = (await h.engine.store.requests.list({ personId: '3', status: ['pending'] })).filter((x) => x.item === 'crm');
    const r = pending[pending.length - 1];
    assert.ok(r);
    assert.equal((await helpdesk.post(`/requests/${r.id}/decide`, { decision: 'approve' })).statusCode, 403, 'the former delegate decides nothing');
    assert.equal((await manager.post('/requests/delegate/end', { delegate: to })).statusCode, 400, 'nothing left to end');
    assert.equal((await h.engine.store.audit.query({ event: 'request.delegation.ended' }, { limit: 5 })).length, 1);
  });
});
