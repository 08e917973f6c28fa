/** `cadre review start|list|report|close|exceptions|lift` through the real CLI against a SQLite store. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';

const extra = `reviews:
  templates:
    - { id: q4, name: Q4, reviewers: { fallback: root }, default: remove }
`;

describe('cadre review', () => {
  let dir: string;
  let config: string;
  const cli = async (...args: string[]) => runCli([...args, '--config', config], { timeoutMs: 60_000 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-review-cli-'));
    config = writeEngineConfig({ dir, personioUrl: 'http://127.0.0.1:9', extra });
    const engine = await openEngine(await loadConfigOrThrow(config), { storeOnly: true });
    await engine.store.reviews.addCampaign(
      { id: 'q4-seeded', template: 'q4', name: 'Q4', startedBy: 'web:root', startedAt: '2026-12-01T09:00:00.000Z', deadline: '2026-12-15T09:00:00.000Z', status: 'open', defaultDecision: 'remove' },
      [
        { seq: 1, personId: '7', personName: 'Erika Beispiel', target: 'erp', entitlement: 'role:sales', reasonKind: 'rule', reasonSource: 'sales', reasonText: 'department = Sales', reviewer: 'person:9', decision: 'keep', comment: 'still sells', decidedBy: 'web:mia', decidedAt: '2026-12-02T09:00:00.000Z' },
        { seq: 2, personId: '7', personName: 'Erika Beispiel', target: 'erp', entitlement: 'role:vpn', reasonKind: 'unmanaged', reasonSource: '', reasonText: 'found', reviewer: 'person:9' },
      ],
    );
    await engine.close();
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('list, report (table and CSV), close with the default, and start; unknown campaigns and templates are exit 2', async () => {
    const list = await cli('review', 'list', '--no-color');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /q4-seeded {2}open {2}"Q4"/);
    const table = await cli('review', 'report', 'q4-seeded', '--no-color');
    assert.match(table.stdout, /#1 Erika Beispiel \(7\) {2}erp role:sales {2}\[rule sales\] {2}keep by web:mia .*: still sells/);
    assert.match(table.stdout, /#2 .*undecided/);
    const csv = await cli('review', 'report', 'q4-seeded', '--format', 'csv');
    assert.match(csv.stdout.split('\n')[0] ?? '', /^item,personId,person,/);
    const closed = await cli('review', 'close', 'q4-seeded');
    assert.equal(closed.code, 0, closed.stderr);
    assert.match(closed.stdout, /1 removal\(s\) go into the next plan/);
    assert.equal((await cli('review', 'close', 'q4-seeded')).code, 2, 'closed already');
    assert.equal((await cli('review', 'report', 'nope')).code, 2);
    assert.equal((await cli('review', 'start', 'nope')).code, 2);
    const started = await cli('review', 'start', 'q4');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /review q4-\d{4}-\d{2}-\d{2}-[0-9a-f]{6} started: 0 item\(s\)/);
    // The defaulted removal of the unmanaged role is an exception in force (not an override); an admin lifts it.
    const exceptions = await cli('review', 'exceptions', '--no-color');
    assert.equal(exceptions.code, 0, exceptions.stderr);
    assert.match(exceptions.stdout, /q4-seeded #2 {2}Erika Beispiel \(7\) {2}erp role:vpn {2}\[unmanaged\] {2}removed in review "Q4" \(q4-seeded #2\) by the campaign default/);
    assert.equal((await cli('review', 'lift', 'q4-seeded', '2')).code, 2, 'a lift needs a reason');
    assert.equal((await cli('review', 'lift', 'q4-seeded', '1', '--reason', 'x')).code, 2, 'a kept item is no exception');
    const lifted = await cli('review', 'lift', 'q4-seeded', '2', '--reason', 'VPN is fine after all');
    assert.equal(lifted.code, 0, lifted.stderr);
    assert.match(lifted.stdout, /exception q4-seeded #2 lifted: role:vpn in erp for Erika Beispiel \(7\)/);
    assert.match((await cli('review', 'exceptions')).stdout, /No review exceptions in force/);
    const json = JSON.parse((await cli('review', 'report', 'q4-seeded', '--format', 'json')).stdout) as { items: { item: string; liftedBy: string; liftReason: string }[] };
    assert.deepEqual(json.items.map((r) => [r.item, r.liftedBy, r.liftReason]), [['1', '', ''], ['2', `cli:${process.env.USER ?? ''}`.replace(/:$/, ''), 'VPN is fine after all']], 'the report names the lift');
    const engine = await openEngine(await loadConfigOrThrow(config), { storeOnly: true });
    try {
      assert.deepEqual(await engine.store.overrides.byPerson('7'), []);
      const events: string[] = [];
      for await (const page of engine.store.audit.iterate()) for (const row of page) events.push(row.event);
      assert.deepEqual(events.filter((e) => e.startsWith('review.')), ['review.exported', 'review.exported', 'review.exception', 'review.closed', 'review.started', 'review.lifted', 'review.exported']);
    } finally {
      await engine.close();
    }
  });
});
