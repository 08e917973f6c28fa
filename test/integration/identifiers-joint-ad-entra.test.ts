/**
 * Identifiers never strand a person, on Samba AD (real DC over LDAPS) and Entra ID (Graph simulator). The UPN is
 * built from the username (`{username}@example.com`), so both are allocated jointly:
 * - a hand-made AD account holding a joiner's first UPN candidate (and an Entra user holding another joiner's as
 *   mail) moves the joiner's username to the next candidate, and the UPN follows, in both targets;
 * - a username taken by hand in AD after the plan was computed fails that create with a coded error that says what
 *   happens next; the next plan re-allocates the person (reported, audited, the stale reservation released), and
 *   the sync after it converges: AD account created, Entra account renamed, then nothing left to do.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { CreateOperation, Operation, Plan } from '../../src/core/model.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator } from '../../src/targets/entra/simulator/index.js';
import type { GraphSimulator, SimUser } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import {
  adE2eTree, addRawUser, createTree, DOMAIN_DN, E2E_OU_PREFIX, one, rawAdmin, removeTree, usersWithEmployeeId, usersWithSam, writeAdE2eConfig, type RawUser,
} from '../support/ad-e2e-config.js';
import { E2E_CLIENT } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const RUN = randomBytes(3).toString('hex');
const KIND = 'idsjoint';
/**
 * Not below the shared `Cadre E2E` prefix: other suites remove those trees as stale, and on a DC shared by parallel
 * test runs that would pull this tree away mid-test.
 */
const PREFIX = 'Cadre IDS';
const tree = ((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, k === 'run' ? v : v.replace(`OU=${E2E_OU_PREFIX} ${KIND} `, `OU=${PREFIX} ${KIND} `)])) as typeof t)(adE2eTree(KIND, RUN));

/** Rare surnames: sAMAccountNames and UPNs are domain-wide on the shared DC. */
const people: EmployeeSpec[] = [
  { id: 701, first: 'Jürgen', last: 'Quappe', department: 'Finance', office: 'Berlin' },
  { id: 702, first: 'Björn', last: 'Zwirbel', department: 'Sales', office: 'Hamburg' },
  { id: 703, first: 'Anna', last: 'Wendehals', department: 'Engineering', office: 'München' },
];

