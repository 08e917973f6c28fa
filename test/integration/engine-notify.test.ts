/**
 * Notifications through a real SMTP server: the joiner mail goes to the manager (with the initial
 * password only for the manager), and a notification left pending by a killed apply is still sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Operation, Plan } from '../../src/core/model.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';
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
    smtp = await startSmtpServer({ startTls: false });
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: staff });
  });
  after(async () => {
    await sim.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a joiner notification left pending by a killed apply is sent by the next run', async () => {
    const full = writeEngineConfig({ dir, personioUrl: sim.url, extra: notifications(smtp.port) });
    const plan = JSON.parse((await runCli(['plan', '--json', '--config', full])).stdout) as Plan;
    const joiner = plan.operations.find((o) => o.action === 'notify' && o.personId === '2' && o.data?.event === 'joiner') as Operation;
    assert.ok(joiner, 'the plan notifies the manager of the joiner');
    assert.ok(joiner.dependsOn.length > 0, 'after the creates');

    // Accounts get created without notifications (as if the killed run got that far)…
    const quiet = writeEngineConfig({ dir, personioUrl: sim.url });
    assert.equal((await runCli(['sync', '--config', quiet])).code, 0);
    // …and the journal still holds its pending joiner notification.
    const store = await createStore((await loadConfigOrThrow(full)).store);
    await store.migrate();
    await store.runs.start({ id: 'run-killed', kind: 'apply' });
    await store.journal.add('run-killed', [joiner]);
    await store.close();

    writeEngineConfig({ dir, personioUrl: sim.url, extra: notifications(smtp.port) });
    const r = await runCli(['sync', '--config', full]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [mail] = await smtp.waitFor(1, 10_000);
    assert.ok(mail);
    assert.match(mail.subject ?? '', /Neo Neu/);
    assert.match(mail.text ?? '', /accounts created/);
    assert.doesNotMatch(mail.text ?? '', /password/i, 'SQL targets set no password, so none is mentioned');
    const to = smtp.envelopes.flatMap((e) => e.to).sort();
    assert.deepEqual(to, ['it-desk@example.com', 'marta.chefin@hr.example']);
    const again = await runCli(['sync', '--config', full]);
    assert.equal(again.code, 0);
    assert.equal(smtp.messages.length, 1, 'sent once, never again');
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
});
