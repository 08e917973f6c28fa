/**
 * A review removes memberships of AD groups Cadre does not manage, on the real Samba AD DC: Personio simulator → full
 * sync into AD; a person is in two groups nobody configured (`VPN Users` inside the target's base DN, `Print Ops`
 * outside it). The manager removes both in a campaign and keeps the rule grant. After the close the plan has exactly
 * two revokes with the review as their reason. They are gated by the thresholds (a revoke limit of 0 blocks the plan
 * until it is approved). On apply the membership inside the scope (the base DN, or `reviewGroupsOUs`) is removed in
 * Samba (read back raw) and the one outside is refused (AD_UNMANAGED_GROUP). Nothing else is touched, and the
 * unmanaged group is never granted again. Everything is audited, and `audit verify` passes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import { verifyChain } from '../../src/audit/verify.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/engine/log.js';
import { preparePlan } from '../../src/engine/planning.js';
import { closeCampaign, decideItem, startCampaign } from '../../src/engine/reviews/index.js';
import { fullSync } from '../../src/engine/sync.js';
import { adE2eConfig, adE2eTree, AD_E2E_UNMANAGED, createTree, many, rawAdmin, removeTree, setMember, usersWithEmployeeId, type AdE2eTree } from '../support/ad-e2e-config.js';
import { removeTreesWithPrefix } from '../support/helpdesk-pages.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';

const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: suites sweeping leftover `Cadre E2E …` trees must not remove this one while it runs. */
const PREFIX = 'Cadre RevUnmanaged';
const tree = Object.fromEntries(Object.entries(adE2eTree('revunmanaged', RUN)).map(([k, v]) => [k, v.replace(/OU=Cadre E2E revunmanaged /, `OU=${PREFIX} `)])) as unknown as AdE2eTree;
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);
const VPN = `CN=${AD_E2E_UNMANAGED},${tree.other}`;
const PRINT = `CN=Print Ops ${RUN},${tree.foreign}`;

const people: EmployeeSpec[] = [
  { id: 1, first: 'Mia', last: `Manager${suffix}`, department: 'Board', office: 'Berlin', position: 'Head of Sales' },
  { id: 2, first: 'Sam', last: `Seller${suffix}`, department: 'Sales', office: 'Berlin', position: 'Account Executive', supervisorId: 1 },
];

const extra = `reviews:
  templates:
    - id: unmanaged
      name: Unmanaged groups
      scope: { entitlements: ["GG-Sales", "CN=${AD_E2E_UNMANAGED},*", "CN=Print Ops*"], targets: [ad] }
      reviewers: { by: manager, fallback: root }
`;

