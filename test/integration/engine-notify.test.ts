/**
 * Notifications through a real SMTP server: the joiner mail goes to the manager (with the initial
 * password only for the manager), and a notification left pending by a killed apply is still sent.
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
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';
import { spawnCli } from '../support/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const staff = [
  employee({ id: 1, first: 'Marta', last: 'Chefin', email: 'marta.chefin@hr.example', department: 'Finance', office: 'Berlin' }),
  employee({ id: 2, first: 'Neo', last: 'Neu', email: 'neo.neu@hr.example', department: 'Finance', office: 'Berlin', supervisorId: 1 }),
];

describe('engine notifications', () => {
  let dir: string;
  let smtp: TestSmtpServer;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const notifications = (port: number) => `notifications:
  smtp: { host: 127.0.0.1, port: ${port}, secure: false, from: "cadre@example.com", insecure: true }
  events: { joiner: [manager, "it-desk@example.com"] }`;

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
    const [mail] = (await smtp.waitFor(before + 1, 10_000)).slice(before);
    assert.ok(mail);
    assert.match(mail.subject ?? '', /Neo Neu/);
    assert.match(mail.text ?? '', /accounts created/);
    assert.doesNotMatch(mail.text ?? '', /password/i, 'SQL targets set no password, so none is mentioned');
    const to = smtp.envelopes.slice(before).flatMap((e) => e.to).sort();
    assert.deepEqual(to, ['it-desk@example.com', 'marta.chefin@hr.example']);
    const again = await runCli(['sync', '--config', full]);
    assert.equal(again.code, 0);
    assert.equal(smtp.messages.length, before + 1, 'sent once, never again');
  };

  test('a joiner notification left pending by a killed apply is sent by the next run', () => killedJoinerIsSent(dir, (op) => op));

  test('a pending notification journaled by the previous version (a `data` bag) is sent after the upgrade too', async () => {
    const where = join(dir, 'before-upgrade');
    mkdirSync(where);
    await killedJoinerIsSent(where, ({ event, to, targets, ...rest }) => ({ ...rest, data: { event, to, targets } }));
  });

  test('the joiner mail carries the initial password to the manager only', async () => {
    const graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.com'], skus: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 10 }, { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 10 }] });
    const entraDir = mkdtempSync(join(tmpdir(), 'cadre-notify-entra-'));
    try {
      for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
        graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
      }
      const before = smtp.messages.length;
      const config = writeEntraE2eConfig({ dir: entraDir, personioUrl: sim.url, graphUrl: graph.url, tenantId: graph.tenantId, extra: notifications(smtp.port) });
      const r = await runCli(['sync', '--config', config]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const mails = (await smtp.waitFor(before + 3, 10_000)).slice(before);
      const envelopes = smtp.envelopes.slice(before);
      const forNeo = mails.map((m, i) => ({ m, to: envelopes[i]?.to ?? [] })).filter((x) => /Neo Neu/.test(x.m.subject ?? ''));
      const toManager = forNeo.find((x) => x.to.includes('marta.chefin@hr.example'));
      const toDesk = forNeo.find((x) => x.to.includes('it-desk@example.com'));
      assert.ok(toManager && toDesk, 'one mail to the manager, one to the IT desk');
      assert.ok(!toManager.to.includes('it-desk@example.com'), 'the password mail goes to the manager alone');
      assert.match(toManager.m.text ?? '', /password/i);
      assert.doesNotMatch(toDesk.m.text ?? '', /password/i);
      const user = graph.state.liveUsers().find((u) => u.props['employeeId'] === '2');
      assert.ok(user, 'the account exists');
      // Text body: "==== CONFIDENTIAL: INITIAL PASSWORD ====" then "<label>: <password>".
      const password = /INITIAL PASSWORD =+\n[^\n]*: (\S+)\n/.exec(toManager.m.text ?? '')?.[1] ?? '';
      assert.ok(graph.state.checkPassword(user.id, password), `the mailed password is the one set on the account (parsed "${password.length} chars")`);
      const audit = await runCli(['audit', 'export', '--format', 'json', '--config', config]);
      assert.ok(!audit.stdout.includes(password), 'the password never reaches the audit log');
    } finally {
      await graph.close();
      rmSync(entraDir, { recursive: true, force: true });
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
