/**
 * Acceptance of access reviews in Chromium against the real Samba AD DC: Personio simulator → full sync into AD →
 * an admin starts a campaign over two AD group memberships of one person (GG-Sales from the `sales` rule, and
 * `VPN Users`, found in the directory unmanaged) → the person's manager removes one and keeps the other in the
 * console → the admin closes the campaign → the plan shows exactly one revoke, with the review as its reason →
 * after the sync the removed membership is gone in Samba (read from the directory) and the kept one remains; the
 * next sync does not grant it again (the exception shows in explain); `audit verify` passes.
 * Screenshots land in test-artifacts/web-browser-reviews/.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyChain } from '../../src/audit/verify.js';
import { formatPlan } from '../../src/core/plan-format.js';
import { preparePlan } from '../../src/engine/planning.js';
import { AD_E2E_UNMANAGED, setMember, usersWithEmployeeId } from '../support/ad-e2e-config.js';
import { checkA11y, withPage } from '../support/browser.js';
import { signInLocal, TEST_PASSWORD as PASSWORD } from '../support/console.js';
import { assertCleanPage } from '../support/helpdesk-pages.js';
import type { EmployeeSpec } from '../support/personio-fixture.js';
import { startSambaConsole, type SambaConsole } from '../support/samba-console.js';

const FILE = 'web-browser-reviews';
const suffix = Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6).padEnd(6, 'q');

const people: EmployeeSpec[] = [
  { id: 1, first: 'Mia', last: `Manager${suffix}`, department: 'Board', office: 'Berlin', position: 'Head of Sales' },
  { id: 2, first: 'Sam', last: `Seller${suffix}`, department: 'Sales', office: 'Berlin', position: 'Account Executive', supervisorId: 1 },
  { id: 3, first: 'Olga', last: `Other${suffix}`, department: 'Board', office: 'Berlin', position: 'Head of Finance' },
];

const config = `reviews:
  templates:
    - id: sales-q4
      name: { en: "Sales access Q4", de: "Vertriebszugriffe Q4" }
      scope: { entitlements: ["GG-Sales", "CN=${AD_E2E_UNMANAGED},*"], departments: [Sales] }
      reviewers: { by: manager, fallback: root }
      deadline: 14d
  ruleOwners: { sales: sales-it@example.com }
`;

describe('access reviews in Chromium on Samba AD', () => {
  let s: SambaConsole;
  let url: string;
  let dir: string;
  let browser: SambaConsole['browser'];
  let engine: SambaConsole['engine'];

  /** Group cns of person 2's account, read from the directory. */
  const groupsOfSam = (): Promise<string[]> => s.groupsOf(2);
  const sync = () => s.sync();

  before(async () => {
    s = await startSambaConsole({
      prefix: 'Cadre WebReviews', people, extra: config,
      users: [{ username: 'root', role: 'admin' }, { username: 'mia', role: 'manager', personId: '1' }, { username: 'olga', role: 'manager', personId: '3' }, { username: 'sam', role: 'manager', personId: '2' }],
    });
    ({ url, dir, browser, engine } = s);
    // Sam is also in VPN Users, a group Cadre does not manage (someone added him by hand).
    const sam = (await usersWithEmployeeId(s.admin, 2, s.tree.root))[0];
    assert.ok(sam);
    await setMember(s.admin, `CN=${AD_E2E_UNMANAGED},${s.tree.other}`, sam.dn, true);
    await sync();
  });
  after(async () => {
    await s?.close();
  });

  test('a campaign: the manager removes one membership and keeps the other; the plan shows exactly one revoke, applied in Samba and kept removed', async () => {
    assert.deepEqual((await groupsOfSam()).filter((g) => g === 'GG-Sales' || g === AD_E2E_UNMANAGED), ['GG-Sales', AD_E2E_UNMANAGED], 'both memberships are in the directory');

    // The admin starts the campaign in the console.
    const campaignId = await withPage(browser, `${FILE}/admin-start`, async (p) => {
      await signInLocal(p.page, { url }, 'root', PASSWORD);
      await p.page.goto(`${url}/reviews`);
      await p.shot('reviews page (admin)');
      await p.page.locator('#rv-template').selectOption('sales-q4');
      await Promise.all([p.page.waitForURL(/done=started/), p.page.locator('form[action="/reviews"] button[type="submit"]').click()]);
      await p.shot('campaign started');
      const link = p.page.locator('a[href^="/reviews/sales-q4-"]').first();
      const href = await link.getAttribute('href');
      assert.ok(href);
      assertCleanPage(p);
      return decodeURIComponent(href.slice('/reviews/'.length));
    });
    const items = await engine.store.reviews.items(campaignId);
    assert.deepEqual(items.map((i) => [i.personId, i.entitlement.replace(/,.*/, ''), i.reasonKind, i.reviewer]).sort(), [
      ['2', `CN=${AD_E2E_UNMANAGED}`, 'unmanaged', 'person:1'],
      ['2', 'GG-Sales', 'rule', 'person:1'],
    ], 'two items: Sam\'s two memberships, reviewed by his manager Mia');
    const sales = items.find((i) => i.entitlement === 'GG-Sales');
    const vpn = items.find((i) => i.reasonKind === 'unmanaged');
    assert.ok(sales && vpn);
    assert.ok(sales.lastGrantedAt, 'the rule grant was applied by Cadre: its last grant is known from the audit');

    // Another manager (not Sam's) is refused on the server even when posting the item directly; Sam cannot review his own access.
    for (const who of ['olga', 'sam']) {
      await withPage(browser, `${FILE}/refused-${who}`, async (p) => {
        await signInLocal(p.page, { url }, who, PASSWORD);
        await p.page.goto(`${url}/reviews`);
        assert.equal(await p.page.locator(`form[action="/reviews/${campaignId}/items/${sales.seq}"]`).count(), 0, `${who} sees no item to decide`);
        const token = await p.page.locator('meta[name="csrf-token"]').getAttribute('content');
        const res = await p.page.request.post(`${url}/reviews/${encodeURIComponent(campaignId)}/items/${sales.seq}`, { form: { decision: 'remove', comment: 'sneaky', _csrf: token ?? '' }, maxRedirects: 0 });
        assert.equal(res.status(), 403, `${who} is refused`);
      });
    }
    assert.equal((await engine.store.reviews.item(campaignId, sales.seq))?.decision, undefined, 'the refused decisions changed nothing');

    // Mia, Sam's manager, reviews: removes GG-Sales with a comment, keeps VPN Users.
    await withPage(browser, `${FILE}/manager-decides`, async (p) => {
      await signInLocal(p.page, { url }, 'mia', PASSWORD);
      await p.page.goto(`${url}/reviews`);
      const body = await p.page.locator('main').innerText();
      assert.match(body, /Account Executive/);
      assert.match(body, /rule sales/);
      assert.match(body, /unmanaged/);
      await p.shot('my reviews');
      const removeRow = p.page.locator(`form[action="/reviews/${campaignId}/items/${sales.seq}"]`);
      // A removal without a comment is refused with the reason.
      await Promise.all([p.page.waitForLoadState('load'), removeRow.locator('button[value="remove"]').click()]);
      assert.match(await p.page.locator('[role="alert"]').innerText(), /comment/);
      await p.shot('removal without comment refused');
      await p.page.locator(`form[action="/reviews/${campaignId}/items/${sales.seq}"] input[name="comment"]`).fill('moved to key accounts, no longer sells');
      await Promise.all([p.page.waitForURL(/done=saved/), p.page.locator(`form[action="/reviews/${campaignId}/items/${sales.seq}"] button[value="remove"]`).click()]);
      await p.page.locator(`form[action="/reviews/${campaignId}/items/${vpn.seq}"] input[name="comment"]`).fill('still needs remote access');
      await Promise.all([p.page.waitForURL(/done=saved/), p.page.locator(`form[action="/reviews/${campaignId}/items/${vpn.seq}"] button[value="keep"]`).click()]);
      assert.match(await p.page.locator('main').innerText(), /2 of 2 decided/);
      await p.shot('both decided');
      assert.deepEqual(await checkA11y(p.page, 'my reviews'), []);
      assertCleanPage(p, 1); // the removal without a comment answered 400 on purpose
    });

    // Nothing changed in the directory yet: removals wait for the close and go through the plan.
    assert.deepEqual((await groupsOfSam()).filter((g) => g === 'GG-Sales'), ['GG-Sales']);

    // The admin closes the campaign, sees the pending plan (one revoke, with the review as its reason) and the report.
    await withPage(browser, `${FILE}/admin-close`, async (p) => {
      await signInLocal(p.page, { url }, 'root', PASSWORD);
      await p.page.goto(`${url}/reviews`);
      await Promise.all([p.page.waitForURL(/done=closed/), p.page.locator(`form[action="/reviews/${campaignId}/close"] button`).click()]);
      await p.shot('campaign closed');
      await p.page.goto(`${url}/plan`);
      const planText = await p.page.locator('main').innerText();
      assert.match(planText, /GG-Sales/);
      assert.match(planText, /removed in review/);
      await p.shot('pending plan with the revoke');
      await p.page.goto(`${url}/reviews/${encodeURIComponent(campaignId)}`);
      const report = await p.page.locator('main').innerText();
      assert.match(report, /moved to key accounts/);
      assert.match(report, /web:mia/);
      assert.match(report, /sales-it@example\.com/, 'the removed rule grant is flagged to the rule owner');
      await p.shot('campaign report');
      const csv = await p.page.request.get(`${url}/reviews/${encodeURIComponent(campaignId)}/export.csv`);
      assert.equal(csv.status(), 200);
      assert.match(await csv.text(), /remove,web:mia/);
      assertCleanPage(p);
    });

    assert.deepEqual(await engine.store.overrides.byPerson('2'), [], 'a removed rule grant is an access exception (from the closed campaign), not an override');
    const prepared = await preparePlan(engine, { source: { kind: 'full' } });
    writeFileSync(join(dir, 'plan.txt'), formatPlan(prepared.plan, { color: false }));
    const ops = prepared.plan.operations.filter((o) => o.personId === '2');
    assert.deepEqual(ops.map((o) => [o.action, o.entitlement]), [['revoke', 'GG-Sales']], 'the plan shows exactly one revoke');
    assert.equal(prepared.plan.operations.length, 1, 'and nothing else');
    assert.match(ops[0]?.reason.detail ?? '', /removed in review "Sales access Q4" .* by web:mia .*moved to key accounts/);
    assert.match(formatPlan(prepared.plan, { color: false }), /revoke|GG-Sales/);

    await sync();
    const after1 = await groupsOfSam();
    assert.ok(!after1.includes('GG-Sales'), 'the removed membership is gone in Samba');
    assert.ok(after1.includes(AD_E2E_UNMANAGED), 'the kept membership remains');
    const again = await sync();
    assert.deepEqual(again.prepared.plan.operations.filter((o) => o.personId === '2').map((o) => o.action), [], 'the next sync does not grant it again');
    assert.ok(!(await groupsOfSam()).includes('GG-Sales'));

    // The exception shows in explain (the person page) for the admin and the manager.
    await withPage(browser, `${FILE}/explain`, async (p) => {
      await signInLocal(p.page, { url }, 'mia', PASSWORD);
      await p.page.goto(`${url}/persons/2`);
      assert.match(await p.page.locator('main').innerText(), /GG-Sales\s+review exception\s+removed in review "Sales access Q4"/);
      await p.shot('person page with the exception');
    });

    const events = new Set<string>();
    for await (const page of engine.store.audit.iterate()) for (const r of page) events.add(r.event);
    for (const e of ['review.started', 'review.refused', 'review.decided', 'review.exception', 'review.closed', 'review.exported']) assert.ok(events.has(e), `audited: ${e}`);
    const v = await verifyChain(engine.store);
    assert.equal(v.ok, true, JSON.stringify(v.problems));
  });
});
