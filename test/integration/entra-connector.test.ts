/**
 * Entra connector against the Graph simulator: joiner/mover/leaver/rehire, adoption, ambiguity,
 * drift via list(), delta, faults and throttling with Retry-After honoured by every worker.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountState, AttrValue } from '../../src/core/model.js';
import type { OperationResult } from '../../src/targets/contract.js';
import { createChanges, makeCtx, makeOp, mapLimit } from '../../src/targets/conformance/helpers.js';
import { startEntraTestbed, TEST_SKUS } from '../../src/targets/entra/simulator/testbed.js';
import type { Testbed } from '../../src/targets/entra/simulator/testbed.js';
import type { EntraConnector } from '../../src/targets/entra/index.js';
import type { SimUser } from '../../src/targets/entra/simulator/index.js';

const SECRET = 'Init!al-Pw-4711';
let tb: Testbed;
let c: EntraConnector;

const attrs = (n: string, extra: Record<string, AttrValue> = {}): Record<string, AttrValue> => ({
  displayName: `Erika Muster${n}`, givenName: 'Erika', surname: `Muster${n}`, userPrincipalName: `erika.muster${n}@example.com`,
  mailNickname: `emuster${n}`, mail: `erika.muster${n}@example.com`, employeeId: n, department: 'Sales', jobTitle: 'Rep',
  employeeHireDate: '2025-03-01', 'onPremisesExtensionAttributes.extensionAttribute1': 'cost-4711', ...extra,
});

function ok(r: OperationResult, what: string): string {
  assert.ok(r.ok, `${what}: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`);
  return r.anchor ?? '';
}

async function create(pid: string, a: Record<string, AttrValue>, enabled = true, anchors = new Map<string, string>()): Promise<OperationResult> {
  return c.apply(makeOp('entra', 'create', pid, { changes: createChanges(a), enabled }), { ...makeCtx({ anchors }), secret: SECRET });
}
const op = (action: Parameters<typeof makeOp>[1], pid: string, o: Parameters<typeof makeOp>[3] = {}) => c.apply(makeOp('entra', action, pid, o), makeCtx());
const user = (id: string): SimUser => {
  const u = tb.sim.state.users.get(id);
  assert.ok(u, `user ${id} exists in the simulator`);
  return u;
};
const licences = (id: string): string[] => ((user(id).props.assignedLicenses as { skuId: string }[]) ?? []).map((l) => l.skuId);
const groupsOf = (id: string): string[] => tb.sim.state.memberOf(id).map((g) => String(g.props.displayName)).sort();

before(async () => {
  tb = await startEntraTestbed({ options: { removeLicencesOnDisable: true } });
  c = tb.connector;
});
after(async () => { await tb.close(); });

describe('joiner, mover, leaver, rehire', () => {
  let boss = '';
  let anchor = '';
  test('joiner: create with password, licence, groups and manager reference', async () => {
    boss = ok(await create('900', attrs('900', { jobTitle: 'Head of Sales' })), 'create boss');
    const anchors = new Map([['900', boss]]);
    anchor = ok(await create('1', { ...attrs('1'), manager: 'ref:900' }, true, anchors), 'create joiner');
    const u = user(anchor);
    assert.equal(u.props.employeeId, '1');
    assert.equal(u.props.accountEnabled, true);
    assert.equal(u.props.employeeHireDate, '2025-03-01T00:00:00Z');
    assert.equal((u.props.onPremisesExtensionAttributes as Record<string, unknown>).extensionAttribute1, 'cost-4711');
    assert.deepEqual(u.props.passwordProfile, { forceChangePasswordNextSignIn: true, forceChangePasswordNextSignInWithMfa: false });
    assert.equal(u.managerId, boss);
    // Usage location removed behind our back: the licence grant must set it first.
    u.props.usageLocation = null;
    ok(await op('grant', '1', { anchor, entitlement: 'E3' }), 'grant E3');
    assert.equal(user(anchor).props.usageLocation, 'DE');
    assert.deepEqual(licences(anchor), [TEST_SKUS.E3.skuId]);
    ok(await op('grant', '1', { anchor, entitlement: 'Sales' }), 'grant Sales');
    ok(await op('grant', '1', { anchor, entitlement: 'All Staff' }), 'grant All Staff');
    const again = await op('grant', '1', { anchor, entitlement: 'Sales' });
    ok(again, 'repeated grant');
    assert.match(again.ok ? String(again.note) : '', /already a member/);
    assert.deepEqual(groupsOf(anchor), ['All Staff', 'Sales']);
  });
  test('pre-hire account is created disabled, then enabled on day one', async () => {
    const id = ok(await create('2', attrs('2'), false), 'pre-hire create');
    assert.equal(user(id).props.accountEnabled, false);
    ok(await op('enable', '2', { anchor: id }), 'enable');
    assert.equal(user(id).props.accountEnabled, true);
  });
  test('mover: group swap and licence swap free the old seat', async () => {
    ok(await op('revoke', '1', { anchor, entitlement: 'Sales' }), 'revoke Sales');
    ok(await op('grant', '1', { anchor, entitlement: 'Engineering' }), 'grant Engineering');
    ok(await op('revoke', '1', { anchor, entitlement: 'E3' }), 'revoke E3');
    ok(await op('grant', '1', { anchor, entitlement: 'F1' }), 'grant F1');
    assert.deepEqual(groupsOf(anchor), ['All Staff', 'Engineering']);
    assert.deepEqual(licences(anchor), [TEST_SKUS.F1.skuId]);
    assert.equal(tb.sim.state.consumed(TEST_SKUS.E3.skuId), 0);
    const twice = await op('revoke', '1', { anchor, entitlement: 'Sales' });
    ok(twice, 'revoke again');
    ok(await op('revoke', '1', { anchor, entitlement: 'E3' }), 'revoke licence again');
    ok(await op('update', '1', { anchor, changes: [{ attribute: 'department', from: 'Sales', to: 'Engineering' }] }), 'update department');
    assert.equal(user(anchor).props.department, 'Engineering');
    assert.equal(user(anchor).props.jobTitle, 'Rep', 'unsent attributes unchanged');
  });
  test('name change: displayName, mail, mailNickname, UPN; old address kept as smtp: alias', async () => {
    const upnConnector = await tb.connect({ upnFollowsName: true });
    const changes = [
      { attribute: 'surname', from: 'Muster1', to: 'Neu' },
      { attribute: 'displayName', from: 'Erika Muster1', to: 'Erika Neu' },
      { attribute: 'mail', from: 'erika.muster1@example.com', to: 'erika.neu@example.com' },
      { attribute: 'mailNickname', from: 'emuster1', to: 'eneu' },
      { attribute: 'userPrincipalName', from: 'erika.muster1@example.com', to: 'erika.neu@example.com' },
    ];
    ok(await upnConnector.apply(makeOp('entra', 'update', '1', { anchor, changes }), makeCtx()), 'rename');
    const u = user(anchor);
    assert.equal(u.props.userPrincipalName, 'erika.neu@example.com');
    assert.equal(u.props.mailNickname, 'eneu');
    assert.deepEqual(u.props.proxyAddresses, ['SMTP:erika.neu@example.com', 'smtp:erika.muster1@example.com']);
    assert.equal(await c.isFree('mail', 'erika.muster1@example.com'), false, 'the alias stays reserved');
    assert.equal(await c.isFree('userPrincipalName', 'ERIKA.MUSTER1@example.com'), false);
    // With upnFollowsName off (the default connector) the UPN stays and the result says so.
    const kept = await op('update', '1', { anchor, changes: [{ attribute: 'userPrincipalName', from: 'erika.neu@example.com', to: 'other@example.com' }] });
    ok(kept, 'update with UPN under upnFollowsName=false');
    assert.match(kept.ok ? String(kept.note) : '', /upnFollowsName/);
    assert.equal(user(anchor).props.userPrincipalName, 'erika.neu@example.com');
  });
  test('leaver: disable revokes sessions and removes managed licences', async () => {
    const before = String(user(anchor).props.signInSessionsValidFromDateTime);
    tb.sim.state.advance(5_000);
    const r = await op('disable', '1', { anchor });
    ok(r, 'disable');
    const u = user(anchor);
    assert.equal(u.props.accountEnabled, false);
    assert.ok(String(u.props.signInSessionsValidFromDateTime) > before, 'sessions revoked');
    assert.deepEqual(licences(anchor), []);
    assert.match(r.ok ? String(r.note) : '', /sessions revoked.*licence/);
  });
  test('delete is soft; a rehire within 30 days restores the same account', async () => {
    ok(await op('delete', '1', { anchor }), 'delete');
    assert.ok(tb.sim.state.deletedUsers().some((u) => u.id === anchor));
    assert.deepEqual(await c.find({ attribute: 'employeeId', value: '1' }), []);
    ok(await op('delete', '1', { anchor }), 'repeated delete');
    tb.sim.state.advance(10 * 86_400_000);
    const r = await create('1', attrs('1', { department: 'Support' }), true);
    assert.equal(ok(r, 'rehire'), anchor, 'same object id');
    assert.match(r.ok ? String(r.note) : '', /restored/);
    const u = user(anchor);
    assert.equal(u.deleted, null);
    assert.equal(u.props.accountEnabled, true);
    assert.equal(u.props.department, 'Support');
    assert.equal(u.props.userPrincipalName, 'erika.neu@example.com', 'UPN kept as restored (upnFollowsName off)');
  });
  test('a deleted account past 30 days is gone: the rehire creates a new one', async () => {
    const id = ok(await create('3', attrs('3')), 'create');
    ok(await op('delete', '3', { anchor: id }), 'delete');
    tb.sim.state.advance(31 * 86_400_000);
    const again = ok(await create('3', attrs('3')), 'create after expiry');
    assert.notEqual(again, id);
  });
});

describe('correlation and reading', () => {
  test('adoption by employeeId: an existing account is converged, not duplicated', async () => {
    const pre = tb.sim.state.createUser({
      accountEnabled: false, displayName: 'Hand Made', mailNickname: 'handmade', userPrincipalName: 'hand.made@example.com',
      employeeId: '20', passwordProfile: { password: 'Xy7!long-enough' },
    });
    const r = await create('20', attrs('20', { userPrincipalName: 'hand.made@example.com', mailNickname: 'handmade' }));
    assert.equal(ok(r, 'adopt'), pre.id);
    assert.match(r.ok ? String(r.note) : '', /adopted/);
    assert.equal(user(pre.id).props.displayName, 'Erika Muster20');
    assert.equal(user(pre.id).props.accountEnabled, true);
    assert.equal(tb.sim.state.liveUsers().filter((u) => u.props.employeeId === '20').length, 1);
  });
  test('ambiguity: two accounts with one employeeId → find returns 2, create refuses', async () => {
    for (const n of ['a', 'b']) tb.sim.state.createUser({ accountEnabled: true, displayName: `Dup ${n}`, mailNickname: `dup${n}`, userPrincipalName: `dup${n}@example.com`, employeeId: '30', passwordProfile: { password: 'Xy7!long-enough' } });
    const found = await c.find({ attribute: 'employeeId', value: '30' });
    assert.equal(found.length, 2);
    const r = await create('30', attrs('30'));
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error.code, 'ENTRA_AMBIGUOUS');
    const upd = await op('update', '30', { changes: [{ attribute: 'department', from: null, to: 'x' }] });
    assert.equal(upd.ok ? '' : upd.error.code, 'ENTRA_AMBIGUOUS');
  });
  test("find escapes quotes (O'Brien) and reports managed entitlements and unmanaged groups", async () => {
    const id = ok(await create("O'B1", attrs('40', { employeeId: "O'B1", surname: "O'Brien" })), 'create');
    ok(await op('grant', "O'B1", { anchor: id, entitlement: 'Sales' }), 'grant');
    ok(await op('grant', "O'B1", { anchor: id, entitlement: 'E3' }), 'grant licence');
    const unmanaged = tb.sim.state.createGroup({ displayName: 'Hand Curated', mailNickname: 'hc', mailEnabled: false, securityEnabled: true });
    tb.sim.state.addMember(unmanaged.id, id);
    const [f] = await c.find({ attribute: 'employeeId', value: "O'B1" });
    assert.equal(f?.anchor, id);
    assert.deepEqual([...(f?.entitlements ?? [])].sort(), ['E3', 'Sales']);
    assert.deepEqual(f?.unmanaged, ['Hand Curated']);
  });
  test('drift is visible through list(): attributes, memberships, licences, manager as ref:<personId>', async () => {
    const boss = ok(await create('50', attrs('50')), 'boss');
    const id = ok(await create('51', { ...attrs('51'), manager: 'ref:50' }, true, new Map([['50', boss]])), 'report');
    ok(await op('grant', '51', { anchor: id, entitlement: 'Engineering' }), 'grant');
    ok(await op('grant', '51', { anchor: id, entitlement: 'F1' }), 'grant');
    user(id).props.department = 'Changed by hand';
    tb.sim.state.removeMember(tb.groups.Engineering as string, id);
    const all: AccountState[] = [];
    for await (const page of c.list()) all.push(...page);
    const st = all.find((s) => s.anchor === id);
    assert.ok(st);
    assert.equal(st.correlation, '51');
    assert.equal(st.attributes.department, 'Changed by hand');
    assert.equal(st.attributes.manager, 'ref:50');
    assert.equal(st.attributes.employeeHireDate, '2025-03-01');
    assert.deepEqual([...st.entitlements].sort(), ['F1']);
    assert.ok(all.every((s) => s.correlation), 'only accounts with an employeeId are listed');
    assert.equal(new Set(all.map((s) => s.anchor)).size, all.length);
  });
  test('listChanges() uses delta: everything first, then only changes and removals', async () => {
    const first = await c.listChanges();
    assert.ok(first.changed.length >= 5);
    const id = ok(await create('60', attrs('60')), 'create');
    const p51 = (await c.find({ attribute: 'employeeId', value: '51' }))[0]?.anchor as string;
    ok(await op('delete', '51', { anchor: p51 }), 'delete');
    const next = await c.listChanges();
    assert.deepEqual(next.changed.map((s) => s.anchor), [id]);
    assert.deepEqual(next.removed, [{ anchor: p51, reason: 'changed' }]);
  });
});

describe('errors, faults and throttling', () => {
  test('coded errors name the operation and person, never the password', async () => {
    const taken = await create('70', attrs('70', { userPrincipalName: 'erika.neu@example.com' }));
    assert.equal(taken.ok, false);
    if (!taken.ok) {
      assert.equal(taken.error.code, 'ENTRA_CONFLICT');
      assert.match(taken.error.message, /person 70/);
      assert.match(taken.error.message, /userPrincipalName/);
      assert.ok(!taken.error.message.includes(SECRET));
    }
    const missing = await op('update', '71', { anchor: '00000000-0000-4000-8000-000000000000', changes: [{ attribute: 'jobTitle', from: null, to: 'x' }] });
    assert.equal(missing.ok ? '' : missing.error.code, 'ENTRA_NOT_FOUND');
    const dangling = await op('update', '2', { changes: [{ attribute: 'manager', from: null, to: 'ref:nobody' }] });
    assert.equal(dangling.ok ? '' : dangling.error.code, 'ENTRA_REFERENCE_UNRESOLVED');
    const unknown = await op('update', '2', { changes: [{ attribute: 'sAMAccountName', from: null, to: 'x' }] });
    assert.equal(unknown.ok ? '' : unknown.error.code, 'ENTRA_INVALID');
  });
  test('no free seats → ENTRA_LICENCE_NO_SEATS', async () => {
    const small = await startEntraTestbed({ seats: 1 });
    try {
      const a = await small.connector.apply(makeOp('entra', 'create', '1', { changes: createChanges(attrs('1')) }), makeCtx());
      const b = await small.connector.apply(makeOp('entra', 'create', '2', { changes: createChanges(attrs('2')) }), makeCtx());
      ok(await small.connector.apply(makeOp('entra', 'grant', '1', { anchor: ok(a, 'a'), entitlement: 'E3' }), makeCtx()), 'first seat');
      const r = await small.connector.apply(makeOp('entra', 'grant', '2', { anchor: ok(b, 'b'), entitlement: 'E3' }), makeCtx());
      assert.equal(r.ok ? '' : r.error.code, 'ENTRA_LICENCE_NO_SEATS');
      assert.equal(r.ok ? true : r.error.transient, false);
    } finally {
      await small.close();
    }
  });
  test('503s are retried; an expired token is refreshed after 401', async () => {
    tb.sim.faults.serverErrors = 2;
    ok(await op('update', '2', { changes: [{ attribute: 'jobTitle', from: null, to: 'After 503' }] }), 'update through 503s');
    tb.sim.state.advance(2 * 3600_000);
    ok(await op('update', '2', { changes: [{ attribute: 'jobTitle', from: null, to: 'After 401' }] }), 'update with expired token');
    const id = (await c.find({ attribute: 'employeeId', value: '2' }))[0]?.anchor as string;
    assert.equal(user(id).props.jobTitle, 'After 401');
  });
  test('under throttling every op completes and nobody sends before Retry-After elapsed', async () => {
    const th = await startEntraTestbed({ sim: { throttle: { limit: 40, windowSeconds: 2 } } });
    try {
      const people = Array.from({ length: 60 }, (_, i) => String(5000 + i));
      const results = await mapLimit(people, th.connector.concurrency, async (pid) => {
        const r = await th.connector.apply(makeOp('entra', 'create', pid, { changes: createChanges(attrs(pid)) }), makeCtx());
        const anchor = ok(r, `create ${pid}`);
        return th.connector.apply(makeOp('entra', 'grant', pid, { anchor, entitlement: 'Sales' }), makeCtx());
      });
      for (const r of results) ok(r, 'grant');
      assert.equal(th.sim.state.liveUsers().length, 60);
      assert.equal(th.sim.state.groups.get(th.groups.Sales as string)?.members.length, 60);
      const log = th.sim.log;
      const throttled = log.filter((e) => e.status === 429);
      assert.ok(throttled.length > 0, 'the run was throttled');
      for (const t of throttled) {
        const until = t.at + (t.retryAfter ?? 0) * 1000;
        // Requests already in flight when the 429 went out may still arrive within a few ms.
        const early = log.filter((e) => e.at > t.at + 150 && e.at < until);
        assert.deepEqual(early, [], `requests arrived before Retry-After (${t.retryAfter}s) elapsed after the 429 at ${t.at}`);
      }
    } finally {
      await th.close();
    }
  });
});
