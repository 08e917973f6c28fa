/**
 * First-password delivery with a Temporary Access Pass (issue 10 §5), end to end: Personio simulator → Cadre →
 * Entra (Graph simulator) with `notifications.passwordDelivery: tap`. The joiner's account is created before the hire day
 * with a TAP starting at local midnight of the hire day; the manager sees it exactly once in the console (HTTP), a
 * second view finds it gone; another manager and the helpdesk cannot; neither the audit log, the store file nor the
 * log output ever holds the pass; the pass is the one Entra accepts on the first day.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { addDays, localDate } from '../../src/core/lifecycle.js';
import { startOfLocalDay } from '../../src/core/rules/filetime.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { fullSync } from '../../src/engine/sync.js';
import { addUser } from '../../src/engine/web-users.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { buildApp } from '../../src/web/app.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { webClient, type WebClient } from '../support/web.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { freePort, signInLocal } from '../support/console.js';

const SECRET = 'first-password-test-session-secret-0123456789';
const today = localDate(new Date().toISOString(), 'Europe/Berlin');
const hireDate = addDays(today, 5);
const staff = [
  employee({ id: 1, first: 'Marta', last: 'Chefin', email: 'marta.chefin@hr.example', department: 'Finance', office: 'Berlin' }),
  employee({ id: 2, first: 'Neo', last: 'Neu', email: 'neo.neu@hr.example', department: 'Finance', office: 'Berlin', supervisorId: 1, hireDate }),
  employee({ id: 3, first: 'Otto', last: 'Anders', email: 'otto.anders@hr.example', department: 'Sales', office: 'Berlin' }),
];

describe('first password: Temporary Access Pass shown once to the manager', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let smtp: TestSmtpServer;
  let engine: Engine;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const logLines: string[] = [];
  let pass = '';
  /** Every credential value a test saw (none may appear anywhere else). */
  const seen: string[] = [];
  let port = 0;

  const signIn = async (username: string): Promise<WebClient> => {
    const c = webClient(app);
    const res = await c.post('/sign-in', { username, password: `pw-${username}-long-enough` });
    assert.equal(res.statusCode, 303, `sign-in as ${username}`);
    return c;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-tap-'));
    smtp = await startSmtpServer();
    port = await freePort();
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.com'],
      // The first day needs more than Entra's default maximum of 8 hours.
      tapPolicy: { maximumLifetimeInMinutes: 1440 },
      skus: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 10 }, { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 10 }],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    const file = writeEntraE2eConfig({
      dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId,
      extra: `notifications:\n  passwordDelivery: tap\n  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: "cadre@example.com", insecure: true }\n  events: { joiner: [manager] }\nfirstPassword: { tap: { lifetimeMinutes: 1440 }, showForDays: 3 }\nweb: { sessionSecret: ${JSON.stringify(SECRET)}, publicUrl: "http://127.0.0.1:${port}", signInRateLimit: { max: 1000, window: 1m } }`,
    });
    // Every log line at the most verbose level, to search for the pass.
    const log = pino({ level: 'trace' }, { write: (s: string) => { logLines.push(s); } });
    engine = await openEngine(await loadConfigOrThrow(file), { log });
    app = await buildApp(engine, { sessionSecret: SECRET });
  });
  after(async () => {
    await app?.close();
    await engine?.close();
    await graph?.close();
    await personio?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the plan carries the TAP on the Entra create; the sync creates it from local midnight of the hire day', async () => {
    const r = await fullSync(engine, { actor: 'test' });
    // Console users (managers link to their Personio person, known to the store after the sync).
    for (const [username, role, personId] of [['marta', 'manager', '1'], ['otto', 'manager', '3'], ['hilde', 'helpdesk', undefined], ['ada', 'admin', undefined]] as const) {
      await addUser(engine, { username, role, password: `pw-${username}-long-enough`, displayName: username, actor: 'test', ...(personId ? { personId } : {}) });
    }
    const create = r.prepared.plan.operations.find((o) => o.action === 'create' && o.personId === '2');
    const start = new Date(startOfLocalDay(hireDate, 'Europe/Berlin')).toISOString();
    assert.ok(create && create.action === 'create');
    assert.deepEqual(create.firstSignIn, { kind: 'tap', startDateTime: start, lifetimeInMinutes: 1440, isUsableOnce: false });
    assert.equal(create.enabled, false, 'a pre-hire account');
    assert.equal(r.report?.counts.failed ?? 0, 0);

    const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '2');
    assert.ok(user, 'the account exists');
    const tap = graph.state.taps.get(user.id);
    assert.ok(tap, 'a TAP exists for the joiner');
    assert.equal(tap.startDateTime, start.replace('.000Z', 'Z'));
    assert.equal(tap.lifetimeInMinutes, 1440);
    // Marta and Otto are new to Entra too (accounts created now), so they get passes of their own; Neo's is the one tested.

    const events = (await engine.store.audit.query({ event: 'credential', personId: '2' }, { limit: 10_000 })).map((e) => e.event).sort();
    assert.deepEqual(events.filter((e) => e.startsWith('credential.tap')), ['credential.tap.created']);
    assert.ok(events.includes('credential.stored'));
  });

  test('another manager and the helpdesk cannot see it; the manager sees it once; the second view finds it gone', async () => {
    const otto = await signIn('otto');
    const ottoList = await otto.get('/credentials');
    assert.equal(ottoList.statusCode, 200);
    assert.doesNotMatch(ottoList.body, /Neo Neu/);
    const waiting = (await engine.store.credentials.waiting(new Date().toISOString())).find((c) => c.personId === '2');
    assert.ok(waiting && waiting.kind === 'tap' && waiting.personId === '2');
    assert.equal((await otto.post(`/credentials/${waiting.id}/reveal`)).statusCode, 404, "someone else's is not found");
    const hilde = await signIn('hilde');
    assert.equal((await hilde.get('/credentials')).statusCode, 403);
    assert.equal((await hilde.post(`/credentials/${waiting.id}/reveal`)).statusCode, 403);

    const marta = await signIn('marta');
    const list = await marta.get('/credentials');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Neo Neu/);
    assert.match(list.body, new RegExp(`/credentials/${waiting.id}/reveal`));
    const shown = await marta.post(`/credentials/${waiting.id}/reveal`);
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.headers['cache-control'], 'no-store');
    pass = /<code class="secret">([^<]+)<\/code>/.exec(shown.body)?.[1] ?? '';
    assert.equal(pass.length, 8, 'the pass is on the page');
    seen.push(pass);
    const again = await marta.post(`/credentials/${waiting.id}/reveal`);
    assert.equal(again.statusCode, 410);
    assert.ok(!again.body.includes(pass), 'the second view shows nothing');
    assert.doesNotMatch((await marta.get('/credentials')).body, /Neo Neu/, 'no longer waiting');

    // It is the pass Entra accepts, from the hire day on.
    const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '2');
    assert.ok(user);
    assert.equal(graph.state.signInWithTap(user.id, pass), false, 'not before the hire day');
    graph.state.advance(startOfLocalDay(hireDate, 'Europe/Berlin') - graph.state.now().getTime() + 60_000);
    assert.equal(graph.state.signInWithTap(user.id, pass), true);

    const viewed = (await engine.store.audit.query({ event: 'credential.viewed' }, { limit: 10_000 }));
    assert.equal(viewed.length, 1);
    assert.equal(viewed[0]?.actor, 'web:marta');
    assert.equal(viewed[0]?.personId, '2');
    const refused = (await engine.store.audit.query({ event: 'credential.refused' }, { limit: 10_000 }));
    assert.equal(refused.map((r) => r.actor).join(), 'web:otto');
  });

  test('in Chromium: an admin opens New hire credentials from the menu, shows one once, and it is gone after', async () => {
    await app.listen({ port, host: '127.0.0.1' });
    const browser = await launchBrowser();
    const tp = await openPage(browser, 'first-password-tap/chromium-show-once');
    try {
      const { page } = tp;
      await signInLocal(page, { url: `http://127.0.0.1:${port}` }, 'ada', 'pw-ada-long-enough');
      await page.getByRole('link', { name: 'New hire credentials' }).click();
      await page.waitForURL((u) => u.pathname === '/credentials');
      // Neo's was viewed by his manager already; Otto's (no manager: admins only) is waiting.
      assert.equal(await page.getByRole('cell', { name: 'Neo Neu' }).count(), 0);
      await page.getByRole('button', { name: /Otto Anders/ }).click();
      const value = (await page.locator('code.secret').textContent()) ?? '';
      assert.equal(value.length, 8);
      seen.push(value);
      await tp.shot('shown-once');
      const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '3');
      // The simulator's clock is past Otto's pass by now (the previous test moved it to Neo's first day): compare hashes.
      assert.equal(graph.state.taps.get(user?.id ?? '')?.passHash, createHash('sha256').update(value).digest('hex'), 'the shown pass is the account\'s');
      await page.getByRole('link', { name: 'Back to new hire credentials' }).click();
      assert.equal(await page.getByRole('button', { name: /Otto Anders/ }).count(), 0, 'gone from the list');
      assert.deepEqual(tp.errors, [], 'no console or CSP errors');
    } finally {
      await tp.close();
      await browser.close();
    }
  });

  test('the pass is nowhere: the joiner mail, audit rows, the store file, the log output', async () => {
    assert.ok(pass !== '');
    const mails = smtp.messages.filter((m) => /Neo Neu/.test(m.subject ?? ''));
    assert.equal(mails.length, 1, 'the manager got the joiner mail');
    assert.match(mails[0]?.text ?? '', /Temporary Access Pass/, 'it says a TAP waits in the console');
    assert.equal(seen.length, 2);
    for (const v of seen) assert.ok(!smtp.messages.some((m) => (m.text ?? '').includes(v) || String(m.html ?? '').includes(v)), 'no mail holds a pass');
    const rows = (await engine.store.audit.query({}, { limit: 10_000 }));
    assert.ok(rows.length > 10);
    for (const v of seen) assert.ok(!JSON.stringify(rows).includes(v), 'no audit row holds a pass');
    const db = readFileSync(join(dir, 'cadre.db'));
    const wal = (() => { try { return readFileSync(join(dir, 'cadre.db-wal')); } catch { return Buffer.alloc(0); } })();
    for (const v of seen) assert.ok(!db.includes(v) && !wal.includes(v), 'nor the database file');
    assert.equal((await engine.store.credentials.byPerson('2'))[0]?.ended, 'viewed');
    assert.ok(logLines.length > 0, 'the engine logged');
    for (const v of seen) assert.ok(!logLines.join('\n').includes(v), 'nor any log line');
  });
});
