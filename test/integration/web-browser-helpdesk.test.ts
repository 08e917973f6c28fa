/**
 * Acceptance of the helpdesk forms in a real browser against the real Samba AD DC: Personio simulator → a full
 * sync into AD → the console (listening on 127.0.0.1), driven by Chromium as a helpdesk user. Each effect is read
 * back outside Cadre (raw LDAPS reads as Administrator, binds as the user), across a further full sync where the
 * issue asks that the change survive it. Screenshots of every step land in test-artifacts/web-browser-helpdesk/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Client } from 'ldapts';
import type { Browser, Page } from 'playwright-core';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/engine/log.js';
import { fullSync } from '../../src/engine/sync.js';
import { addUser } from '../../src/engine/web-users.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { buildApp } from '../../src/web/app.js';
import { adE2eTree, createTree, E2E_OU_PREFIX, one, rawAdmin, removeTree, usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree, type RawUser } from '../support/ad-e2e-config.js';
import { checkA11y, launchBrowser, withPage, type TestPage } from '../support/browser.js';
import { signInLocal } from '../support/console.js';
import { assertCleanPage, openHelpdeskForm, openHelpdeskPerson, removeTreesWithPrefix, submitHelpdeskForm } from '../support/helpdesk-pages.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { createLockoutPolicy, lockOutByBinds, sambaCtl, userBind, type LockoutPolicy } from '../support/samba.js';

const FILE = 'web-browser-helpdesk';
const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: suites sweeping leftover `Cadre E2E …` trees must not remove this one while it runs. */
const PREFIX = 'Cadre WebForms';
const tree = Object.fromEntries(Object.entries(adE2eTree('webforms', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} webforms `, `OU=${PREFIX} `)])) as unknown as AdE2eTree;
// sAMAccountNames and UPNs are domain-wide: names unique to this run (letters only, so no digit shifts a name).
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);

const people: EmployeeSpec[] = [
  { id: 1, first: 'Paula', last: `Phone${suffix}`, department: 'Sales', office: 'Berlin', phone: '+49 30 1000' },
  { id: 2, first: 'Hanna', last: `Hamburg${suffix}`, department: 'Sales', office: 'Hamburg' },
  { id: 3, first: 'Fritz', last: `Finance${suffix}`, department: 'Finance', office: 'Berlin' },
  { id: 4, first: 'Rita', last: `Reset${suffix}`, department: 'Sales', office: 'Berlin' },
  { id: 5, first: 'Udo', last: `Unlock${suffix}`, department: 'Sales', office: 'Berlin' },
];

const HELPDESK = { username: 'hd-web', password: 'correct horse battery staple' };

const config = `protection:
  accounts: [{ dn: "*,${tree.hamburg}", reason: board members }]
  memberOf: [GG-Finance]
forms:
  - { id: reset, type: resetPassword, title: { en: Reset password, de: Passwort zurücksetzen }, roles: [helpdesk], targets: [ad], password: { generate: true, allowTyped: true, mustChange: ask } }
  - { id: admin-reset, type: resetPassword, roles: [admin], targets: [ad] }
  - { id: unlock, type: unlock, title: { en: Unlock account, de: Konto entsperren }, roles: [helpdesk], targets: [ad] }
  - { id: edit-phone, type: edit, title: { en: Change phone number, de: Telefonnummer ändern }, roles: [helpdesk], targets: [ad], attributes: [telephoneNumber], overrideDays: 90 }
  - { id: lost-laptop, type: disable, title: { en: Lost laptop, de: Laptop verloren }, roles: [helpdesk], targets: [ad], maxDays: 30 }
web:
  host: 127.0.0.1
  sessionSecret: ${randomBytes(36).toString('base64url')}
  signInRateLimit: { max: 1000, window: 1m }
`;

describe('helpdesk forms in Chromium on Samba AD', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;
  let engine: Engine;
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let pso: LockoutPolicy | undefined;
  const passwords: string[] = [];

  const acct = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID ${pid}`);
    return found[0] as RawUser;
  };
  const attr = async (pid: number, a: string): Promise<string | undefined> => one((await acct(pid)).entry, a);
  const sync = async (): Promise<void> => {
    const r = await fullSync(engine, { actor: 'test' });
    assert.deepEqual(r.prepared.plan.errors, [], 'no plan errors');
  };
  const auditEvents = async (): Promise<{ event: string; personId: string | null; payload: string }[]> => {
    const rows: { event: string; personId: string | null; payload: string }[] = [];
    for await (const page of engine.store.audit.iterate()) for (const r of page) rows.push({ event: r.event, personId: r.personId ?? null, payload: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload) });
    return rows;
  };
  /** Sign in as the helpdesk user, find the person by name and open their helpdesk page. */
  const openPerson = async (p: TestPage, pid: number): Promise<void> => {
    await signInLocal(p.page, { url }, HELPDESK.username, HELPDESK.password);
    await openHelpdeskPerson(p, url, people.find((x) => x.id === pid) as EmployeeSpec);
  };
  const openForm = (p: TestPage, formId: string): Promise<void> => openHelpdeskForm(p, formId, 'ad');
  const submit = (page: Page): ReturnType<typeof submitHelpdeskForm> => submitHelpdeskForm(page);
  const clean = assertCleanPage;

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeTreesWithPrefix(admin, PREFIX);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-web-helpdesk-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    const file = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, extra: config });
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    await sync();
    for (const p of people) assert.equal(await attr(p.id, 'userAccountControl'), '512', `person ${p.id} has an enabled account`);
    await addUser(engine, { username: HELPDESK.username, role: 'helpdesk', password: HELPDESK.password, displayName: 'Hedi Helpdesk', actor: 'test' });
    app = await buildApp(engine);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await engine?.close();
    await personio?.close();
    await pso?.remove().catch(() => undefined);
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reset a password in AD: the user binds with the password read from the page; with must-change, pwdLastSet is 0', async () => {
    await withPage(browser, `${FILE}/reset`, async (p) => {
      await openPerson(p, 4);
      await openForm(p, 'reset');
      const rita = await acct(4);
      const upn = one(rita.entry, 'userPrincipalName') as string;
      // Generated, without must-change: the user can bind with it at once.
      await p.page.locator('input[name="mode"][value="generated"]').check();
      await p.page.locator('#mustChange').uncheck();
      await p.shot('generated without must-change');
      const res = await submit(p.page);
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'no-store', 'the page with the password is not cached');
      assert.equal(res.headers['location'], undefined, 'no redirect carries the password');
      await p.shot('password shown once');
      await checkA11y(p.page, 'the reset result');
      assert.equal(await p.page.locator('button[data-copy="new-password"]').isVisible(), true, 'the copy button (cadre.js) is shown');
      const pw = (await p.page.locator('#new-password').textContent()) ?? '';
      assert.equal(pw.length, 16);
      passwords.push(pw);
      assert.ok(!p.page.url().includes(pw), 'not in the URL');
      assert.equal(await userBind(upn, pw), 'ok', 'Samba accepts the new password');
      assert.notEqual(await attr(4, 'pwdLastSet'), '0');
      // Again, with must-change (the default): Samba now wants a change first, pwdLastSet is 0.
      await p.page.goto(`${url}/persons/4/forms/reset?target=ad`);
      assert.equal(await p.page.locator('#mustChange').isChecked(), true, 'must-change is ticked by default');
      await p.shot('second reset, must-change ticked');
      assert.equal((await submit(p.page)).status, 200);
      await p.shot('second password shown');
      const pw2 = (await p.page.locator('#new-password').textContent()) ?? '';
      passwords.push(pw2);
      assert.equal(await attr(4, 'pwdLastSet'), '0', 'must change at next logon');
      assert.equal(await userBind(upn, pw2), 'mustChange');
      // Gone once the page is left: the person page does not carry it.
      await p.page.goto(`${url}/persons/4/forms`);
      assert.ok(!(await p.page.content()).includes(pw2));
      clean(p);
    });
    const rows = await auditEvents();
    assert.equal(rows.filter((r) => r.event === 'helpdesk.resetPassword' && r.personId === '4').length, 2);
    for (const pw of passwords) {
      assert.ok(!rows.some((r) => r.payload.includes(pw)), 'no password in the audit');
      for (const f of readdirSync(dir).filter((n) => n.startsWith('cadre.db'))) assert.ok(!readFileSync(join(dir, f)).includes(Buffer.from(pw)), `${f} holds a password`);
    }
  });

  test('unlock a locked-out AD account (locked for real by failed binds under a PSO for that user alone)', async () => {
    const udo = await acct(5);
    const upn = one(udo.entry, 'userPrincipalName') as string;
    // A known password first, through the form service's own reset (the user's "old" password).
    await withPage(browser, `${FILE}/unlock`, async (p) => {
      await openPerson(p, 5);
      await openForm(p, 'reset');
      await p.page.locator('input[name="mode"][value="typed"]').check();
      // A password with part of the display name: the policy check refuses it before anything is sent.
      await p.page.locator('#password').fill(`Udo-${RUN}-Weak!7q`);
      await p.page.locator('#mustChange').uncheck();
      assert.equal((await submit(p.page)).status, 400);
      await p.shot('refused by the password policy');
      assert.equal(await p.page.locator('#form-error').getAttribute('data-code'), 'HELPDESK_PASSWORD_POLICY');
      assert.equal(await p.page.locator('#password').inputValue(), '', 'the refused password is not shown again');
      assert.equal(await p.page.locator('#mustChange').isChecked(), false, 'the choice is kept');
      const known = `Kn0wn-${RUN}-Pass!7q`;
      passwords.push(known);
      await p.page.locator('#password').fill(known);
      await p.page.locator('#mustChange').uncheck();
      assert.equal((await submit(p.page)).status, 200);
      assert.equal(await userBind(upn, known), 'ok');
      pso = await createLockoutPolicy(admin, `Cadre WebForms ${RUN}`);
      await pso.applyTo(udo.dn);
      await lockOutByBinds(udo.dn);
      assert.equal(await userBind(upn, known), 'locked');
      await p.page.goto(`${url}/persons/5/forms`);
      await p.shot('person page shows the lockout');
      assert.equal(await p.page.locator('tr[data-target="ad"] .badge.bad').first().textContent(), 'Locked');
      await openForm(p, 'unlock');
      assert.equal(await p.page.locator('#lock-state').getAttribute('data-locked'), 'true');
      const res = await submit(p.page);
      assert.equal(res.status, 200);
      await p.shot('unlocked');
      await p.page.locator('#form-result').waitFor();
      assert.equal(await attr(5, 'lockoutTime'), '0');
      assert.equal(await userBind(upn, known), 'ok', 'the user signs in again');
      clean(p, 1);
    });
  });

  test('an ad hoc phone edit survives the next full sync (telephoneNumber read from the directory)', async () => {
    assert.equal(await attr(1, 'telephoneNumber'), '+49 30 1000');
    await withPage(browser, `${FILE}/edit-phone`, async (p) => {
      await openPerson(p, 1);
      await openForm(p, 'edit-phone');
      assert.match((await p.page.locator('.override-note').textContent()) ?? '', /override that expires after 90 days/);
      await p.page.locator('input[name="attr.telephoneNumber"]').fill('+49 30 2222');
      await p.page.locator('#reason').fill('new desk');
      await p.shot('phone typed');
      assert.equal((await submit(p.page)).status, 200);
      await p.shot('phone saved');
      assert.match((await p.page.locator('#form-result').textContent()) ?? '', /Kept as overrides: telephoneNumber/);
      clean(p);
    });
    assert.equal(await attr(1, 'telephoneNumber'), '+49 30 2222');
    await sync();
    assert.equal(await attr(1, 'telephoneNumber'), '+49 30 2222', 'the full sync keeps the helpdesk edit');
  });

  test('a temporary disable survives the next full sync (userAccountControl), and enable restores the account', async () => {
    await withPage(browser, `${FILE}/disable`, async (p) => {
      await openPerson(p, 1);
      await openForm(p, 'lost-laptop');
      await p.page.locator('#reason').fill('laptop lost on the train');
      await p.shot('disable with reason');
      assert.equal((await submit(p.page)).status, 200);
      await p.shot('disabled');
      assert.equal(await attr(1, 'userAccountControl'), '514');
      await sync();
      assert.equal(await attr(1, 'userAccountControl'), '514', 'the hold keeps it disabled through the sync');
      await p.page.goto(`${url}/persons/1/forms/lost-laptop?target=ad`);
      assert.match((await p.page.locator('#hold-state').textContent()) ?? '', /laptop lost on the train/);
      await p.page.locator('#enable-reason').fill('found it');
      await p.shot('enable');
      assert.equal((await submit(p.page)).status, 200);
      await p.shot('enabled');
      clean(p);
    });
    assert.equal(await attr(1, 'userAccountControl'), '512');
    await sync();
    assert.equal(await attr(1, 'userAccountControl'), '512');
  });

  test('tampered hidden fields and direct posts cannot reset a protected account: refused (403), audited, nothing changes', async () => {
    const hanna = await acct(2);
    const fritz = await acct(3);
    const before = [one(hanna.entry, 'pwdLastSet'), one(fritz.entry, 'pwdLastSet'), one(fritz.entry, 'lockoutTime')];
    const mark = (await auditEvents()).length;
    await withPage(browser, `${FILE}/tamper`, async (p) => {
      await openPerson(p, 2);
      assert.equal(await p.page.locator('li[data-form]').count(), 0, 'no form is offered on the protected account');
      await p.shot('protected person offers nothing');
      await p.page.goto(`${url}/persons/4/forms/reset?target=ad`);
      // The person id: the form of an allowed person, re-pointed at the protected one in the DOM.
      await p.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { setAttribute(n: string, v: string): void } | null } }).document;
        doc.querySelector('form.helpdesk-form')?.setAttribute('action', '/persons/2/forms/reset');
      });
      await p.shot('form re-pointed at the protected person');
      let res = await submit(p.page);
      assert.equal(res.status, 403);
      await p.shot('refused: protected');
      assert.equal(await p.page.locator('#form-error').getAttribute('data-code'), 'HELPDESK_PROTECTED');
      assert.equal(await p.page.locator('#new-password').count(), 0);
      await checkA11y(p.page, 'the refusal page');
      // The target: a hidden field changed to a system the form does not act in.
      await p.page.goto(`${url}/persons/4/forms/reset?target=ad`);
      await p.page.locator('input[name="target"]').evaluate((el) => { (el as unknown as { value: string }).value = 'entra'; });
      res = await submit(p.page);
      assert.equal(res.status, 403);
      assert.equal(await p.page.locator('#form-error').getAttribute('data-code'), 'HELPDESK_TARGET_NOT_IN_FORM');
      // The form id: an admin-only form.
      await p.page.goto(`${url}/persons/4/forms/reset?target=ad`);
      await p.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { setAttribute(n: string, v: string): void } | null } }).document;
        doc.querySelector('form.helpdesk-form')?.setAttribute('action', '/persons/4/forms/admin-reset');
      });
      res = await submit(p.page);
      assert.equal(res.status, 403);
      await p.shot('refused: admin-only form');
      assert.equal(await p.page.locator('#form-error').getAttribute('data-code'), 'HELPDESK_FORBIDDEN');
      // A direct post with the session cookie and the page's CSRF token: Fritz is a member of a protected group.
      const token = await p.page.locator('meta[name="csrf-token"]').getAttribute('content') ?? '';
      for (const [path, form] of [['/persons/3/forms/reset', { target: 'ad', mode: 'typed', password: `Evil-${RUN}-Pw!9`, mustChangeAsked: '1' }], ['/persons/3/forms/unlock', { target: 'ad' }]] as const) {
        const r = await p.page.request.post(`${url}${path}`, { form: { ...form, _csrf: token } });
        assert.equal(r.status(), 403, path);
        assert.match(await r.text(), /data-code="HELPDESK_PROTECTED"/);
      }
      // Without the token the post does not even reach the form.
      const noToken = await p.page.request.post(`${url}/persons/3/forms/unlock`, { form: { target: 'ad' } });
      assert.equal(noToken.status(), 403);
      assert.doesNotMatch(await noToken.text(), /data-code=/);
    });
    assert.deepEqual([await attr(2, 'pwdLastSet'), await attr(3, 'pwdLastSet'), await attr(3, 'lockoutTime')], before, 'nothing changed in the directory');
    assert.equal(await userBind(one(fritz.entry, 'userPrincipalName') as string, `Evil-${RUN}-Pw!9`), 'wrongPassword');
    const refused = (await auditEvents()).slice(mark).filter((r) => r.event.endsWith('.refused')).map((r) => [r.event, r.personId, JSON.parse(r.payload).code]);
    assert.deepEqual(refused, [
      ['helpdesk.resetPassword.refused', '2', 'HELPDESK_PROTECTED'],
      ['helpdesk.resetPassword.refused', '4', 'HELPDESK_TARGET_NOT_IN_FORM'],
      ['helpdesk.resetPassword.refused', '4', 'HELPDESK_FORBIDDEN'],
      ['helpdesk.resetPassword.refused', '3', 'HELPDESK_PROTECTED'],
      ['helpdesk.unlock.refused', '3', 'HELPDESK_PROTECTED'],
    ]);
  });
});
