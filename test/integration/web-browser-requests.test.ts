/**
 * Acceptance of catalogue requests in Chromium against the real Samba AD DC and a real SMTP test server:
 * - a manager finds a report on "My people" (direct and transitive reports, what each has and why: rule, request,
 *   found in AD unmanaged), requests a catalogue group for him, and the item's owner approves it in a separate
 *   sign-in; after the next sync the membership is in Samba (read from the directory with raw LDAP);
 * - a request that would break separation of duties is refused with the reason on the page (and a person id edited
 *   to someone outside the team is refused 403);
 * - a request nobody decides is denied at its deadline (moved clock) and the requester is mailed;
 * - the end date passes (moved clock): the tick expires the request, the plan's revoke names the request and why,
 *   and after the sync the membership is gone in Samba;
 * - every request, decision and resulting operation is in the audit log, and `audit verify` passes.
 * Screenshots land in test-artifacts/web-browser-requests/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyChain } from '../../src/audit/verify.js';
import { formatPlan } from '../../src/core/plan-format.js';
import { addDays, localDate } from '../../src/core/lifecycle.js';
import { preparePlan } from '../../src/engine/planning.js';
import { requestTick } from '../../src/engine/requests/tick.js';
import { AD_E2E_UNMANAGED, setMember, usersWithEmployeeId } from '../support/ad-e2e-config.js';
import { checkA11y, withPage } from '../support/browser.js';
import { signInLocal, TEST_PASSWORD } from '../support/console.js';
import { assertCleanPage } from '../support/helpdesk-pages.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';
import { startSambaConsole, type SambaConsole } from '../support/samba-console.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const FILE = 'web-browser-requests';
const DAY = 86_400_000;
const suffix = Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6).padEnd(6, 'q');

const people: EmployeeSpec[] = [
  { id: 1, first: 'Mia', last: `Manager${suffix}`, department: 'Board', office: 'Berlin', position: 'Head of Sales' },
  { id: 2, first: 'Sam', last: `Seller${suffix}`, department: 'Sales', office: 'Berlin', position: 'Account Executive', supervisorId: 1 },
  { id: 3, first: 'Olga', last: `Owner${suffix}`, department: 'Board', office: 'Berlin', position: 'Head of Engineering' },
  { id: 4, first: 'Tina', last: `Trainee${suffix}`, department: 'Sales', office: 'Berlin', position: 'Trainee', supervisorId: 2 },
];

const catalog = (smtpPort: number) => `notifications:
  smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, from: "cadre@example.com", insecure: true }
catalog:
  items:
    - id: engineering-tools
      name: { en: "Engineering tools", de: "Entwicklungswerkzeuge" }
      target: ad
      entitlement: GG-Engineering
      owner: "3"
      approval: { stages: [{ by: owner }], deadline: 3d, justification: true }
      duration: { kind: maxDays, maxDays: 30 }
    - id: finance-approver
      name: { en: "Finance approvals", de: "Finanzfreigaben" }
      target: ad
      entitlement: GG-Finance
      owner: "3"
      approval: { stages: [{ by: owner }] }
      incompatibleWith: [sales-desk]
    - id: sales-desk
      name: { en: "Sales desk", de: "Vertriebsinnendienst" }
      target: ad
      entitlement: GG-Sales
      owner: "3"
      approval: { stages: [{ by: owner }] }
`;

describe('catalogue requests in Chromium on Samba AD', () => {
  let s: SambaConsole;
  let smtp: TestSmtpServer;
  let shift = 0;
  const now = (): Date => new Date(Date.now() + shift);
  const today = (): string => localDate(now().toISOString(), 'Europe/Berlin');
  /** Mails to an address whose text matches. */
  const mailsTo = (to: string, text: RegExp) => smtp.messages.filter((m, i) => smtp.envelopes[i]?.to.includes(to) && text.test(m.text ?? ''));
  const waitForMail = async (to: string, text: RegExp): Promise<void> => {
    for (let n = smtp.messages.length; mailsTo(to, text).length === 0; n++) await smtp.waitFor(n + 1, 60_000);
  };
  let endDate = '';

  before(async () => {
    smtp = await startSmtpServer();
    s = await startSambaConsole({
      prefix: 'Cadre WebRequests', people, extra: catalog(smtp.port), now,
      users: [{ username: 'root', role: 'admin' }, { username: 'mia', role: 'manager', personId: '1' }, { username: 'olga', role: 'manager', personId: '3' }],
    });
    // Sam is also in VPN Users, a group Cadre does not manage (added by hand): My people shows it as unmanaged.
    const sam = (await usersWithEmployeeId(s.admin, 2, s.tree.root))[0];
    assert.ok(sam);
    await setMember(s.admin, `CN=${AD_E2E_UNMANAGED},${s.tree.other}`, sam.dn, true);
    await s.sync();
  });
  after(async () => {
    await s?.close();
    await smtp?.close();
  });

  test('a: the manager requests a catalogue group for a report from My people; the owner approves; after the sync the membership is in Samba', async () => {
    assert.ok(!(await s.groupsOf(2)).includes('GG-Engineering'), 'not a member yet');
    endDate = addDays(today(), 10);
    await withPage(s.browser, `${FILE}/a-manager-requests`, async (p) => {
      await signInLocal(p.page, s, 'mia', TEST_PASSWORD);
      await p.page.goto(`${s.url}/people`);
      const sam = p.page.locator('article[data-person="2"]');
      const tina = p.page.locator('article[data-person="4"]');
      assert.match(await sam.innerText(), /direct report/);
      assert.match(await sam.locator('tr', { hasText: 'GG-Sales' }).innerText(), /rule sales/);
      assert.match(await sam.locator('tr', { hasText: AD_E2E_UNMANAGED }).innerText(), /found in the target, not managed by Cadre/);
      assert.match(await tina.innerText(), new RegExp(`reports to Sam Seller${suffix}`), 'transitive report, with her own manager');
      assert.equal(await p.page.locator('article[data-person="3"]').count(), 0, 'Olga is not in Mia\'s team');
      await p.shot('my people');
      assert.deepEqual(await checkA11y(p.page, 'my people'), []);
      await Promise.all([p.page.waitForURL(/\/requests\?personId=2/), sam.locator('button[type="submit"]').click()]);
      assert.equal(await p.page.locator('input[name="personId"][value="2"]').isChecked(), true, 'Sam is picked');
      await p.page.locator('#rq-item').selectOption('engineering-tools');
      await p.page.locator('#rq-just').fill('joins the sales engineering pilot');
      await p.page.locator('#rq-end').fill(endDate);
      await p.shot('request form');
      assert.deepEqual(await checkA11y(p.page, 'request form'), []);
      await Promise.all([p.page.waitForURL(/created=1/), p.page.locator('form[method="post"][action="/requests"] button[type="submit"]').click()]);
      assert.match(await p.page.locator('[role="status"]').innerText(), /Request #1 sent/);
      await p.shot('request sent');
      assertCleanPage(p);
    });
    await waitForMail('hr3@example.com', /Request #1 .* waits for your decision/);

    await withPage(s.browser, `${FILE}/a-owner-approves`, async (p) => {
      await signInLocal(p.page, s, 'olga', TEST_PASSWORD);
      await p.page.goto(`${s.url}/requests`);
      const inbox = p.page.locator('section[aria-labelledby="h-inbox"]');
      assert.match(await inbox.innerText(), new RegExp(`engineering-tools\\s+Sam Seller${suffix} \\(2\\)\\s+pending\\s+${endDate}`));
      await p.shot('owner inbox');
      await Promise.all([p.page.waitForURL(/\/requests\/1$/), inbox.locator('a[href="/requests/1"]').click()]);
      await p.page.locator('#rq-comment').fill('fine for the pilot');
      await p.shot('request detail');
      await Promise.all([p.page.waitForURL(/\/requests\/1$/), p.page.locator('button[value="approve"]').click()]);
      assert.match(await p.page.locator('main').innerText(), /Status: approved/);
      assert.match(await p.page.locator('main').innerText(), /fine for the pilot/);
      await p.shot('approved');
      assertCleanPage(p);
    });
    await waitForMail('hr1@example.com', /Request #1 .* was approved/);

    const plan = await preparePlan(s.engine, { source: { kind: 'full' } });
    const grant = plan.plan.operations.find((o) => o.personId === '2' && o.action === 'grant');
    assert.equal(grant?.entitlement, 'GG-Engineering');
    assert.match(grant?.reason.detail ?? '', new RegExp(`^request #1, approved by Olga Owner${suffix} \\(3\\) on ${today()}, expires ${endDate}$`));
    await s.sync();
    assert.ok((await s.groupsOf(2)).includes('GG-Engineering'), 'the membership is in the directory');

    await withPage(s.browser, `${FILE}/a-my-people-after`, async (p) => {
      await signInLocal(p.page, s, 'mia', TEST_PASSWORD);
      await p.page.goto(`${s.url}/people`);
      assert.match(await p.page.locator('article[data-person="2"] tr', { hasText: 'GG-Engineering' }).innerText(), /request #1.*\n?.*approved by Olga Owner\w* \(3\).*expires/);
      await p.shot('my people with the request grant');
    });
  });

  test('c: a request that breaks separation of duties is refused with the reason; a person outside the team is refused 403', async () => {
    await withPage(s.browser, `${FILE}/c-separation-of-duties`, async (p) => {
      await signInLocal(p.page, s, 'mia', TEST_PASSWORD);
      await p.page.goto(`${s.url}/requests?personId=2&item=finance-approver`);
      await p.page.locator('#rq-just').fill('covers invoice approvals');
      await Promise.all([p.page.waitForLoadState('load'), p.page.locator('form[method="post"][action="/requests"] button[type="submit"]').click()]);
      const alert = await p.page.locator('[role="alert"]').innerText();
      assert.match(alert, /separation of duties: finance-approver is incompatible with sales-desk \(GG-Sales in ad\), which the person holds/);
      await p.shot('refused: separation of duties');
      const token = await p.page.locator('meta[name="csrf-token"]').getAttribute('content');
      const tampered = await p.page.request.post(`${s.url}/requests`, { form: { item: 'engineering-tools', personId: '3', justification: 'x', endDate: addDays(today(), 5), _csrf: token ?? '' }, maxRedirects: 0 });
      assert.equal(tampered.status(), 403, 'Olga is outside Mia\'s team');
      assertCleanPage(p, 1);
    });
    assert.deepEqual((await s.engine.store.requests.list()).map((r) => r.id), [1], 'nothing stored');
  });

  test('d: a deadline passes without a decision: denied automatically, and the requester is mailed', async () => {
    await withPage(s.browser, `${FILE}/d-deadline`, async (p) => {
      await signInLocal(p.page, s, 'mia', TEST_PASSWORD);
      await p.page.goto(`${s.url}/requests`);
      // The picker offers Mia's team and searches it on the server while she types (htmx swaps the choices).
      assert.equal(await p.page.locator('input[name="personId"]').count(), 2, 'Sam and Tina');
      await p.page.locator('#rq-q').fill('Tina');
      await p.page.locator('input[name="personId"][value="2"]').waitFor({ state: 'detached' });
      assert.equal(await p.page.locator('input[name="personId"]').count(), 1, 'only Tina matches');
      await p.page.locator('input[name="personId"][value="4"]').check();
      await p.page.locator('#rq-item').selectOption('engineering-tools');
      await p.page.locator('#rq-just').fill('shadowing the engineers');
      await p.page.locator('#rq-end').fill(addDays(today(), 20));
      await p.shot('picker: Tina found');
      await Promise.all([p.page.waitForURL(/created=2/), p.page.locator('form[method="post"][action="/requests"] button[type="submit"]').click()]);
      assertCleanPage(p);
    });
    shift = 4 * DAY;
    const tick = await requestTick(s.engine, 'test');
    assert.deepEqual(tick.denied, [2]);
    await waitForMail('hr1@example.com', /Request #2 .* was denied: nobody decided it before its deadline/);
    const mail = mailsTo('hr1@example.com', /Request #2/).at(-1);
    assert.match(mail?.text ?? '', new RegExp(`${s.url.replace(/[.]/g, '\\.')}/requests/2`), 'a link to the console, no token');
    await withPage(s.browser, `${FILE}/d-denied`, async (p) => {
      await signInLocal(p.page, s, 'mia', TEST_PASSWORD);
      await p.page.goto(`${s.url}/requests/2`);
      assert.match(await p.page.locator('main').innerText(), /Status: denied-deadline[\s\S]*no decision within 3d/);
      await p.shot('denied at the deadline');
    });
  });

  test('b: the end date passes: the request expires, the plan says why, and the membership is revoked in Samba', async () => {
    shift = 12 * DAY;
    assert.deepEqual((await requestTick(s.engine, 'test')).expired, [1]);
    const prepared = await preparePlan(s.engine, { source: { kind: 'full' } });
    const ops = prepared.plan.operations.filter((o) => o.personId === '2');
    assert.deepEqual(ops.map((o) => [o.action, o.entitlement]), [['revoke', 'GG-Engineering']]);
    assert.equal(ops[0]?.reason.kind, 'request');
    assert.equal(ops[0]?.reason.source, '#1');
    assert.match(ops[0]?.reason.detail ?? '', new RegExp(`request #1, approved by Olga Owner${suffix} \\(3\\) .* — ended: expired on ${endDate}`));
    assert.match(formatPlan(prepared.plan, { color: false }), new RegExp(`GG-Engineering[\\s\\S]*request #1[\\s\\S]*expired on ${endDate}`));
    await withPage(s.browser, `${FILE}/b-expiry`, async (p) => {
      await signInLocal(p.page, s, 'root', TEST_PASSWORD);
      await p.page.goto(`${s.url}/plan`);
      const text = await p.page.locator('main').innerText();
      assert.match(text, /GG-Engineering/);
      assert.match(text, new RegExp(`expired on ${endDate}`));
      await p.shot('pending plan with the revoke');
    });
    await s.sync();
    assert.ok(!(await s.groupsOf(2)).includes('GG-Engineering'), 'the membership is gone from the directory');
    assert.ok((await s.groupsOf(2)).includes('GG-Sales'), 'the rule grant stays');
  });

  test('e: every request, decision and resulting operation is audited; audit verify passes', async () => {
    const events: { event: string; payload: string; personId?: string | null }[] = [];
    for await (const page of s.engine.store.audit.iterate()) for (const r of page) events.push(r);
    const names = new Set(events.map((e) => e.event));
    for (const e of ['request.created', 'request.created.refused', 'request.approved', 'request.denied', 'request.expired']) assert.ok(names.has(e), `audited: ${e}`);
    const ops = events.filter((e) => e.event === 'op.done' && e.personId === '2' && e.payload.includes('GG-Engineering'));
    assert.deepEqual(ops.map((e) => (JSON.parse(e.payload) as { action?: string }).action), ['grant', 'revoke'], 'the grant and the revoke, applied');
    const refused = events.filter((e) => e.event === 'request.created.refused').map((e) => JSON.parse(e.payload) as { code: string });
    assert.deepEqual(refused.map((r) => r.code).sort(), ['REQUEST_SCOPE', 'REQUEST_SOD']);
    const v = await verifyChain(s.engine.store);
    assert.equal(v.ok, true, JSON.stringify(v.problems));
  });
});
