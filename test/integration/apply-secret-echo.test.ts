/**
 * A create whose target answers with the request quoted back (first password included, as some SCIM/REST services
 * put the rejected body in their error) must not carry that password into the operation's error: the audit row,
 * the run's outcome and the SQLite file stay free of it. SQLite store, the in-memory reference target behind a
 * connector that takes passwords and echoes them like such a service.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configGuard } from '../../src/config/schema.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { createMemoryTarget } from '../../src/targets/conformance/memory-target.js';
import type { TargetConnector } from '../../src/targets/contract.js';

test('a first password echoed in a create error reaches no audit row, outcome or stored row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-echo-'));
  const config = configGuard.parse({
    source: { type: 'personio', baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
    store: { driver: 'sqlite', path: join(dir, 'cadre.db') },
    identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'] } },
    targets: { mem: { type: 'memory', password: true, attributes: { displayName: '{{ firstName }} {{ lastName }}' }, identifiers: { username: ['sAMAccountName'] } } },
  });
  const opened = await openEngine(config, { storeOnly: true, now: () => new Date('2026-12-02T10:00:00Z') });
  const mem = createMemoryTarget({ name: 'mem', identifierAttributes: { username: ['sAMAccountName'] } });
  const seen: string[] = [];
  const echoing: TargetConnector = {
    ...mem.connector,
    capabilities: { ...mem.connector.capabilities, supportsPassword: true },
    async apply(op, ctx) {
      if (ctx.secret === undefined) return mem.connector.apply(op, ctx);
      seen.push(ctx.secret);
      if (seen.length === 1) return { ok: false, error: { code: 'SCIM_INVALID_REQUEST', message: `POST /Users: 400 (bad body {"password":${JSON.stringify(ctx.secret)}})`, transient: false } };
      throw new Error(`socket hang up after writing password=${encodeURIComponent(ctx.secret)}`);
    },
  };
  const engine: Engine = { ...opened, targets: new Map([['mem', echoing]]) };
  try {
    await engine.store.persons.replaceAll([
      { id: '1', firstName: 'Erika', lastName: 'Muster', status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01' },
      { id: '2', firstName: 'Max', lastName: 'Probe', status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01' },
    ]);
    const outcome = await withRunLease(engine, { command: 'test' }, async (lease) => {
      const prepared = await preparePlan(engine, { source: { kind: 'store' } });
      return applyPrepared(engine, prepared, { actor: 'test', lease, storePersons: 'none' });
    });
    assert.ok(seen.length >= 2, 'both creates sent a password');
    const rows: string[] = [];
    for await (const page of engine.store.audit.iterate()) for (const r of page) rows.push(JSON.stringify(r));
    const trail = rows.join('\n');
    assert.match(trail, /bad body/, 'the failure itself is audited');
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
    for (const pw of seen) {
      for (const form of [pw, encodeURIComponent(pw), JSON.stringify(pw).slice(1, -1)]) {
        assert.ok(!trail.includes(form), 'audit rows carry no password');
        assert.ok(!JSON.stringify(outcome).includes(form), 'the outcome carries no password');
        assert.ok(!files.includes(form), 'the store carries no password');
      }
    }
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
