/**
 * Notifications through a real SMTP server (STARTTLS with a self-signed certificate): the joiner mail goes to the
 * manager in her language and never carries a password; with passwordDelivery mail-separate the first password comes
 * in a separate mail to the manager alone; a notification left pending by a killed apply is still sent; the daily
 * digest goes out once however many engines tick.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NotifyOperation, Operation, Plan } from '../../src/core/model.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { createStore } from '../../src/store/index.js';
import { openEngine } from '../../src/engine/engine.js';
import { sendDigest } from '../../src/engine/digest.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';
import { spawnCli } from '../support/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const staff = [
  employee({ id: 1, first: 'Marta', last: 'Chefin', email: 'marta.chefin@hr.example', department: 'Finance', office: 'Berlin', language: 'de' }),
  employee({ id: 2, first: 'Neo', last: 'Neu', email: 'neo.neu@hr.example', department: 'Finance', office: 'Berlin', supervisorId: 1 }),
];

describe('engine notifications', () => {
  let dir: string;
  let smtp: TestSmtpServer;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const notifications = (port: number, delivery?: string) => `notifications:
  smtp: { host: 127.0.0.1, port: ${port}, secure: false, from: "cadre@example.com", insecure: true }
  events: { joiner: [manager, "it-desk@example.com"] }${delivery ? `\n  passwordDelivery: ${delivery}` : ''}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-notify-'));
    smtp = await startSmtpServer();
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff });
  });
  after(async () => {
    await sim.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A killed run's pending joiner mail, journaled as `journaled` shapes it, is sent by the next run, once. */
  const killedJoinerIsSent = async (where: string, journaled: (op: NotifyOperation) => object): Promise<void> => {
    const full = writeEngineConfig({ dir: where, personioUrl: sim.url, extra: notifications(smtp.port) });
    const plan = JSON.parse((await runCli(['plan', '--json', '--config', full])).stdout) as Plan;
    const joiner = plan.operations.find((o): o is NotifyOperation => o.action === 'notify' && o.personId === '2' && o.event === 'joiner');
    assert.ok(joiner, 'the plan notifies the manager of the joiner');
    assert.ok(joiner.dependsOn.length > 0, 'after the creates');

    // Accounts get created without notifications (as if the killed run got that far)…
    const quiet = writeEngineConfig({ dir: where, personioUrl: sim.url });
    assert.equal((await runCli(['sync', '--config', quiet])).code, 0);
    // …and the journal still holds its pending joiner notification.
    const store = await createStore((await loadConfigOrThrow(full)).store);
    await store.migrate();
    await store.runs.start({ id: 'run-killed', kind: 'apply' });
    await store.journal.add('run-killed', [journaled(joiner) as Operation]);
    await store.close();

    const before = smtp.messages.length;
    writeEngineConfig({ dir: where, personioUrl: sim.url, extra: notifications(smtp.port) });
    const r = await runCli(['sync', '--config', full]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // One mail per language: German for Marta (Personio language_code de), English for the IT desk.
    const mails = (await smtp.waitFor(before + 2, 10_000)).slice(before);
    const envs = smtp.envelopes.slice(before);
    for (const mail of mails) {
      assert.match(mail.subject ?? '', /Neo Neu/);
      assert.doesNotMatch(mail.text ?? '', /passw/i, 'SQL targets set no password, so none is mentioned');
    }
    const toMarta = mails[envs.findIndex((e) => e.to.includes('marta.chefin@hr.example'))];
    const toDesk = mails[envs.findIndex((e) => e.to.includes('it-desk@example.com'))];
    assert.match(toMarta?.subject ?? '', /^Neue Kollegin\/neuer Kollege: Konten für Neo Neu sind bereit$/);
    assert.match(toMarta?.text ?? '', /Konten:\n {2}- erp/);
    assert.match(toDesk?.subject ?? '', /^New colleague: accounts for Neo Neu are ready$/);
    assert.ok(envs.every((e) => e.secure), 'STARTTLS on every session');
    const to = envs.flatMap((e) => e.to).sort();
    assert.deepEqual(to, ['it-desk@example.com', 'marta.chefin@hr.example']);
    const again = await runCli(['sync', '--config', full]);
    assert.equal(again.code, 0);
    assert.equal(smtp.messages.length, before + 2, 'sent once, never again');
  };

  test('a joiner notification left pending by a killed apply is sent by the next run', () => killedJoinerIsSent(dir, (op) => op));

  test('a pending notification journaled by the previous version (a `data` bag) is sent after the upgrade too', async () => {
    const where = join(dir, 'before-upgrade');
    mkdirSync(where);
    await killedJoinerIsSent(where, ({ event, to, targets, ...rest }) => ({ ...rest, data: { event, to, targets } }));
  });

  const withEntra = async (delivery: string | undefined, check: (mails: { subject: string; text: string; html: string; to: readonly string[] }[], checkPassword: (pw: string) => boolean, config: string) => Promise<void>): Promise<void> => {
    const graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.com'], skus: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 10 }, { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 10 }] });
    const entraDir = mkdtempSync(join(tmpdir(), 'cadre-notify-entra-'));
    try {
      for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
        graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
      }
      const before = smtp.messages.length;
      const config = writeEntraE2eConfig({ dir: entraDir, personioUrl: sim.url, graphUrl: graph.url, tenantId: graph.tenantId, extra: notifications(smtp.port, delivery) });
      const r = await runCli(['sync', '--config', config]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      await smtp.waitFor(before + 2, 10_000);
      await new Promise((res) => setTimeout(res, 300)); // a password mail, if any, follows the joiner mails
      const mails = smtp.messages.slice(before).map((m, i) => ({ subject: m.subject ?? '', text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '', to: smtp.envelopes[before + i]?.to ?? [] }));
      const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '2');
      assert.ok(user, 'the account exists');
      await check(mails, (pw) => graph.state.checkPassword(user.id, pw), config);
    } finally {
      await graph.close();
      rmSync(entraDir, { recursive: true, force: true });
    }
  };

  test('by default no mail carries the password: the German manager is told the console shows it once', () => withEntra(undefined, async (mails) => {
    const forNeo = mails.filter((m) => /Neo Neu/.test(m.subject));
    assert.equal(forNeo.length, 2, 'one joiner mail per language, no password mail');
    const toManager = forNeo.find((m) => m.to.includes('marta.chefin@hr.example'));
    assert.ok(toManager);
    assert.match(toManager.text, /Erstes Passwort: Es steht nicht in dieser Mail\. Melden Sie sich in der Cadre-Konsole an/);
    assert.match(toManager.text, /Eintrittsdatum: +01\.01\.2020/, 'German date format');
    assert.match(toManager.text, /- entra: Anmeldename \S+@example\.com/, 'the account name per target');
    for (const m of mails) assert.doesNotMatch(m.text + m.html, /CONFIDENTIAL|VERTRAULICH/);
  }));

  test('passwordDelivery mail-separate: the first password comes in a separate mail to the manager alone, on or after the start date', () => withEntra('mail-separate', async (mails, checkPassword, config) => {
    const forNeo = mails.filter((m) => /Neo Neu/.test(m.subject));
    const joiners = forNeo.filter((m) => /Konten für|accounts for/.test(m.subject));
    const passwordMails = forNeo.filter((m) => /Vertraulich|Confidential/.test(m.subject));
    assert.equal(joiners.length, 2);
    assert.equal(passwordMails.length, 1, 'exactly one password mail');
    const [pm] = passwordMails;
    assert.ok(pm);
    assert.deepEqual(pm.to, ['marta.chefin@hr.example'], 'to the manager alone');
    assert.match(pm.subject, /^Vertraulich: erstes Passwort für Neo Neu$/, 'in her language');
    const password = /ERSTES PASSWORT =+\n[^\n]*: (\S+)\n/.exec(pm.text)?.[1] ?? '';
    assert.ok(password.length >= 12 && checkPassword(password), 'the mailed password is the one set on the account');
    for (const m of joiners) {
      assert.ok(!m.text.includes(password) && !m.html.includes(password), 'no joiner mail carries the password');
      assert.match(m.text, /separate mail on the start date|eigenen Mail am Eintrittsdatum/);
    }
    const audit = await runCli(['audit', 'export', '--format', 'json', '--config', config]);
    assert.ok(!audit.stdout.includes(password), 'the password never reaches the audit log');
  }));

  test('mail-separate for a pre-hire joiner: no password mail while the account waits, the first password on day one', async () => {
    const graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.com'], skus: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 10 }, { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 10 }] });
    const preSim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [staff[0] as (typeof staff)[number], employee({ id: 3, first: 'Paula', last: 'Prehire', email: 'paula@hr.example', department: 'Finance', office: 'Berlin', supervisorId: 1, hireDate: '2031-03-03' })] });
    const preDir = mkdtempSync(join(tmpdir(), 'cadre-notify-prehire-'));
    try {
      for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
        graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
      }
      const config = writeEntraE2eConfig({ dir: preDir, personioUrl: preSim.url, graphUrl: graph.url, tenantId: graph.tenantId, extra: notifications(smtp.port, 'mail-separate') });
      const forPaula = (from: number) => smtp.messages.slice(from).map((m, i) => ({ m, to: smtp.envelopes[from + i]?.to ?? [] })).filter((x) => /Paula Prehire/.test(x.m.subject ?? ''));
      const before = smtp.messages.length;
      const r = await runCli(['sync', '--at', '2031-02-24T09:00:00Z', '--config', config]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      await smtp.waitFor(before + 2, 10_000);
      await new Promise((res) => setTimeout(res, 300));
      const early = forPaula(before);
      assert.equal(early.length, 2, 'the joiner mails (de + en) at creation, nothing else');
      for (const x of early) assert.doesNotMatch(x.m.subject ?? '', /Vertraulich|Confidential/);
      assert.match(early.find((x) => x.to.includes('marta.chefin@hr.example'))?.m.text ?? '', /beginnt am 03\.03\.2031/);
      const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '3');
      assert.ok(user && user.props['accountEnabled'] === false, 'created disabled before day one');

      // The day before: still nothing.
      const dayBefore = smtp.messages.length;
      assert.equal((await runCli(['sync', '--at', '2031-03-02T20:00:00Z', '--config', config])).code, 0);
      await new Promise((res) => setTimeout(res, 300));
      assert.equal(forPaula(dayBefore).length, 0);

      // Day one: enabled, a new first password set and mailed to the manager alone.
      const dayOne = smtp.messages.length;
      const one = await runCli(['sync', '--at', '2031-03-03T06:00:00Z', '--config', config]);
      assert.equal(one.code, 0, one.stdout + one.stderr);
      await smtp.waitFor(dayOne + 1, 10_000);
      const pm = forPaula(dayOne);
      assert.equal(pm.length, 1);
      assert.deepEqual(pm[0]?.to, ['marta.chefin@hr.example']);
      const password = /ERSTES PASSWORT =+\n[^\n]*: (\S+)\n/.exec(pm[0]?.m.text ?? '')?.[1] ?? '';
      assert.ok(graph.state.checkPassword(user.id, password), 'the mailed password is the one set on day one');
      assert.equal(graph.state.liveUsers().find((u) => u.id === user.id)?.props['accountEnabled'], true);
      for (const x of [...early, ...pm.slice(1)]) assert.ok(!(x.m.text ?? '').includes(password));
    } finally {
      await graph.close();
      await preSim.close();
      rmSync(preDir, { recursive: true, force: true });
    }
  });

  test('the daily digest goes out once per day even with two engines ticking, in the recipient language', async () => {
    const where = mkdtempSync(join(tmpdir(), 'cadre-notify-digest-'));
    try {
      const extra = `notifications:
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: "cadre@example.com", insecure: true }
  digest: { to: ["marta.chefin@hr.example", "ops@example.com"], at: "00:00" }`;
      const config = writeEngineConfig({ dir: where, personioUrl: sim.url, extra });
      assert.equal((await runCli(['sync', '--config', config])).code, 0);
      // Tomorrow at midnight local time the digest covers today: two engines on the same store race for it.
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      const cfg = await loadConfigOrThrow(config);
      const a = await openEngine(cfg, { now: () => tomorrow });
      const b = await openEngine(cfg, { now: () => tomorrow });
      try {
        const before = smtp.messages.length;
        const outcomes = await Promise.all([sendDigest(a), sendDigest(b), sendDigest(a)]);
        assert.deepEqual(outcomes.filter((o) => o === 'sent').length, 1, outcomes.join(','));
        assert.ok(outcomes.every((o) => o === 'sent' || o === 'already-sent'));
        const mails = (await smtp.waitFor(before + 2, 10_000)).slice(before);
        await new Promise((res) => setTimeout(res, 300));
        assert.equal(smtp.messages.length, before + 2, 'one mail per language, once');
        const de = mails.find((m) => /Tagesübersicht/.test(m.subject ?? ''));
        const en = mails.find((m) => /daily digest/.test(m.subject ?? ''));
        assert.ok(de && en);
        assert.match(de.text ?? '', /Eintritte \(2\):\n {2}- Marta Chefin \(#1\): erp\n {2}- Neo Neu \(#2\): erp/);
        assert.match(en.text ?? '', /2 joiners, 0 movers, 0 leavers, 0 failures, 0 blocks/);
        assert.equal(await sendDigest(b), 'already-sent');
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      rmSync(where, { recursive: true, force: true });
    }
  });

  // The store meta key of an open block (src/engine/threshold-gate.ts BLOCKED_KEY), part of the store's format.
  const BLOCKED_KEY = 'thresholds.blocked';

  test('a blocked plan is mailed once per breach, not on every tick, with a daily reminder', async () => {
    const blockDir = mkdtempSync(join(tmpdir(), 'cadre-notify-blocked-'));
    const people = Array.from({ length: 6 }, (_, i) => employee({ id: 40 + i, first: `Block${i}`, last: `Person${i}`, department: 'Sales', office: 'Berlin' }));
    const blockSim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people });
    const extra = `notifications:
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: "cadre@example.com", insecure: true }
  events: { blocked: ["it-ops@example.com"] }`;
    const config = writeEngineConfig({ dir: blockDir, personioUrl: blockSim.url, thresholds: 'thresholds: { default: { count: 2, percent: 100 } }', extra });
    const blockedMails = () => smtp.messages.filter((m) => /blocked/.test(m.subject ?? ''));
    const settle = () => new Promise((r) => setTimeout(r, 500));
    try {
      assert.equal((await runCli(['sync', '--config', config])).code, 0);
      for (const id of ['40', '41', '42']) blockSim.company.remove(id);
      const first = await runCli(['sync', '--config', config]);
      assert.equal(first.code, 3, first.stdout + first.stderr);
      await until(() => blockedMails().length >= 1);
      assert.match(blockedMails()[0]?.text ?? '', /disable on erp: 3 of/);
      assert.equal((await runCli(['sync', '--config', config])).code, 3);
      // The daemon ticks every second against the same block: no mail per tick.
      const daemon = spawnCli(['run', '--every', '1s', '--full-every', '1h', '--config', config]);
      let out = '';
      daemon.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
      try {
        await until(() => ((out.match(/sync failed \(exit 3\)/g) ?? []).length >= 3 ? true : undefined), 60_000);
      } finally {
        daemon.kill('SIGTERM');
        await new Promise((r) => daemon.on('close', r));
      }
      await settle();
      assert.equal(blockedMails().length, 1, 'the same breach is mailed once');

      // A day later the same block is mailed again, as a reminder.
      const store = await createStore((await loadConfigOrThrow(config)).store);
      await store.migrate();
      const state = JSON.parse((await store.meta.get(BLOCKED_KEY)) ?? '{}') as { mailedAt?: string };
      assert.ok(state.mailedAt, 'the last mail instant is remembered in the store');
      await store.meta.set(BLOCKED_KEY, JSON.stringify({ ...state, mailedAt: new Date(Date.now() - 25 * 3600_000).toISOString() }));
      await store.close();
      assert.equal((await runCli(['sync', '--config', config])).code, 3);
      await until(() => (blockedMails().length >= 2 ? true : undefined));
      assert.match(blockedMails()[1]?.subject ?? '', /still blocked by a safety threshold \(since /);
      assert.equal((await runCli(['sync', '--config', config])).code, 3);
      await settle();
      assert.equal(blockedMails().length, 2, 'and then not again that day');

      // Another breach is news: mailed at once.
      blockSim.company.upsert(employee({ id: 43, first: 'Block3', last: 'Person3', department: 'Sales', office: 'Hamburg' }));
      blockSim.company.upsert(employee({ id: 44, first: 'Block4', last: 'Person4', department: 'Sales', office: 'München' }));
      blockSim.company.upsert(employee({ id: 45, first: 'Block5', last: 'Person5', department: 'Sales', office: 'Hamburg' }));
      assert.equal((await runCli(['sync', '--config', config])).code, 3);
      await until(() => (blockedMails().length >= 3 ? true : undefined));
      assert.match(blockedMails()[2]?.text ?? '', /move on erp: 3 of/);
    } finally {
      await blockSim.close();
      rmSync(blockDir, { recursive: true, force: true });
    }
  });
});

async function until<T>(fn: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