describe('joint identifiers across AD (Samba) and Entra (Graph simulator)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let admin: Client;

  const cli = async (args: string[], want = 0): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, want, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', AT])) as Plan;
  const entraUser = (pid: number): SimUser => {
    const found = graph.state.liveUsers().filter((u) => u.props.employeeId === String(pid));
    assert.equal(found.length, 1, `exactly one Entra user with employeeId ${pid}`);
    return found[0] as SimUser;
  };
  const adUsers = (pid: number): Promise<RawUser[]> => usersWithEmployeeId(admin, pid);
  const ids = (p: Plan, pid: string, target: string): { username: unknown; upn: unknown } => {
    const c = p.operations.find((o) => o.action === 'create' && o.personId === pid && o.target === target) as CreateOperation;
    assert.ok(c, `create for ${pid} in ${target}`);
    return { username: c.identifiers?.['username'], upn: c.identifiers?.['upn'] };
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    // Only this suite's own leftovers: other suites may be using the shared DC right now.
    const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
    for (const e of r.searchEntries) {
      const ou = String(Array.isArray(e['ou']) ? e['ou'][0] : e['ou'] ?? '');
      if (ou.startsWith(`${PREFIX} ${KIND} `)) await removeTree(admin, { ...tree, root: e.dn });
    }
    await createTree(admin, tree);
    // A hand-made AD account outside what Cadre manages, holding 701's first UPN candidate (not the username).
    await addRawUser(admin, `CN=Jens Quappe (contractor),${tree.foreign}`, {
      sAMAccountName: `jq-${RUN}`, userPrincipalName: 'jquappe@example.com',
    }, 'Foreign!Passw0rd-1');
    graph = await startGraphSimulator({ port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'] });
    graph.state.createGroup({ displayName: 'All Staff', mailNickname: 'allstaff', mailEnabled: false, securityEnabled: true });
    // An Entra user holding 702's first UPN candidate as its mail address.
    graph.state.createUser({
      accountEnabled: true, displayName: 'Björn Zwirbel (guest)', userPrincipalName: 'bz.guest@example.com', mailNickname: 'bz-guest', mail: 'bzwirbel@example.com',
      passwordProfile: { password: 'Foreign!Passw0rd-2', forceChangePasswordNextSignIn: false },
    });
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    dir = mkdtempSync(join(tmpdir(), 'cadre-idsjoint-'));
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, identifiers: 'derived', entra: { graphUrl: graph.url, tenantId: graph.tenantId } });
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

  test('a UPN taken in AD (or as mail in Entra) moves the username, and the UPN follows, in both targets', async () => {
    const p = await plan();
    assert.deepEqual(p.errors, [], 'no IDENTIFIER_EXHAUSTED / IDENTIFIER_MISSING');
    const want: Record<string, { username: string; upn: string }> = {
      701: { username: 'juquappe', upn: 'juquappe@example.com' },
      702: { username: 'bjzwirbel', upn: 'bjzwirbel@example.com' },
      703: { username: 'awendehals', upn: 'awendehals@example.com' },
    };
    for (const [pid, w] of Object.entries(want)) {
      assert.deepEqual(ids(p, pid, 'ad'), w, `AD identifiers of ${pid}`);
      assert.deepEqual(ids(p, pid, 'entra'), w, `Entra identifiers of ${pid}`);
    }
  });

  test('a username taken by hand after planning fails only that create, then is re-allocated and converges', async () => {
    const engine = await openEngine(await loadConfigOrThrow(config));
    try {
      const prepared = await preparePlan(engine, { at: AT });
      assert.deepEqual(prepared.plan.errors, []);
      // Between plan and apply, someone creates an account holding 703's username by hand.
      await addRawUser(admin, `CN=Anna W (by hand),${tree.foreign}`, { sAMAccountName: 'awendehals', userPrincipalName: `aw-${RUN}@example.com` }, 'Foreign!Passw0rd-3');
      const report = await withRunLease(engine, { command: 'sync' }, (lease) => applyPrepared(engine, prepared, { actor: 'test', kind: 'sync', lease }));
      const failed = report.outcomes.filter((o) => o.status === 'failed');
      assert.deepEqual(failed.map((o) => `${o.op.target} ${o.op.action} ${o.op.personId}`), ['ad create 703']);
      assert.equal(failed[0]?.error?.code, 'AD_IDENTIFIER_TAKEN');
      assert.match(failed[0]?.error?.message ?? '', /the next run moves the person to the next free candidate/);
    } finally {
      await engine.close();
    }
    for (const [pid, username] of [[701, 'juquappe'], [702, 'bjzwirbel']] as const) {
      const [a] = await adUsers(pid);
      assert.equal(one((a as RawUser).entry, 'sAMAccountName'), username);
      assert.equal(one((a as RawUser).entry, 'userPrincipalName'), `${username}@example.com`);
      assert.equal(entraUser(pid).props.userPrincipalName, `${username}@example.com`);
    }
    assert.deepEqual(await adUsers(703), [], 'no AD account for 703 yet');
    assert.equal(entraUser(703).props.mailNickname, 'awendehals', 'the Entra create of 703 went through');

    // The next plan moves 703 to the next candidate jointly and reports it; it does not fail forever.
    const p = await plan();
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.reallocations, [
      { personId: '703', kind: 'username', from: 'awendehals', to: 'anwendehals', reason: 'taken' },
      { personId: '703', kind: 'upn', from: 'awendehals@example.com', to: 'anwendehals@example.com', reason: 'joint' },
    ]);
    assert.deepEqual(ids(p, '703', 'ad'), { username: 'anwendehals', upn: 'anwendehals@example.com' });
    const text = await cli(['plan', '--at', AT]);
    assert.match(text, /Identifiers re-allocated \(2\)/);
    assert.match(text, /person 703 username: awendehals → anwendehals/);

    await cli(['sync', '--quiet', '--at', AT]);
    const [a] = await adUsers(703);
    assert.ok(a, 'AD account of 703 created');
    assert.equal(one(a.entry, 'sAMAccountName'), 'anwendehals');
    assert.equal(one(a.entry, 'userPrincipalName'), 'anwendehals@example.com');
    const e = entraUser(703);
    assert.equal(e.props.mailNickname, 'anwendehals');
    assert.equal(e.props.userPrincipalName, 'anwendehals@example.com');
    const byHand = await usersWithSam(admin, 'awendehals');
    assert.equal(byHand.length, 1);
    assert.equal(one((byHand[0] as RawUser).entry, 'employeeID'), undefined, 'the hand-made account is untouched');

    // Audited, and the stale value is no longer reserved.
    const audit = JSON.parse(await cli(['audit', 'export', '--format', 'json'])) as { event: string; personId?: string; payload: Record<string, unknown> }[];
    const moved = audit.filter((x) => x.event === 'identifier.reallocated');
    assert.deepEqual(moved.map((x) => [x.personId, x.payload['kind'], x.payload['from'], x.payload['to'], x.payload['reason']]).sort(), [
      ['703', 'upn', 'awendehals@example.com', 'anwendehals@example.com', 'joint'],
      ['703', 'username', 'awendehals', 'anwendehals', 'taken'],
    ]);
    const again = await plan();
    assert.deepEqual(again.reallocations ?? [], []);
    assert.deepEqual(again.operations.filter((o) => o.target === 'ad' || o.target === 'entra').map((o) => `${o.target} ${o.action} ${o.personId}`), [], 'converged');
    assert.ok(!again.reservations.some((r) => r.value === 'awendehals'), 'stale reservation released');
  });
});
