/** `cadre override list|remove` through the real CLI against a SQLite store: listing, expiry marks, audited removal. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine } from '../../src/engine/engine.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';

describe('cadre override', () => {
  let dir: string;
  let config: string;
  const cli = async (...args: string[]) => runCli([...args, '--config', config], { timeoutMs: 60_000 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-override-cli-'));
    config = writeEngineConfig({ dir, personioUrl: 'http://127.0.0.1:9' });
    const engine = await openEngine(await loadConfigOrThrow(config), { storeOnly: true });
    await engine.store.overrides.put({ personId: '7', target: 'erp', attribute: 'title', value: 'Lead', actor: 'web:alice', createdAt: '2026-12-01T09:00:00.000Z', expiresAt: '2027-03-01', reason: 'form edit-title' });
    await engine.store.overrides.put({ personId: '7', target: 'erp', attribute: 'entitlement:role:vpn', value: true, actor: 'web:gina', createdAt: '2026-01-01T09:00:00.000Z', expiresAt: '2026-02-01', reason: 'form groups' });
    await engine.close();
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('list shows each override with who, until when and why; expired ones marked', async () => {
    const r = await cli('override', 'list', '--no-color');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /person 7 {2}erp {2}title = "Lead" {2}— by web:alice on 2026-12-01T09:00:00.000Z, until 2027-03-01: form edit-title/);
    assert.match(r.stdout, /entitlement:role:vpn = true .* \(expired\)/);
    const json = JSON.parse((await cli('override', 'list', '--json', '--person', '7')).stdout) as { attribute: string; active: boolean }[];
    assert.deepEqual(json.map((o) => [o.attribute, o.active]), [['entitlement:role:vpn', false], ['title', true]]);
  });

  test('remove deletes one override and audits it; an unknown one is exit 2; missing options are usage errors', async () => {
    const r = await cli('override', 'remove', '7', '--target', 'erp', '--attribute', 'title', '--reason', 'HR fixed it');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /override of title for person 7 in erp removed/);
    assert.equal((await cli('override', 'remove', '7', '--target', 'erp', '--attribute', 'title')).code, 2);
    assert.equal((await cli('override', 'remove', '7')).code, 2);
    const engine = await openEngine(await loadConfigOrThrow(config), { storeOnly: true });
    try {
      assert.deepEqual((await engine.store.overrides.byPerson('7')).map((o) => o.attribute), ['entitlement:role:vpn']);
      const rows = [];
      for await (const page of engine.store.audit.iterate()) for (const row of page) if (row.event === 'override.removed') rows.push(row);
      assert.equal(rows.length, 1);
      assert.match(String(rows[0]?.actor), /^cli/);
      assert.match(JSON.stringify(rows[0]?.payload), /HR fixed it/);
    } finally {
      await engine.close();
    }
  });
});
