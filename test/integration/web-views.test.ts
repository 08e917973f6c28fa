/**
 * The admin views on a seeded store: person search and page (escaping, manager scope), holds through the engine
 * (audited with the console actor), the pending plan with filters, the dashboard per role.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listHolds } from '../../src/engine/holds.js';
import { MANAGER_PERSON, startWebHarness, XSS_PERSON, type WebHarness } from '../support/web.js';

describe('console admin views', () => {
  let h: WebHarness;
  before(async () => {
    h = await startWebHarness();
    await h.engine.store.accounts.upsert({ target: 'erp', anchor: 'acc-3', personId: '3', correlation: '3', enabled: true, attributes: { username: 'rita.report', mail: 'rita.report@example.com' }, entitlements: ['role:staff', 'role:legacy'] });
    await h.engine.audit.record({ actor: 'engine', event: 'op.done', personId: '3', target: 'erp', payload: { action: 'create' } });
  });
  after(async () => h?.close());

  test('XSS: a person named <script>alert(1)</script> renders as text in search results and on the page', async () => {
    const c = await h.signIn('admin');
    for (const url of [`/persons?q=${encodeURIComponent('xss@example.com')}`, `/persons/${XSS_PERSON.id}`, '/persons?q=%3Cscript%3E']) {
      const r = await c.get(url);
      assert.equal(r.statusCode, 200, url);
      assert.ok(!r.body.includes(XSS_PERSON.name), `${url}: raw script tag`);
      assert.ok(r.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${url}: escaped name`);
    }
  });

  test('search by name, id, e-mail and reserved user name; managers search their reports only', async () => {
    const admin = await h.signIn('admin');
    const names = (body: string) => [...body.matchAll(/<td><a href="\/persons\/([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(names((await admin.get('/persons?q=rita')).body), ['3']);
    assert.deepEqual(names((await admin.get('/persons?q=5')).body)[0], '5');
    assert.deepEqual(names((await admin.get('/persons?q=otto.other%40example.com')).body), ['5']);
    const ttiefer = async () => names((await admin.get('/persons?q=TTIEFER')).body);
    h.clock.advance(60_000);
    await h.persons.refresh();
    await h.engine.store.reservations.reserve([{ kind: 'username', value: 'ttiefer', personId: '4', status: 'primary' }]);
    h.clock.advance(60_000);
    await h.persons.refresh();
    assert.deepEqual(await ttiefer(), [], 'nothing Cadre audited changed: the index is not reloaded');
    // Every change Cadre makes is audited (a sync's run entries, a hold): a longer log means a reload.
    await h.engine.audit.record({ actor: 'test', event: 'run.start', payload: {} });
    assert.deepEqual(await ttiefer(), [], 'not before the index is due');
    h.clock.advance(60_000);
    await h.persons.refresh();
    const found = await ttiefer();
    assert.deepEqual(found, ['4'], 'the index refreshes after its maximum age');
    const manager = await h.signIn('manager');
    assert.deepEqual(names((await manager.get('/persons?q=')).body).sort(), ['3', '4']);
    assert.deepEqual(names((await manager.get('/persons?q=otto')).body), []);
  });

  test('a manager sees their direct and transitive reports, and 404 for anyone else (themself included)', async () => {
    const m = await h.signIn('manager');
    assert.equal((await m.get('/persons/3')).statusCode, 200);
    assert.equal((await m.get('/persons/4')).statusCode, 200);
    assert.equal((await m.get('/persons/5')).statusCode, 404);
    assert.equal((await m.get(`/persons/${MANAGER_PERSON}`)).statusCode, 404);
    assert.equal((await m.get('/persons/unknown')).statusCode, 404);
    const page = await m.get('/persons/4');
    assert.doesNotMatch(page.body, /href="\/persons\/2"/, 'the supervisor link only where the viewer may follow it');
    assert.match((await m.get('/persons/3')).body, /Manfred|<dd>2<\/dd>/);
  });

  test('person page: HR data, accounts, entitlements with the rule behind each, history', async () => {
    const c = await h.signIn('helpdesk');
    const r = await c.get('/persons/3');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<h1>Rita Report<\/h1>/);
    assert.match(r.body, /rita\.report@example\.com/);
    assert.match(r.body, /<td>erp<\/td><td>acc-3<\/td>/);
    assert.match(r.body, /<td>erp<\/td><td>role:staff<\/td><td>all-staff<\/td>/, 'the entitlement and its rule');
    assert.match(r.body, /<td>erp<\/td><td>role:legacy<\/td><td class="muted">—<\/td><td class="muted">no rule grants it<\/td>/);
    assert.match(r.body, /<strong>op\.done<\/strong> · erp · create · <span class="muted">engine<\/span>/);
    // A helpdesk override (kept against the rules) is shown with its reason.
    await h.engine.store.overrides.put({ personId: '3', target: 'erp', attribute: 'title', value: 'Chief Tester', actor: 'web:test-helpdesk', createdAt: '2026-06-01T00:00:00.000Z', reason: 'ticket 42' });
    // As the helpdesk service does: every change is audited (which is also what renews the page's cached explanation).
    await h.engine.audit.record({ actor: 'web:test-helpdesk', event: 'helpdesk.edit', personId: '3', target: 'erp', payload: { attribute: 'title' } });
    const after = await c.get('/persons/3');
    assert.match(after.body, /erp · title = Chief Tester: ticket 42/);
  });

  test('holds: add and remove through the engine, audited with the console actor; bad input is a 400 with the reason', async () => {
    const c = await h.signIn('helpdesk');
    const added = await c.post('/holds', { personId: '3', target: 'erp', reason: 'lost laptop', until: '2026-07-01', disable: '1' });
    assert.equal(added.statusCode, 303);
    const holds = await listHolds(h.engine);
    assert.deepEqual(holds.map((x) => [x.hold.personId, x.hold.target, x.hold.reason, x.hold.disable, x.hold.actor]), [['3', 'erp', 'lost laptop', true, 'web:test-helpdesk']]);
    const list = await c.get('/holds?done=added');
    assert.match(list.body, /Hold added/);
    assert.match(list.body, /lost laptop/);
    assert.match((await c.get('/persons/3')).body, /erp: lost laptop/);
    const unknown = await c.post('/holds', { personId: 'nobody', reason: 'x' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /No person nobody/);
    const noReason = await c.post('/holds', { personId: '3', reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /needs a reason/);
    const auditor = await h.signIn('auditor');
    assert.doesNotMatch((await auditor.get('/holds')).body, /action="\/holds"/, 'auditors see no forms');
    assert.equal((await c.post('/holds/remove', { personId: '3', target: 'erp' })).statusCode, 303);
    assert.deepEqual(await listHolds(h.engine), []);
    assert.equal((await c.post('/holds/remove', { personId: '3', target: 'erp' })).statusCode, 400);
    const rows = [];
    for await (const page of h.engine.store.audit.iterate()) rows.push(...page.filter((x) => x.event.startsWith('hold.')));
    assert.deepEqual(rows.map((x) => [x.event, x.actor]), [['hold.added', 'web:test-helpdesk'], ['hold.removed', 'web:test-helpdesk']]);
  });

  test('pending plan from the stored state, filterable; nothing is written', async () => {
    const c = await h.signIn('admin');
    const runsBefore = (await h.engine.store.runs.recent(10)).length;
    const all = await c.get('/plan');
    assert.equal(all.statusCode, 200);
    assert.match(all.body, /operations for \d+ persons/);
    assert.match(all.body, /<td>erp<\/td><td>create/);
    const filtered = await c.get('/plan?target=erp&action=create&person=5');
    const people = [...filtered.body.matchAll(/<tr><td><a href="\/persons\/([^"]+)">/g)].map((m) => m[1]);
    assert.ok(people.length > 0 && people.every((p) => p === '5'), `only person 5: ${people.join(',')}`);
    assert.ok(!filtered.body.includes(XSS_PERSON.name));
    assert.equal((await h.engine.store.runs.recent(10)).length, runsBefore, 'no run recorded');
    assert.equal((await h.engine.store.accounts.all('erp')).length, 1, 'no account written');
  });

  test('dashboard: admins and auditors get runs, upcoming events and the changes chart; helpdesk a start page', async () => {
    const admin = await h.signIn('admin');
    const d = await admin.get('/');
    assert.match(d.body, /Upcoming lifecycle events/);
    assert.match(d.body, /<svg [^>]*role="img" aria-labelledby="changes-title changes-desc"/);
    assert.match(d.body, /1 changes in the last \d+ days/);
    assert.match(d.body, /<svg [^>]*aria-labelledby="bytarget-title bytarget-desc"/);
    assert.match(d.body, /1 operations on 1 targets, 0 of them failed/);
    const helpdesk = await h.signIn('helpdesk');
    const s = await helpdesk.get('/');
    assert.equal(s.statusCode, 200);
    assert.doesNotMatch(s.body, /Upcoming lifecycle events/);
    assert.match(s.body, /href="\/persons"/);
    assert.doesNotMatch(s.body, /href="\/plan"/, 'no nav entry the role may not open');
  });

  test('German UI', async () => {
    const c = await h.signIn('admin');
    const r = await c.get('/holds', { 'accept-language': 'de' });
    assert.match(r.body, /<html lang="de">/);
    assert.match(r.body, /Sperre hinzufügen/);
  });
});
