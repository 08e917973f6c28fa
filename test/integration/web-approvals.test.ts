/**
 * A blocked plan decided in the console: a rejection keeps it blocked (audited), an approval lets the next
 * scheduled run apply it once (the daemon's own tick, through the threshold gate), an approval covers no larger
 * breach, and a decision needs a comment. Real Personio simulator and SQL target; the console through inject.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startDaemon } from '../../src/engine/daemon.js';
import { readApprovals } from '../../src/engine/approvals-store.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { employee } from '../support/personio-fixture.js';
import { startWebHarness, type WebHarness } from '../support/web.js';

const everyone = Array.from({ length: 60 }, (_, i) => employee({ id: 200 + i, first: `Vorname${i}`, last: `Nachname${i}`, department: 'Sales', office: 'Berlin' }));

describe('console approvals of a blocked plan', () => {
  let h: WebHarness;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const active = (): number => {
    const db = new Database(join(h.dir, 'erp.db'), { readonly: true });
    try {
      return (db.prepare('select count(*) as n from accounts where active = 1').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const events = async (prefix: string) => {
    const out = [];
    for await (const page of h.engine.store.audit.iterate()) out.push(...page.filter((r) => r.event.startsWith(prefix)));
    return out;
  };
  const tick = async (): Promise<void> => {
    // The daemon of `cadre serve`: its first tick is a full sync under the run lease.
    const daemon = startDaemon(h.engine, { every: '1h', fullEvery: '1h', actor: 'cadre-serve' });
    await daemon.tick();
    await daemon.stop();
  };

  before(async () => {
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: everyone });
    h = await startWebHarness({ personioUrl: sim.url, thresholds: 'thresholds: { default: { count: 10, percent: 10 } }' });
    await fullSync(h.engine, { actor: 'test' });
    assert.equal(active(), 60);
    for (let i = 0; i < 18; i += 1) sim.company.remove(String(200 + i));
    await assert.rejects(fullSync(h.engine, { actor: 'test' }), (e: { code?: string }) => e.code === 'THRESHOLD_BLOCKED');
  });
  after(async () => {
    await h?.close();
    await sim?.close();
  });

  test('person page: stored accounts, and their live state read from the target on request', async () => {
    const c = await h.signIn('helpdesk');
    const stored = await c.get('/persons/250');
    assert.equal(stored.statusCode, 200);
    assert.match(stored.body, /<td>erp<\/td>/);
    assert.doesNotMatch(stored.body, /class="badge ok">live</);
    const live = await c.get('/persons/250?live=1');
    assert.equal(live.statusCode, 200);
    assert.match(live.body, /<td>erp<\/td><td>[^<]+<\/td><td>Yes <span class="badge ok">live<\/span>/);
  });

  test('the dashboard shows the blocked breach with approve/reject for admins only', async () => {
    const admin = await h.signIn('admin');
    const page = await admin.get('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<td>erp<\/td><td>disable<\/td><td>18 \/ 60<\/td>/);
    assert.match(page.body, /name="decision" value="approve"/);
    const auditor = await h.signIn('auditor');
    const seen = await auditor.get('/');
    assert.match(seen.body, /<td>erp<\/td><td>disable<\/td>/);
    assert.doesNotMatch(seen.body, /name="decision"/);
    assert.equal((await auditor.post('/approvals', { target: 'erp', action: 'disable', decision: 'approve', comment: 'x' })).statusCode, 403);
  });

  test('a decision needs a comment; a rejection keeps the plan blocked and is audited', async () => {
    const admin = await h.signIn('admin');
    const none = await admin.post('/approvals', { target: 'erp', action: 'disable', decision: 'approve', comment: '  ' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /needs a comment/);
    const unknown = await admin.post('/approvals', { target: 'erp', action: 'delete', decision: 'approve', comment: 'ok' });
    assert.equal(unknown.statusCode, 400);
    const r = await admin.post('/approvals', { target: 'erp', action: 'disable', decision: 'reject', comment: 'HR export was broken <b>again</b>' });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/?done=rejected');
    const [rejected] = await events('plan.approval.rejected');
    assert.equal(rejected?.actor, 'web:test-admin');
    assert.match(rejected?.payload ?? '', /HR export was broken/);
    await tick();
    assert.equal(active(), 60, 'still blocked after the rejection');
    const page = await admin.get('/');
    assert.match(page.body, /Blocked since/);
    assert.ok(!page.body.includes('<b>again</b>'));
  });

  test('an approval lets the next scheduled run apply the plan, once; it is audited with the comment', async () => {
    const admin = await h.signIn('admin');
    const r = await admin.post('/approvals', { target: 'erp', action: 'disable', decision: 'approve', comment: 'expected: the Leipzig office closed' });
    assert.equal(r.statusCode, 303);
    assert.match((await admin.get('/?done=approved')).body, /Approved by web:test-admin/);
    assert.equal((await readApprovals(h.engine.store)).length, 1);
    assert.equal(active(), 60, 'nothing happens before the next run');
    await tick();
    assert.equal(active(), 42, 'the 18 leavers are disabled');
    const approved = (await events('plan.approved')).at(-1);
    const payload = JSON.parse(approved?.payload ?? '{}') as { consoleApprovals?: { actor: string; comment: string }[] };
    assert.deepEqual(payload.consoleApprovals?.map((a) => [a.actor, a.comment]), [['web:test-admin', 'expected: the Leipzig office closed']]);
    assert.deepEqual(await readApprovals(h.engine.store), [], 'used once');
    assert.match((await admin.get('/')).body, /No plan is blocked/);
  });

  test('an approval does not cover a larger breach', async () => {
    for (let i = 18; i < 30; i += 1) sim.company.remove(String(200 + i));
    await assert.rejects(fullSync(h.engine, { actor: 'test' }), (e: { code?: string }) => e.code === 'THRESHOLD_BLOCKED');
    const admin = await h.signIn('admin');
    assert.equal((await admin.post('/approvals', { target: 'erp', action: 'disable', decision: 'approve', comment: 'twelve more, fine' })).statusCode, 303);
    for (let i = 30; i < 40; i += 1) sim.company.remove(String(200 + i));
    await tick();
    assert.equal(active(), 42, 'the block grew from 12 to 22: not what was approved');
    assert.equal((await readApprovals(h.engine.store)).length, 1, 'the approval is still there for its own breach');
  });
});
