/**
 * The helpdesk service on the Entra target (Graph simulator), in process: a reset sets the password the tenant then
 * accepts, with forceChangePasswordNextSignIn as the form says; a typed password is checked against Entra's policy
 * first; forms a target cannot serve (unlock: Entra has no writable lockout) are not offered there; an edit of a
 * mapped attribute survives the next full sync.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createHelpdesk, HelpdeskError, type Helpdesk } from '../../src/engine/helpdesk/index.js';
import { createLogger } from '../../src/engine/log.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator, type SimUser } from '../../src/targets/entra/simulator/index.js';
import { E2E_CLIENT, writeEntraE2eConfig } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const people: EmployeeSpec[] = [{ id: 1, first: 'Erna', last: 'Entra', department: 'Sales', office: 'Berlin' }];
const forms = `forms:
  - { id: reset, type: resetPassword, roles: [helpdesk], password: { generate: true, allowTyped: true, mustChange: ask } }
  - { id: unlock, type: unlock, roles: [helpdesk] }
  - { id: edit, type: edit, roles: [helpdesk], attributes: [jobTitle, mobilePhone] }
`;
const alice = { id: 'alice', role: 'helpdesk' };

describe('helpdesk service on Entra (Graph simulator)', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let engine: Engine;
  let hd: Helpdesk;
  const user = (): SimUser => {
    const found = graph.state.liveUsers().filter((u) => u.props.employeeId === '1');
    assert.equal(found.length, 1);
    return found[0] as SimUser;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-helpdesk-entra-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 5 }, { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 5 }],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    const file = writeEntraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId, extra: forms });
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    hd = createHelpdesk(engine, { waitMs: 30_000 });
    await fullSync(engine, { actor: 'test' });
    assert.equal(user().props.accountEnabled, true);
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await graph?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reset: the tenant accepts the new password; must-change as asked; a password outside Entra\'s policy is refused first', async () => {
    const id = user().id;
    const gen = await hd.resetPassword({ principal: alice, formId: 'reset', personId: '1' });
    assert.equal(gen.target, 'entra');
    assert.ok(graph.state.checkPassword(id, gen.password));
    assert.equal((user().props.passwordProfile as { forceChangePasswordNextSignIn?: boolean } | null)?.forceChangePasswordNextSignIn, true);
    const typed = 'Summer-Breeze-2026!';
    await hd.resetPassword({ principal: alice, formId: 'reset', personId: '1', password: typed, mustChange: false });
    assert.ok(graph.state.checkPassword(id, typed));
    assert.equal((user().props.passwordProfile as { forceChangePasswordNextSignIn?: boolean } | null)?.forceChangePasswordNextSignIn, false);
    await assert.rejects(hd.resetPassword({ principal: alice, formId: 'reset', personId: '1', password: 'short1A' }), (e: unknown) => {
      assert.ok(e instanceof HelpdeskError);
      assert.equal(e.code, 'HELPDESK_PASSWORD_POLICY');
      assert.match(e.message, /at least 8 characters/);
      return true;
    });
    assert.ok(graph.state.checkPassword(id, typed), 'the refused password was never sent');
  });

  test('a form the target cannot serve is not offered and is refused when named', async () => {
    assert.deepEqual((await hd.formsFor(alice, '1')).map((f) => f.id), ['reset', 'edit']);
    await assert.rejects(hd.unlock({ principal: alice, formId: 'unlock', personId: '1', target: 'entra' }), (e: unknown) => e instanceof HelpdeskError && e.code === 'HELPDESK_TARGET_NOT_IN_FORM');
  });

  test('an edit of a mapped attribute (jobTitle) survives the next full sync', async () => {
    const r = await hd.edit({ principal: alice, formId: 'edit', personId: '1', attributes: { jobTitle: 'Team Lead (interim)' } });
    assert.deepEqual(r.overrides, ['jobTitle']);
    assert.equal(user().props.jobTitle, 'Team Lead (interim)');
    await fullSync(engine, { actor: 'test' });
    assert.equal(user().props.jobTitle, 'Team Lead (interim)');
  });
});
