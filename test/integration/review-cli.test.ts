/** `cadre review start|list|report|close` through the real CLI against a SQLite store. */
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
    const engine = await openEngine(await loadConfigOrThrow(config), { storeOnly: true });
    try {
      const ov = await engine.store.overrides.byPerson('7');
      assert.deepEqual(ov.map((o) => [o.attribute, o.value]), [['entitlement:role:vpn', false]]);
      assert.match(ov[0]?.reason ?? '', /removed in review "Q4" \(q4-seeded #2\) by the campaign default/);
      const events: string[] = [];
      for await (const page of engine.store.audit.iterate()) for (const row of page) events.push(row.event);
      assert.deepEqual(events.filter((e) => e.startsWith('review.')), ['review.exported', 'review.exported', 'review.exception', 'review.closed', 'review.started']);
    } finally {
      await engine.close();
    }
  });
});