describe('access reviews remove unmanaged AD memberships through the plan (Samba)', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;
  let engine: Engine;
  let samDn = '';

  /** Raw read-back: the `member` values of a group (DNs). */
  const members = async (group: string): Promise<string[]> => {
    const r = await admin.search(group, { scope: 'base', attributes: ['member'] });
    const e = r.searchEntries[0];
    return e ? many(e, 'member') : [];
  };
  const isMember = async (group: string): Promise<boolean> => (await members(group)).some((m) => m.toLowerCase() === samDn.toLowerCase());

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeTreesWithPrefix(admin, PREFIX);
    await createTree(admin, tree);
    await admin.add(PRINT, { objectClass: ['top', 'group'], sAMAccountName: `print-${RUN}` });
    dir = mkdtempSync(join(tmpdir(), 'cadre-rev-unmanaged-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    const file = join(dir, 'cadre.yaml');
    // Any revoke is over the limit: the review's removals must pass the threshold gate like every other revoke.
    writeFileSync(file, adE2eConfig({ dir, personioUrl: personio.url, tree, extra, thresholds: 'thresholds: { default: { count: 1000, percent: 100 }, actions: { revoke: { count: 0 } } }' }));
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    await fullSync(engine, { actor: 'test' });
    const sam = (await usersWithEmployeeId(admin, 2, tree.root))[0];
    assert.ok(sam);
    samDn = sam.dn;
    // Someone added Sam to both groups by hand; Cadre's rules know neither.
    await setMember(admin, VPN, samDn, true);
    await setMember(admin, PRINT, samDn, true);
    const r = await fullSync(engine, { actor: 'test' });
    assert.deepEqual(r.prepared.plan.operations, [], 'unmanaged memberships are left alone by the rules');
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the reviewed unmanaged membership in scope is revoked in Samba through the thresholded plan; one outside the scope is refused', async () => {
    const { campaign, items } = await startCampaign(engine, { template: 'unmanaged', actor: 'cli:root' });
    const byEnt = new Map(items.map((i) => [i.entitlement.toLowerCase(), i]));
    const vpn = byEnt.get(VPN.toLowerCase());
    const print = byEnt.get(PRINT.toLowerCase());
    const sales = byEnt.get('gg-sales');
    assert.ok(vpn && print && sales, JSON.stringify(items.map((i) => i.entitlement)));
    assert.deepEqual([vpn.reasonKind, print.reasonKind, sales.reasonKind], ['unmanaged', 'unmanaged', 'rule']);
    const mia = { id: 'mia', role: 'manager' as const, personId: '1' };
    await decideItem(engine, { campaignId: campaign.id, seq: vpn.seq, decision: 'remove', comment: 'no remote work any more', principal: mia, actor: 'web:mia' });
    await decideItem(engine, { campaignId: campaign.id, seq: print.seq, decision: 'remove', comment: 'no printing', principal: mia, actor: 'web:mia' });
    await decideItem(engine, { campaignId: campaign.id, seq: sales.seq, decision: 'keep', comment: '', principal: mia, actor: 'web:mia' });
    const closed = await closeCampaign(engine, { campaignId: campaign.id, actor: 'cli:root' });
    assert.equal(closed.removed.length, 2);
    assert.deepEqual(await engine.store.overrides.byPerson('2'), [], 'an exception of the campaign, not an override');

    const prepared = await preparePlan(engine, { source: { kind: 'full' } });
    assert.deepEqual(prepared.plan.operations.map((o) => [o.action, o.personId, o.entitlement]).sort(), [['revoke', '2', PRINT], ['revoke', '2', VPN]].sort(), 'exactly the two reviewed memberships');
    for (const op of prepared.plan.operations) {
      assert.equal(op.reason.kind, 'review');
      assert.match(op.reason.detail, /removed in review "Unmanaged groups" .* by web:mia/);
    }
    await assert.rejects(fullSync(engine, { actor: 'test' }), { code: 'THRESHOLD_BLOCKED' }, 'the thresholds apply');
    assert.ok(await isMember(VPN), 'nothing changed while blocked');

    const r = await fullSync(engine, { actor: 'test', approve: [{ target: 'ad', action: 'revoke' }] });
    const outcome = new Map((r.report?.outcomes ?? []).map((o) => [o.op.entitlement ?? '', o]));
    assert.equal(outcome.get(VPN)?.status, 'done', JSON.stringify(outcome.get(VPN)?.error));
    assert.equal(outcome.get(PRINT)?.status, 'failed');
    assert.equal(outcome.get(PRINT)?.error?.code, 'AD_UNMANAGED_GROUP', 'outside the scope (the base DN): refused');
    assert.equal(await isMember(VPN), false, 'the reviewed membership is gone in Samba (raw read-back)');
    assert.equal(await isMember(PRINT), true, 'the group outside the scope keeps its member');
    const sam = (await usersWithEmployeeId(admin, 2, tree.root))[0];
    assert.ok(sam?.groups.some((g) => (/^CN=([^,]+)/i.exec(g)?.[1] ?? g) === 'GG-Sales'), 'the kept rule grant remains');

    const again = await preparePlan(engine, { source: { kind: 'full' } });
    assert.deepEqual(again.plan.operations.map((o) => o.entitlement), [PRINT], 'the revoked membership is not granted again; the refused one is still due');

    const audited = await engine.store.audit.query({ personId: '2', event: 'op.done' }, { limit: 50 });
    assert.ok(audited.some((row) => row.target === 'ad' && /"action":"revoke"/.test(row.payload) && row.payload.includes(AD_E2E_UNMANAGED)), 'the revoke is audited');
    const v = await verifyChain(engine.store);
    assert.equal(v.ok, true, JSON.stringify(v.problems));
  });
});
