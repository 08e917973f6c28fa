/**
 * A catalogue item owned by an OIDC group (`owner: group:App-Owners`): a member signed in through the real test IdP
 * (its groups claim carries App-Owners) finds the request in their inbox and approves it; a principal outside the
 * group is refused. The principal's groups must reach the requests engine for this (they were dropped before, and
 * no group owner ever matched an approver).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookieClient, signInAtProviderWithFetch, type CookieClient } from '../support/cookie-client.js';
import { startConsole, TEST_PASSWORD, type TestConsole } from '../support/console.js';
import { OIDC_USERS, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';

const employees: EmployeeSpec[] = [
  { id: 1, first: 'Mia', last: 'Manager', department: 'Board', office: 'Berlin' },
  { id: 2, first: 'Sam', last: 'Seller', department: 'Sales', office: 'Berlin', supervisorId: 1 },
];
const catalog = `catalog:
  items:
    - { id: finance, name: Finance tool, target: erp, entitlement: "role:finance", owner: "group:App-Owners", approval: { stages: [{ by: owner }], justification: false } }
`;

describe('requests: an owner given as an OIDC group', () => {
  let op: TestOidcProvider;
  let c: TestConsole;
  before(async () => {
    op = await startOidcProvider({
      users: [...OIDC_USERS, { login: 'owen', email: 'owen.owner@example.com', name: 'Owen Owner', groups: ['Helpdesk', 'app-owners'] }],
    });
    c = await startConsole({ employees, oidc: op, extra: catalog, users: [{ username: 'mia', role: 'manager', personId: '1' }] });
  });
  after(async () => {
    await c?.close();
    await op?.close();
  });

  const csrfOf = (body: string): string => /name="csrf-token" content="([^"]+)"/.exec(body)?.[1] ?? '';
  const signInOidc = async (login: string): Promise<CookieClient> => {
    const http = cookieClient();
    const start = await http.request(`${c.url}/auth/oidc`);
    assert.equal(start.status, 302);
    const back = await http.request(await signInAtProviderWithFetch(cookieClient(), start.location ?? '', login));
    assert.equal(back.status, 303, back.body.slice(0, 300));
    return http;
  };

  test('a member of the owner group sees the request and approves it; a helpdesk user outside the group is refused', async () => {
    const mia = cookieClient();
    const form = await mia.request(`${c.url}/sign-in`);
    assert.equal((await mia.request(`${c.url}/sign-in`, { form: { username: 'mia', password: TEST_PASSWORD, _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '' } })).status, 303);
    const page = await mia.request(`${c.url}/requests`);
    const sent = await mia.request(`${c.url}/requests`, { form: { item: 'finance', personId: '2', justification: '', _csrf: csrfOf(page.body) } });
    assert.equal(sent.status, 303, sent.body.slice(0, 300));
    const [r] = await c.engine.store.requests.list({ personId: '2' });
    assert.ok(r);

    // Hank is helpdesk too, but not in App-Owners.
    const hank = await signInOidc('hank');
    const hankPage = await hank.request(`${c.url}/requests`);
    assert.doesNotMatch(hankPage.body, new RegExp(`href="/requests/${r.id}"`));
    assert.equal((await hank.request(`${c.url}/requests/${r.id}/decide`, { form: { decision: 'approve', _csrf: csrfOf(hankPage.body) } })).status, 403);

    const owen = await signInOidc('owen');
    const inbox = await owen.request(`${c.url}/requests`);
    assert.match(inbox.body, new RegExp(`<section aria-labelledby="h-inbox">.*href="/requests/${r.id}"`, 's'), 'the request waits in the group member\'s inbox');
    const detail = await owen.request(`${c.url}/requests/${r.id}`);
    assert.match(detail.body, /value="approve"/, 'with the decision form');
    const ok = await owen.request(`${c.url}/requests/${r.id}/decide`, { form: { decision: 'approve', comment: 'owner group', _csrf: csrfOf(detail.body) } });
    assert.equal(ok.status, 303, ok.body.slice(0, 300));
    assert.equal((await c.engine.store.requests.get(r.id))?.status, 'approved');
    assert.deepEqual((await c.engine.store.requests.decisions(r.id)).map((d) => [d.approver, d.decision]), [['group:App-Owners', 'approve']]);
    const approved = await c.engine.store.audit.query({ event: 'request.approved' }, { limit: 5 });
    assert.deepEqual(approved.map((a) => a.actor), ['web:owen.owner@example.com']);
  });
});
