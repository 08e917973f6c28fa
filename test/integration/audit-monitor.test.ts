/**
 * The console's cached `audit verify` (src/audit/monitor.ts) on real stores (SQLite and PostgreSQL): a full walk first, the cached
 * result while the head stands still, only the appended tail when it moved, and a full walk (with the exact finding)
 * whenever the tail check sees something odd: an edited new entry, entries written behind Cadre's back, a removed
 * tail. An edit to an entry verified before is found by the full walk (on request or on schedule).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuditLog } from '../../src/audit/log.js';
import { createChainMonitor } from '../../src/audit/monitor.js';
import { postgresHarness, sqliteHarness, withHarness, type StoreHarness } from './store-suite.js';

function clock(): { now: () => Date; advance: (ms: number) => void } {
  let t = Date.parse('2026-06-15T08:00:00.000Z');
  return { now: () => new Date(t), advance: (ms) => { t += ms; } };
}

async function append(h: StoreHarness, n: number, from = 0): Promise<void> {
  const log = createAuditLog(h.store);
  for (let i = 1; i <= n; i += 1) await log.record({ actor: 'engine', event: 'op.done', personId: String(from + i), target: 'ad', payload: { action: 'update', i: from + i } });
}

const setup = async (h: StoreHarness, n = 5) => {
  await append(h, n);
  const c = clock();
  return { c, monitor: createChainMonitor(h.store, { now: c.now, fullEveryMs: 60_000 }) };
};

for (const [dialect, factory] of [['sqlite', sqliteHarness], ['postgres', postgresHarness]] as const) describe(`audit chain monitor (${dialect})`, () => {
  test('full walk first, cached while the head stands still, tail check after appends', () => withHarness(factory, async (h) => {
    const { c, monitor } = await setup(h);
    const first = await monitor.status();
    assert.equal(first.how, 'full');
    assert.equal(first.ok, true);
    assert.equal(first.count, 5);
    assert.equal(first.headSeq, 5);
    c.advance(1000);
    const again = await monitor.status();
    assert.equal(again.how, 'cached');
    assert.equal(again.checkedAt, first.checkedAt);
    await append(h, 3, 5);
    c.advance(1000);
    const t = await monitor.status();
    assert.deepEqual([t.how, t.ok, t.count, t.headSeq], ['tail', true, 8, 8]);
    assert.equal(t.fullAt, first.fullAt, 'a tail check is not a full walk');
    assert.notEqual(t.checkedAt, first.checkedAt);
    // After the schedule's interval the next look still answers from the cache, and walks everything in the background.
    c.advance(60_000);
    const due = await monitor.status();
    assert.equal(due.how, 'cached');
    await monitor.idle();
    const after = await monitor.status();
    assert.equal(after.how, 'cached');
    assert.notEqual(after.fullAt, first.fullAt, 'the background walk ran');
    assert.equal(after.count, 8);
  }));

  test('an edited entry among the appended ones: the tail check falls back to a full walk that names it', () => withHarness(factory, async (h) => {
    const { monitor } = await setup(h);
    await monitor.status();
    await append(h, 3, 5);
    await h.dropAuditTriggers();
    await h.raw('UPDATE audit SET payload = ? WHERE seq = 7', ['{"action":"delete"}']);
    const s = await monitor.status();
    assert.equal(s.how, 'full');
    assert.equal(s.ok, false);
    assert.deepEqual(s.problems.map((p) => `${p.kind}@${p.seq}`), ['changed@7']);
    // A broken chain stays broken on the next look, and is walked again when the head moves.
    assert.equal((await monitor.status()).ok, false);
    await append(h, 1, 8);
    const next = await monitor.status();
    assert.deepEqual([next.how, next.ok], ['full', false]);
  }));

  test('entries appended behind Cadre\'s back (no head moved with them) are not taken as a valid tail', () => withHarness(factory, async (h) => {
    const { monitor } = await setup(h);
    await monitor.status();
    const [last] = await h.raw('SELECT * FROM audit WHERE seq = 5');
    assert.ok(last);
    // A copy of the last entry with the next seq: it does not match its hash (seq is hashed) and the head stays at 5.
    await h.raw('INSERT INTO audit (seq, at, actor, event, run_id, person_id, target, payload, prev_hash, hash) VALUES (6, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [last.at, last.actor, last.event, last.run_id, last.person_id, last.target, last.payload, last.hash, last.hash]);
    const s = await monitor.status();
    assert.equal(s.how, 'full');
    assert.equal(s.ok, false);
    assert.ok(s.problems.length > 0);
  }));

  test('a removed tail followed by a new entry is found', () => withHarness(factory, async (h) => {
    const { monitor } = await setup(h);
    await monitor.status();
    await h.dropAuditTriggers();
    await h.raw('DELETE FROM audit WHERE seq >= 4');
    // The log continues from the recorded head (seq 6 linking to 5), so only the missing entries give it away.
    await append(h, 1, 5);
    const s = await monitor.status();
    assert.equal(s.how, 'full');
    assert.equal(s.ok, false);
    assert.deepEqual(s.problems.map((p) => `${p.kind}@${p.seq}`), ['removed@4']);
  }));

  test('an edit to an entry verified before: the cached look cannot see it, verifyFull does', () => withHarness(factory, async (h) => {
    const { monitor } = await setup(h);
    await monitor.status();
    await h.dropAuditTriggers();
    await h.raw('UPDATE audit SET actor = ? WHERE seq = 2', ['web:mallory']);
    assert.equal((await monitor.status()).ok, true, 'documented limit of the cached look');
    const full = await monitor.verifyFull();
    assert.deepEqual([full.how, full.ok, full.problems.map((p) => `${p.kind}@${p.seq}`).join()], ['full', false, 'changed@2']);
  }));

  test('an empty log verifies; the first entries written after it are walked in full', () => withHarness(factory, async (h) => {
    const monitor = createChainMonitor(h.store);
    const empty = await monitor.status();
    assert.deepEqual([empty.ok, empty.count, empty.headSeq], [true, 0, 0]);
    await append(h, 2);
    const s = await monitor.status();
    // Nothing verified to extend: the first look after the first entries walks the (short) chain.
    assert.deepEqual([s.ok, s.count, s.headSeq], [true, 2, 2]);
  }));

  test('concurrent looks share one check', () => withHarness(factory, async (h) => {
    const { monitor } = await setup(h);
    const [a, b] = await Promise.all([monitor.status(), monitor.status()]);
    assert.equal(a, b);
  }));
});
