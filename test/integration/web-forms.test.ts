/**
 * The helpdesk form pages over HTTP (fastify inject) against a real SQLite store and the in-memory reference target
 * (every helpdesk capability): what the pages offer, what each POST hands to the helpdesk service, how refusals
 * render (403 / 400, English and German), that a new password appears once in the response and nowhere else, and
 * that tampered submissions are refused and audited. The same flows run in Chromium against Samba in
 * web-browser-helpdesk.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { configGuard } from '../../src/config/schema.js';
import type { Person } from '../../src/core/model.js';
import type { Role } from '../../src/core/roles.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { addUser } from '../../src/engine/web-users.js';
import { createMemoryTarget, type MemoryTarget } from '../../src/targets/conformance/memory-target.js';
import { buildApp } from '../../src/web/app.js';
import { TEST_SESSION_SECRET, webClient, type WebClient } from '../support/web.js';

const person = (id: string, first: string, last: string, over: Partial<Person> = {}): Person => ({
  id, firstName: first, lastName: last, status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01', department: 'Sales', email: `${first.toLowerCase()}@example.com`, ...over,
});
const PEOPLE = [
  person('1', 'Erika', 'Muster'),
  person('2', 'Max', 'Admin', { department: 'IT' }),
  person('5', 'Mia', 'Report', { supervisorId: '6' }),
  person('6', 'Manu', 'Manager'),
];
/** Undo the template's escaping (the page shows the password as HTML text). */
const unescape = (s: string): string => s.replace(/&(#(\d+)|amp|lt|gt|quot);/g, (_m, e: string, n?: string) => (n !== undefined ? String.fromCharCode(Number(n)) : ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[e] ?? ''));
const PASSWORD = (role: string): string => `pw-${role}-xxxxxxxxxxxx`;

describe('helpdesk form pages (inject, SQLite, memory target)', () => {
  let dir: string;
  let engine: Engine;
  let mem: MemoryTarget;
  let app: FastifyInstance;
  const clock = new Date('2026-12-02T10:00:00Z');
  const anchorOf = async (id: string): Promise<string> => (await engine.store.accounts.byPerson(id))[0]?.anchor ?? '';
  const sync = async (): Promise<void> => withRunLease(engine, { command: 'test' }, async (lease) => {
    await applyPrepared(engine, await preparePlan(engine, { source: { kind: 'store' } }), { actor: 'test', lease, storePersons: 'none' });
  });
  const signIn = async (role: Role, lang?: string): Promise<WebClient> => {
    const c = webClient(app);
    if (lang) c.cookies.set('lang', lang);
    const res = await c.post('/sign-in', { username: `t-${role}`, password: PASSWORD(role) });
    assert.equal(res.statusCode, 303);
    return c;
  };
  const audit = async (): Promise<{ event: string; actor: string; personId: string | null; payload: string }[]> => {
    const rows: { event: string; actor: string; personId: string | null; payload: string }[] = [];
    for await (const page of engine.store.audit.iterate()) for (const r of page) rows.push({ event: r.event, actor: r.actor, personId: r.personId ?? null, payload: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload) });
    return rows;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-web-forms-'));
    const config = configGuard.parse({
      source: { type: 'personio', baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
      store: { driver: 'sqlite', path: join(dir, 'cadre.db') },
      identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'] } },
      targets: {
        mem: {
          type: 'memory',
          attributes: { displayName: '{{ firstName }} {{ lastName }}', department: '{{ department }}', userPrincipalName: '{{ id.username }}@example.com' },
          identifiers: { username: ['sAMAccountName'] },
          managedEntitlements: ['GG-*'],
        },
      },
      entitlements: [
        { name: 'all', grant: { mem: ['GG-All'] } },
        { name: 'tier0', when: { department: 'IT' }, grant: { mem: ['GG-Tier0'] } },
      ],
      protection: { memberOf: ['GG-Tier0'], groups: ['GG-Tier0'] },
      forms: [
        { id: 'reset', type: 'resetPassword', title: { en: 'Reset a password', de: 'Passwort neu setzen' }, roles: ['helpdesk', 'admin'], password: { generate: true, allowTyped: true, mustChange: 'ask' } },
        { id: 'unlock', type: 'unlock', roles: ['helpdesk', 'manager'] },
        { id: 'edit', type: 'edit', roles: ['helpdesk'], attributes: ['telephoneNumber', 'department'], overrideDays: 10 },
        { id: 'lost-laptop', type: 'disable', roles: ['helpdesk'], maxDays: 30 },
        { id: 'groups', type: 'groups', roles: ['helpdesk'], groups: ['GG-VPN', 'GG-All'] },
      ],
      web: { signInRateLimit: { max: 10_000, window: '1m' } },
    });
    const opened = await openEngine(config, { storeOnly: true, now: () => clock });
    mem = createMemoryTarget({ name: 'mem', identifierAttributes: { username: ['sAMAccountName'] } });
    engine = { ...opened, targets: new Map([['mem', mem.connector]]) };
    await engine.store.persons.replaceAll(PEOPLE);
    await sync();
    for (const role of ['admin', 'helpdesk', 'manager', 'auditor'] as const) {
      await addUser(engine, { username: `t-${role}`, role, password: PASSWORD(role), displayName: `T ${role}`, actor: 'test', ...(role === 'manager' ? { personId: '6' } : {}) });
    }
    app = await buildApp(engine, { sessionSecret: TEST_SESSION_SECRET, now: () => clock });
  });
  after(async () => {
    await app?.close();
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('search, then the forms available for the person, with config titles in the UI language', async () => {
    const c = await signIn('helpdesk');
    const s = await c.get('/forms?q=erika');
    assert.equal(s.statusCode, 200);
    assert.match(s.body, /href="\/persons\/1\/forms">Erika Muster<\/a>/);
    assert.doesNotMatch(s.body, /Max Admin/);
    const p = await c.get('/persons/1/forms');
    assert.equal(p.statusCode, 200);
    for (const id of ['reset', 'unlock', 'edit', 'lost-laptop', 'groups']) assert.match(p.body, new RegExp(`data-form="${id}"`), id);
    assert.match(p.body, /Reset a password: <a href="\/persons\/1\/forms\/reset\?target&#61;mem">in mem<\/a>/);
    const de = await signIn('helpdesk', 'de');
    assert.match((await de.get('/persons/1/forms')).body, /Passwort neu setzen/);
    // The protected person (member of GG-Tier0) is offered nothing, and the form page is not there.
    assert.doesNotMatch((await c.get('/persons/2/forms')).body, /data-form=/);
    assert.equal((await c.get('/persons/2/forms/reset?target=mem')).statusCode, 404);
    // The person page links to the helpdesk page for roles that may open it, and not for auditors.
    assert.match((await c.get('/persons/1')).body, /class="helpdesk-link"><a href="\/persons\/1\/forms">/);
    const auditorPage = await (await signIn('auditor')).get('/persons/1');
    assert.equal(auditorPage.statusCode, 200);
    assert.doesNotMatch(auditorPage.body, /helpdesk-link/);
  });

  test('reset: the generated password is in the response once, no-store, and nowhere else (session, audit, store files)', async () => {
    const c = await signIn('helpdesk');
    const form = await c.get('/persons/1/forms/reset?target=mem');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="mustChangeAsked" value="1"/);
    const res = await c.post('/persons/1/forms/reset', { target: 'mem', mode: 'generated', mustChangeAsked: '1' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.location, undefined);
    const shown = /<output id="new-password"[^>]*>([^<]+)<\/output>/.exec(res.body)?.[1] ?? '';
    assert.equal(res.body.split(shown).length - 1, 1, 'shown exactly once');
    const pw = unescape(shown);
    assert.equal(pw.length, 16);
    assert.ok(mem.verifyPassword(await anchorOf('1'), pw));
    assert.equal(mem.row(await anchorOf('1'))?.mustChangePassword, false, 'the unticked box means no must-change');
    // Not in the next page of the session, the audit, or any file of the store.
    assert.ok(!(await c.get('/persons/1/forms')).body.includes(pw));
    assert.ok(!JSON.stringify(await audit()).includes(pw));
    for (const f of readdirSync(dir).filter((n) => n.startsWith('cadre.db'))) assert.ok(!readFileSync(join(dir, f)).includes(Buffer.from(pw)), f);
    // The form's one-time token: the same submission again (a reload of the result page) resets nothing.
    const once = /name="once" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    assert.ok(once !== '');
    const first = await c.post('/persons/1/forms/reset', { target: 'mem', mode: 'generated', mustChangeAsked: '1', once });
    assert.equal(first.statusCode, 200);
    const pw1 = unescape(/<output id="new-password"[^>]*>([^<]+)<\/output>/.exec(first.body)?.[1] ?? '');
    const again = await c.post('/persons/1/forms/reset', { target: 'mem', mode: 'generated', once });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already submitted/);
    assert.ok(mem.verifyPassword(await anchorOf('1'), pw1), 'the password of the first submission stands');
    const row = (await audit()).filter((r) => r.event === 'helpdesk.resetPassword').at(-1);
    assert.equal(row?.actor, 'web:t-helpdesk', 'the audit actor is web:<user name>');
    assert.equal(JSON.parse(row?.payload ?? '{}').mustChange, false);
  });

  test('a typed password the policy refuses: 400 with the message (German too), never echoed back', async () => {
    const weak = 'erika1';
    const en = await (await signIn('helpdesk')).post('/persons/1/forms/reset', { target: 'mem', mode: 'typed', password: weak, mustChangeAsked: '1', mustChange: '1' });
    assert.equal(en.statusCode, 400);
    assert.match(en.body, /data-code="HELPDESK_PASSWORD_POLICY"/);
    assert.match(en.body, /does not meet the password policy/);
    assert.ok(!en.body.includes(weak), 'the typed password is not rendered back');
    const de = await (await signIn('helpdesk', 'de')).post('/persons/1/forms/reset', { target: 'mem', mode: 'typed', password: weak });
    assert.equal(de.statusCode, 400);
    assert.match(de.body, /erfüllt die Passwortrichtlinie nicht/);
    const empty = await (await signIn('helpdesk')).post('/persons/1/forms/reset', { target: 'mem', mode: 'typed', password: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Type the new password/);
  });

  test('tampered submissions (protected person, other target, other form, a manager outside scope) are refused with 403 and audited', async () => {
    const c = await signIn('helpdesk');
    const before = mem.row(await anchorOf('2'));
    const mark = (await audit()).length;
    const cases: [string, Record<string, string>, string][] = [
      ['/persons/2/forms/reset', { target: 'mem', mode: 'generated' }, 'HELPDESK_PROTECTED'],
      ['/persons/1/forms/reset', { target: 'ad', mode: 'generated' }, 'HELPDESK_TARGET_NOT_IN_FORM'],
      ['/persons/2/forms/unlock', { target: 'mem' }, 'HELPDESK_PROTECTED'],
      ['/persons/1/forms/edit', { target: 'mem', 'attr.displayName': 'Hacked' }, 'HELPDESK_ATTRIBUTE_NOT_ALLOWED'],
      ['/persons/1/forms/groups', { target: 'mem', group: 'GG-Tier0' }, 'HELPDESK_GROUP_PROTECTED'],
    ];
    for (const [url, form, code] of cases) {
      const res = await c.post(url, form);
      assert.equal(res.statusCode, 403, `${url} ${code}: ${res.statusCode}`);
      assert.match(res.body, new RegExp(`data-code="${code}"`));
    }
    const mgr = await signIn('manager');
    const out = await mgr.post('/persons/1/forms/unlock', { target: 'mem' });
    assert.equal(out.statusCode, 403);
    assert.doesNotMatch(out.body, /Erika/, 'nothing about a person outside the scope');
    assert.equal((await mgr.get('/persons/1/forms')).statusCode, 404);
    assert.equal((await mgr.post('/persons/5/forms/unlock', { target: 'mem' })).statusCode, 200, 'their own report');
    const rows = (await audit()).slice(mark).filter((r) => r.event.endsWith('.refused'));
    assert.deepEqual(rows.map((r) => JSON.parse(r.payload).code), [...cases.map(([, , code]) => code), 'HELPDESK_FORBIDDEN']);
    assert.deepEqual(mem.row(await anchorOf('2')), before, 'the protected account is unchanged');
    // The auditor may not even open the form pages; without a CSRF token nothing is posted.
    assert.equal((await (await signIn('auditor')).get('/persons/1/forms')).statusCode, 403);
    assert.equal((await c.post('/persons/1/forms/unlock', { target: 'mem' }, { csrf: false })).statusCode, 403);
  });

  test('edit sends only changed fields: a changed rule-mapped attribute becomes an override, unchanged ones do not', async () => {
    const c = await signIn('helpdesk');
    const page = await c.get('/persons/1/forms/edit?target=mem');
    assert.match(page.body, /name="attr\.department"[^>]*value="Sales"/);
    assert.match(page.body, /override that expires after 10 days/);
    const res = await c.post('/persons/1/forms/edit', { target: 'mem', 'attr.telephoneNumber': '+49 30 555', 'attr.department': 'Sales', reason: 'ticket 7' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await engine.store.overrides.byPerson('1'), [], 'department was unchanged: no override');
    assert.equal(mem.row(await anchorOf('1'))?.attributes['telephoneNumber'], '+49 30 555');
    const dept = await c.post('/persons/1/forms/edit', { target: 'mem', 'attr.telephoneNumber': '+49 30 555', 'attr.department': 'Key Accounts' });
    assert.equal(dept.statusCode, 200);
    assert.match(dept.body, /Kept as overrides: department/);
    assert.deepEqual((await engine.store.overrides.byPerson('1')).map((o) => [o.attribute, o.value]), [['department', 'Key Accounts']]);
    const nothing = await c.post('/persons/1/forms/edit', { target: 'mem', 'attr.telephoneNumber': '+49 30 555' });
    assert.equal(nothing.statusCode, 400);
  });

  test('groups: ticking and unticking the form\'s groups; temporary disable and enable', async () => {
    const c = await signIn('helpdesk');
    const page = await c.get('/persons/5/forms/groups?target=mem');
    assert.match(page.body, /value="GG-All" checked/);
    const g = await c.post('/persons/5/forms/groups', { target: 'mem', group: 'GG-VPN' });
    assert.equal(g.statusCode, 200, g.body);
    assert.match(g.body, /Added: GG-VPN\. Removed: GG-All\./);
    assert.deepEqual([...(mem.row(await anchorOf('5'))?.entitlements ?? [])].sort(), ['GG-VPN']);

    const noReason = await c.post('/persons/5/forms/lost-laptop', { target: 'mem', op: 'disable', reason: ' ' });
    assert.equal(noReason.statusCode, 400);
    const d = await c.post('/persons/5/forms/lost-laptop', { target: 'mem', op: 'disable', reason: 'lost laptop', until: '2026-12-10' });
    assert.equal(d.statusCode, 200, d.body);
    assert.equal(mem.row(await anchorOf('5'))?.enabled, false);
    const held = await c.get('/persons/5/forms/lost-laptop?target=mem');
    assert.match(held.body, /id="hold-state"/);
    assert.match(held.body, /name="op" value="enable"/);
    const e = await c.post('/persons/5/forms/lost-laptop', { target: 'mem', op: 'enable', reason: 'found' });
    assert.equal(e.statusCode, 200, e.body);
    assert.equal(mem.row(await anchorOf('5'))?.enabled, true);
    assert.equal((await c.post('/persons/5/forms/lost-laptop', { target: 'mem', op: 'enable' })).statusCode, 409);
  });

  test('unlock shows the live lock state and clears it', async () => {
    const c = await signIn('helpdesk');
    mem.lockOut(await anchorOf('1'));
    const page = await c.get('/persons/1/forms/unlock?target=mem');
    assert.match(page.body, /id="lock-state" data-locked="true"/);
    const res = await c.post('/persons/1/forms/unlock', { target: 'mem' });
    assert.equal(res.statusCode, 200);
    assert.equal(mem.row(await anchorOf('1'))?.locked, false);
  });
});
