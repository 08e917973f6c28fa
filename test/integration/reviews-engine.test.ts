/**
 * Access reviews in the engine on SQLite (store and a SQL-table target, Personio simulator): the daemon's review tick
 * closes a campaign at its deadline, undecided items take the template's default (`remove` here: every removal is a
 * revoke in the next plan and stays removed although the rule grants it; `keep`: nothing changes), a scheduled
 * template starts once when its cron time passes, and `cadre review report` lists who decided what.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { verifyChain } from '../../src/audit/verify.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { formatExplanation } from '../../src/core/explain.js';
import { exceptionsFor, liftException } from '../../src/engine/access-exceptions.js';
import { explainStored } from '../../src/engine/person-view.js';
import { decideItem, reviewTick, startCampaign } from '../../src/engine/reviews/index.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const people: EmployeeSpec[] = [
  { id: 1, first: 'Sina', last: 'Sales', department: 'Sales', office: 'Berlin', supervisorId: 3 },
  { id: 2, first: 'Sven', last: 'Sales', department: 'Sales', office: 'Berlin', supervisorId: 3 },
  { id: 3, first: 'Bea', last: 'Boss', department: 'Board', office: 'Berlin', language: 'de' },
];

const extra = (smtpPort: number) => `notifications:
  smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, from: "cadre@example.com", insecure: true }
reviews:
  ruleOwners: { sales: { mail: sales-owner@example.com, owner: "3" } }
  templates:
    - { id: strict, name: Strict, scope: { entitlements: ["role:sales"] }, reviewers: { fallback: root }, deadline: 1d, default: remove }
    - { id: lenient, name: Lenient, scope: { entitlements: ["role:staff"] }, reviewers: { fallback: root }, deadline: 1d }
    - { id: daily, name: Daily, scope: { entitlements: ["role:finance"] }, reviewers: { fallback: root }, schedule: "0 8 * * *" }
`;

describe('access reviews in the engine (SQLite)', () => {
  let dir: string;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let smtp: TestSmtpServer;
  let clock = new Date('2026-12-01T10:00:00.000Z');
  const roles = (pid: string): string[] => {
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      return (db.prepare('SELECT r.role FROM account_roles r JOIN accounts a ON a.id = r.account_id WHERE a.employee_id = ? ORDER BY r.role').all(pid) as { role: string }[]).map((r) => r.role);
    } finally {
      db.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-reviews-engine-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    smtp = await startSmtpServer();
    engine = await openEngine(await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: personio.url, extra: extra(smtp.port) })), { now: () => clock });
    await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    assert.deepEqual(roles('1'), ['role:sales', 'role:staff']);
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('at the deadline the tick closes campaigns: default remove revokes through the plan and keeps it removed; default keep changes nothing', async () => {
    const strict = await startCampaign(engine, { template: 'strict', actor: 'cli:root' });
    const lenient = await startCampaign(engine, { template: 'lenient', actor: 'cli:root' });
    assert.deepEqual(strict.items.map((i) => [i.personId, i.entitlement, i.reasonKind, i.reasonSource, i.reviewer]), [['1', 'role:sales', 'rule', 'sales', 'person:3'], ['2', 'role:sales', 'rule', 'sales', 'person:3']]);
    assert.ok(strict.items.every((i) => i.lastGrantedAt !== undefined), 'the last grant comes from the audit');
    assert.equal(lenient.items.length, 3);
    // "A review is due": one mail per campaign to the reviewer with an address (Bea, in German: language_code de);
    // the fallback user root has no person, so no address.
    const due = await smtp.waitFor(2, 10_000);
    assert.deepEqual(smtp.envelopes.slice(0, 2).map((e) => e.to), [['hr3@example.com'], ['hr3@example.com']]);
    assert.match(due[0]?.subject ?? '', /^Cadre: Zugriffsprüfung „Strict“ bis 02\.12\.2026$/);
    assert.match(due[0]?.text ?? '', /Bitte prüfen Sie 2 Berechtigungen bis 02\.12\.2026/);
    assert.match(due[0]?.text ?? '', /entfernt\./, 'the default (remove) is said');
    assert.match(due[0]?.text ?? '', /https?:\/\/[^\s]+\/reviews\b/, 'a link to the console');
    assert.match(due[1]?.text ?? '', /Bitte prüfen Sie 2 Berechtigungen/, "Bea's own access goes to the fallback, not to her");
    assert.doesNotMatch(`${due[0]?.text ?? ''}${due[0]?.html ?? ''}`, /token=|decide\?/i, 'no decide-by-link token');
    // The boss keeps Sven's; Sina's stays undecided and takes the default.
    await decideItem(engine, { campaignId: strict.campaign.id, seq: 2, decision: 'keep', comment: '', principal: { id: 'bea', role: 'manager', personId: '3' }, actor: 'web:bea' });
    await assert.rejects(decideItem(engine, { campaignId: strict.campaign.id, seq: 1, decision: 'keep', comment: '', principal: { id: 'sina', role: 'manager', personId: '1' }, actor: 'web:sina' }), { code: 'REVIEW_FORBIDDEN' });

    clock = new Date('2026-12-01T20:00:00.000Z');
    assert.deepEqual(await reviewTick(engine, clock), { closed: [], started: [] }, 'before the deadline nothing closes');
    clock = new Date('2026-12-02T10:00:01.000Z');
    const tick = await reviewTick(engine, clock);
    assert.deepEqual(tick.closed.sort(), [lenient.campaign.id, strict.campaign.id].sort());
    const items = await engine.store.reviews.items(strict.campaign.id);
    assert.deepEqual(items.map((i) => [i.seq, i.decision, i.decidedBy]), [[1, 'remove', 'review-default'], [2, 'keep', 'web:bea']]);
    assert.ok((await engine.store.reviews.items(lenient.campaign.id)).every((i) => i.decision === 'keep'));

    // The removed rule grant is flagged to the rule's owner by mail.
    const mail = (await smtp.waitFor(3, 10_000))[2];
    assert.match(mail?.subject ?? '', /review "Strict" removed access your rules grant/);
    assert.deepEqual(smtp.envelopes[2]?.to, ['sales-owner@example.com']);
    assert.match(mail?.text ?? '', /Sina Sales \(1\): role:sales in erp, granted by rule sales/);

    const r = await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    assert.deepEqual(r.prepared.plan.operations.map((o) => [o.action, o.personId, o.entitlement]), [['revoke', '1', 'role:sales']], 'one revoke: the defaulted removal');
    assert.match(r.prepared.plan.operations[0]?.reason.detail ?? '', /removed in review "Strict" .* by the campaign default/);
    assert.deepEqual(roles('1'), ['role:staff']);
    assert.deepEqual(roles('2'), ['role:sales', 'role:staff']);
    const again = await fullSync(engine, { actor: 'test', at: new Date(clock.getTime() + 60_000).toISOString() });
    assert.deepEqual(again.prepared.plan.operations, [], 'the rule does not grant it again');
    assert.deepEqual(roles('1'), ['role:staff']);
  });

  test('the rule owner sees the flagged exception; an admin lifts it (audited) and the rule grants it again; explain shows it only while it is in force', async () => {
    const explained = async () => formatExplanation(await explainStored(engine, '1'));
    assert.match(await explained(), /role:sales {2}\(removed, kept removed\) ← review removed in review "Strict"/, 'explain shows the exception');
    const [x] = await exceptionsFor(engine, { id: 'root', role: 'admin' });
    assert.ok(x);
    assert.deepEqual([x.item.personId, x.item.entitlement, x.rule, x.owner], ['1', 'role:sales', 'sales', '3']);
    assert.equal((await exceptionsFor(engine, { id: 'bea', role: 'manager', personId: '3' })).length, 1, 'the rule owner (Personio person 3) sees it');
    assert.deepEqual(await exceptionsFor(engine, { id: 'sven', role: 'manager', personId: '2' }), [], 'anyone else does not');
    await assert.rejects(liftException(engine, { campaignId: x.campaign.id, seq: x.item.seq, reason: ' ', actor: 'cli:root' }), { code: 'REVIEW_COMMENT_REQUIRED' });
    await assert.rejects(liftException(engine, { campaignId: x.campaign.id, seq: 2, reason: 'x', actor: 'cli:root' }), { code: 'REVIEW_NOT_EXCEPTION' }, 'a kept item is no exception');
    const lifted = await liftException(engine, { campaignId: x.campaign.id, seq: x.item.seq, reason: 'back in sales', actor: 'cli:root' });
    assert.equal(lifted.lift?.by, 'cli:root');
    await assert.rejects(liftException(engine, { campaignId: x.campaign.id, seq: x.item.seq, reason: 'again', actor: 'cli:root' }), { code: 'REVIEW_LIFTED' });
    assert.deepEqual(await exceptionsFor(engine, { id: 'root', role: 'admin' }), []);
    assert.doesNotMatch(await explained(), /kept removed/, 'explain no longer shows it');
    const r = await fullSync(engine, { actor: 'test', at: new Date(clock.getTime() + 120_000).toISOString() });
    assert.deepEqual(r.prepared.plan.operations.map((o) => [o.action, o.personId, o.entitlement]), [['grant', '1', 'role:sales']], 'the rule grants it again');
    assert.deepEqual(roles('1'), ['role:sales', 'role:staff']);
    const rows = await engine.store.audit.query({ personId: '1', event: 'review.lifted' }, { limit: 5 });
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0]?.payload ?? '{}'), { campaign: x.campaign.id, item: x.item.seq, entitlement: 'role:sales', reason: 'rule', rule: 'sales', comment: 'back in sales' });
    assert.equal(rows[0]?.actor, 'cli:root');
  });

  test('a scheduled template starts once when its cron time passes', async () => {
    clock = new Date('2026-12-03T07:30:00.000Z'); // 08:30 in Berlin
    const first = await reviewTick(engine, new Date('2026-12-03T06:00:00.000Z'));
    assert.equal(first.started.length, 1);
    assert.match(first.started[0] ?? '', /^daily-2026-12-03-/);
    assert.deepEqual((await reviewTick(engine, clock)).started, [], 'the next tick does not start it again');
    const events: string[] = [];
    for await (const page of engine.store.audit.iterate()) for (const row of page) events.push(row.event);
    for (const e of ['review.started', 'review.decided', 'review.refused', 'review.exception', 'review.closed', 'review.lifted']) assert.ok(events.includes(e), e);
    assert.equal((await verifyChain(engine.store)).ok, true);
  });
});
