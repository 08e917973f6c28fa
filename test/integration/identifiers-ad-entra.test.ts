/**
 * One identifier per person across targets: Samba AD (real DC over LDAPS) and Entra ID (Graph simulator) use the
 * same identifier kinds (username → sAMAccountName / mailNickname, upn → userPrincipalName). A value taken in
 * either directory by an account Cadre does not manage moves the person to the next candidate in BOTH targets.
 * Checked through the real CLI, with raw LDAP reads and the simulator's tenant state.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import type { CreateOperation, Operation, Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import {
  adE2eTree, addRawUser, createTree, one, rawAdmin, removeStaleTrees, removeTree, usersWithEmployeeId, usersWithSam, writeAdE2eConfig, type RawUser,
} from '../support/ad-e2e-config.js';
import { E2E_CLIENT } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const RUN = randomBytes(3).toString('hex');
const tree = adE2eTree('ids', RUN);

/** A: first username candidate `jmueller` is taken in AD. B: first UPN candidate is taken in Entra. C: no collision. */
const people: EmployeeSpec[] = [
  { id: 501, first: 'Jürgen', last: 'Müller', department: 'Finance', office: 'Berlin' },
  { id: 502, first: 'Björn', last: 'Weiß', department: 'Sales', office: 'Hamburg' },
  { id: 503, first: 'Anna', last: 'Schmidt', department: 'Engineering', office: 'München' },
];

describe('identifiers across AD (Samba) and Entra (Graph simulator)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let admin: Client;
  let foreignAd: RawUser;
  let foreignEntra: string;

  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', AT])) as Plan;
  const entraUser = (pid: number): SimUser => {
    const found = graph.state.liveUsers().filter((u) => u.props.employeeId === String(pid));
    assert.equal(found.length, 1, `exactly one Entra user with employeeId ${pid}`);
    return found[0] as SimUser;
  };
  const adUser = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid);
    assert.equal(found.length, 1, `exactly one AD account with employeeID ${pid}`);
    return found[0] as RawUser;
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeStaleTrees(admin);
    await createTree(admin, tree);
    // Someone else's AD account, outside what Cadre manages, holding A's first username candidate.
    await addRawUser(admin, `CN=Jens Mueller (contractor),${tree.foreign}`, {
      sAMAccountName: 'jmueller', userPrincipalName: `jens.mueller.${RUN}@example.com`,
    }, 'Foreign!Passw0rd-1');
    foreignAd = (await usersWithSam(admin, 'jmueller'))[0] as RawUser;
    assert.ok(foreignAd, 'foreign AD account');
    graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
    graph.state.createGroup({ displayName: 'All Staff', mailNickname: 'allstaff', mailEnabled: false, securityEnabled: true });
    // Someone else's Entra user holding B's first UPN candidate.
    foreignEntra = graph.state.createUser({
      accountEnabled: true, displayName: 'Björn Weiss (guest)', userPrincipalName: 'bjoern.weiss@example.com', mailNickname: 'bw-guest',
      passwordProfile: { password: 'Foreign!Passw0rd-2', forceChangePasswordNextSignIn: false },
    }).id;
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    dir = mkdtempSync(join(tmpdir(), 'cadre-ids-'));
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, identifiers: 'usernameUpn', entra: { graphUrl: graph.url, tenantId: graph.tenantId } });
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the plan gives each person one identifier per kind, the same in both targets, skipping values taken in either', async () => {
    const p = await plan();
    assert.deepEqual(p.errors, []);
    const creates = p.operations.filter((o) => o.action === 'create');
    const ids = (pid: string, target: string): Record<string, unknown> => {
      const c = creates.find((o) => o.personId === pid && o.target === target) as CreateOperation;
      assert.ok(c, `create for ${pid} in ${target}`);
      return { username: c.identifiers?.['username'], upn: c.identifiers?.['upn'] };
    };
    const expected: Record<string, { username: string; upn: string }> = {
      501: { username: 'jumueller', upn: 'juergen.mueller@example.com' },
      502: { username: 'bweiss', upn: 'b.weiss@example.com' },
      503: { username: 'aschmidt', upn: 'anna.schmidt@example.com' },
    };
    for (const [pid, want] of Object.entries(expected)) {
      assert.deepEqual(ids(pid, 'ad'), want, `AD identifiers of ${pid}`);
      assert.deepEqual(ids(pid, 'entra'), want, `Entra identifiers of ${pid}`);
    }
    const attr = (pid: string, target: string, a: string): unknown => creates.find((o) => o.personId === pid && o.target === target)?.changes.find((c) => c.attribute === a)?.to;
    assert.equal(attr('501', 'ad', 'sAMAccountName'), 'jumueller');
    assert.equal(attr('501', 'entra', 'mailNickname'), 'jumueller');
    assert.equal(attr('502', 'ad', 'userPrincipalName'), 'b.weiss@example.com');
    assert.equal(attr('502', 'entra', 'userPrincipalName'), 'b.weiss@example.com');
  });

  test('after sync both directories hold the same identifiers; the foreign accounts are untouched', async () => {
    await cli(['sync', '--quiet', '--at', AT]);
    const rows: [number, string, string][] = [[501, 'jumueller', 'juergen.mueller@example.com'], [502, 'bweiss', 'b.weiss@example.com'], [503, 'aschmidt', 'anna.schmidt@example.com']];
    for (const [pid, username, upn] of rows) {
      const a = await adUser(pid);
      const e = entraUser(pid);
      assert.equal(one(a.entry, 'sAMAccountName'), username, `AD sAMAccountName of ${pid}`);
      assert.equal(one(a.entry, 'userPrincipalName'), upn, `AD UPN of ${pid}`);
      assert.equal(e.props.mailNickname, username, `Entra mailNickname of ${pid}`);
      assert.equal(e.props.userPrincipalName, upn, `Entra UPN of ${pid}`);
      assert.equal(one(a.entry, 'displayName'), e.props.displayName);
    }
    assert.equal(one((await adUser(501)).entry, 'displayName'), 'Jürgen Müller');
    // A's collision was only in AD and B's only in Entra: neither directory got the taken value anyway.
    assert.equal(graph.state.liveUsers().filter((u) => u.props.mailNickname === 'jmueller').length, 0, 'jmueller not used in Entra either');
    assert.deepEqual((await usersWithSam(admin, 'jmueller')).map((u) => u.guid), [foreignAd.guid], 'the foreign AD account keeps jmueller');
    assert.equal(one((await usersWithSam(admin, 'jmueller'))[0]!.entry, 'employeeID'), undefined, 'and is not adopted');
    assert.equal((await usersWithEmployeeId(admin, 502)).filter((u) => one(u.entry, 'userPrincipalName') === 'bjoern.weiss@example.com').length, 0, 'bjoern.weiss@ not used in AD either');
    const guest = graph.state.users.get(foreignEntra) as SimUser;
    assert.equal(guest.props.userPrincipalName, 'bjoern.weiss@example.com');
    assert.equal(guest.props.employeeId ?? null, null);
    const left = (await plan()).operations.filter((o) => o.target === 'ad' || o.target === 'entra');
    assert.deepEqual(left.map((o) => `${o.target} ${o.action} ${o.personId}`), [], 'second plan is empty');
  });
});
