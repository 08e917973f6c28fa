/**
 * A security lock made between Cadre's reads is not taken for Cadre's own disable (Samba AD and the Graph simulator,
 * engine API):
 * the account is locked by hand, the person then leaves, and the incremental tick (planning from the stored,
 * still enabled state) sends a disable that finds the account disabled already. That disable is not recorded as
 * Cadre's, so when the person is rehired the lock stays: read back raw over LDAPS as Administrator, and from the
 * simulator's tenant for Entra.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { fullSync, incrementalSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { adE2eTree, createTree, E2E_OU_PREFIX, one, rawAdmin, removeTree, setAttr, usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree, type RawUser } from '../support/ad-e2e-config.js';
import { E2E_CLIENT } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const RUN = randomBytes(3).toString('hex');
const tree = Object.fromEntries(Object.entries(adE2eTree('prelock', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} prelock `, 'OU=Cadre Prelock ')])) as unknown as AdE2eTree;
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);
const lara: EmployeeSpec = { id: 1, first: 'Lara', last: `Prelock${suffix}`, department: 'Sales', office: 'Berlin' };

describe('AD and Entra: a lock made before Cadre\'s disable stays a lock (Samba, Graph simulator)', () => {
  let dir: string;
  let admin: Client;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: Awaited<ReturnType<typeof startGraphSimulator>>;
  const entraUser = (): { id: string; accountEnabled: unknown } => {
    const users = graph.state.liveUsers().filter((u) => u.props['employeeId'] === '1');
    assert.equal(users.length, 1, 'exactly one Entra user');
    const u = users[0] as (typeof users)[number];
    return { id: u.id, accountEnabled: u.props['accountEnabled'] };
  };
  const acct = async (): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, 1, tree.root);
    assert.equal(found.length, 1, 'exactly one account');
    return found[0] as RawUser;
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-prelock-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee(lara)] });
    graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
    graph.state.createGroup({ displayName: 'All Staff', mailNickname: 'allstaff', mailEnabled: false, securityEnabled: true });
    const file = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, retentionDays: 7, entra: { graphUrl: graph.url, tenantId: graph.tenantId } });
    engine = await openEngine(await loadConfigOrThrow(file));
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await graph?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('locked by hand, then a leaver: the incremental disable finds it disabled and leaves the lock to the humans', async () => {
    await fullSync(engine, { actor: 'test', at: noon(0) });
    const u = await acct();
    assert.equal(one(u.entry, 'userAccountControl'), '512');
    await setAttr(admin, u.dn, 'userAccountControl', ['514']); // the security team's lock
    assert.equal(entraUser().accountEnabled, true);
    graph.state.updateUser(entraUser().id, { accountEnabled: false }); // and in Entra
    personio.company.upsert(employee({ ...lara, lastWorkingDay: day(1), terminationDate: day(1) }));
    const tick = await incrementalSync(engine, { actor: 'test', at: noon(2) });
    const sent = tick?.prepared.plan.operations.filter((o) => o.action === 'disable') ?? [];
    assert.deepEqual(sent.map((o) => o.target).sort(), ['ad', 'entra'], 'planned from the stored state, which still says enabled');
    const records = await engine.store.accounts.disabled();
    for (const o of sent) {
      const record = records.find((r) => r.target === o.target && r.anchor === o.anchor);
      assert.notEqual(record?.by, 'cadre', `${o.target}: the disable found the account disabled: not recorded as Cadre's`);
    }

    // Rehired: Cadre gives back what it disabled, never a lock someone else set.
    personio.company.upsert(employee({ ...lara, hireDate: day(5) }));
    const rehire = await fullSync(engine, { actor: 'test', at: noon(6) });
    assert.deepEqual(rehire.prepared.plan.operations.filter((o) => o.action === 'enable'), [], 'no enable of a locked account');
    assert.deepEqual(rehire.prepared.plan.held.filter((h) => h.kind === 'lock').map((h) => h.target).sort(), ['ad', 'entra'], 'held as locks');
    assert.equal(one((await acct()).entry, 'userAccountControl'), '514', 'still locked in AD, read back raw');
    assert.equal(entraUser().accountEnabled, false, 'still locked in Entra');
  });
});
