/**
 * Effect handlers are dispatched like target connectors: a fake handler registered beside the targets gets its
 * operations through the same executor, with retries of transient failures, dependency skips, the journal, the audit
 * outcome per operation, and the carry-over of an interrupted run's pending operations. In-process engine, a SQLite
 * store and SQL target, the Personio simulator (with nobody in it: the plan's operations are the fake ones).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { AccountOperation, Operation } from '../../src/core/model.js';
import { applyPrepared } from '../../src/engine/apply.js';
import type { EffectHandler, EffectRunContext } from '../../src/engine/effects/contract.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { withRunLease } from '../../src/engine/lease.js';
import { createLogger } from '../../src/engine/log.js';
import { preparePlan } from '../../src/engine/planning.js';
import type { AuditRow } from '../../src/store/types.js';
import type { OperationResult } from '../../src/targets/contract.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';

const TICKET = 'ticket';

const ticketOp = (id: string, personId: string, dependsOn: string[] = []): AccountOperation => ({
  id, target: TICKET, action: 'update', personId, changes: [{ attribute: 'summary', from: null, to: `badge for ${personId}` }],
  reason: { kind: 'manual', source: 'test', detail: 'fake effect' }, dependsOn,
});

/** A help-desk ticket system as a pseudo-target: `t-flaky` fails once (transient), `t-broken` always. */
function fakeTickets(): EffectHandler & { calls: string[]; contexts: EffectRunContext[] } {
  const calls: string[] = [];
  const contexts: EffectRunContext[] = [];
  return {
    name: TICKET,
    concurrency: 1,
    calls,
    contexts,
    async apply(op: Operation, ctx: EffectRunContext): Promise<OperationResult> {
      calls.push(op.id);
      contexts.push(ctx);
      if (op.id === 't-broken') return { ok: false, error: { code: 'TICKET_REJECTED', message: 'queue closed', transient: false } };
      if (op.id === 't-flaky' && calls.filter((c) => c === op.id).length === 1) return { ok: false, error: { code: 'TICKET_UNAVAILABLE', message: 'try again', transient: true, retryAfter: 0 } };
      return { ok: true, note: `ticket opened for ${op.personId}` };
    },
    resume: (op) => ({ ...op, id: `${op.id}-again`, dependsOn: [] }),
  };
}

describe('effect handlers are dispatched like targets', () => {
  let dir: string;
  let engine: Engine;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;
  const audit = async (): Promise<AuditRow[]> => {
    const rows: AuditRow[] = [];
    for await (const page of engine.store.audit.iterate()) rows.push(...page);
    return rows;
  };
  /** Apply a plan of exactly `ops` with `handler` registered beside the engine's targets. */
  const applyWith = async (handler: EffectHandler, ops: readonly Operation[]) => {
    const withFake: Engine = { ...engine, effects: new Map([...engine.effects, [handler.name, handler]]) };
    return withRunLease(withFake, { command: 'apply' }, async (lease) => {
      const prepared = await preparePlan(withFake);
      assert.deepEqual(prepared.plan.operations, [], 'nobody in Personio: nothing planned');
      return applyPrepared(withFake, { ...prepared, plan: { ...prepared.plan, operations: ops } }, { actor: 'test', lease });
    });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-effects-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [] });
    engine = await openEngine(await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: sim.url })), { log: createLogger('silent') });
  });
  after(async () => {
    await engine?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the built-in effects are registered under their pseudo-targets', () => {
    assert.deepEqual([...engine.effects.keys()].sort(), ['notify', 'personio']);
  });

  test('a fake handler: retried, failed, dependents skipped, each outcome journaled and audited', async () => {
    const handler = fakeTickets();
    const ops = [ticketOp('t-ok', '1'), ticketOp('t-flaky', '2'), ticketOp('t-broken', '3'), ticketOp('t-after', '3', ['t-broken'])];
    const report = await applyWith(handler, ops);

    assert.deepEqual(report.counts, { done: 2, failed: 1, skipped: 1 });
    assert.deepEqual([...handler.calls].sort(), ['t-broken', 't-flaky', 't-flaky', 't-ok'], 'a transient failure is retried; a dependent of a failure is never sent');
    assert.ok(handler.contexts.every((c) => c.persons instanceof Map && c.secrets instanceof Map), 'the handler gets the run context');

    const journal = new Map((await engine.store.journal.entries(report.runId)).map((e) => [e.opId, e]));
    assert.deepEqual([...journal.keys()].sort(), ['t-after', 't-broken', 't-flaky', 't-ok']);
    assert.equal(journal.get('t-ok')?.status, 'done');
    assert.equal(journal.get('t-flaky')?.status, 'done');
    assert.equal(journal.get('t-broken')?.status, 'failed');
    assert.match(journal.get('t-broken')?.error ?? '', /^TICKET_REJECTED: queue closed/);
    assert.equal(journal.get('t-after')?.status, 'skipped');
    assert.deepEqual(journal.get('t-ok')?.operation, ops[0], 'the journal holds the operation');

    const rows = (await audit()).filter((r) => r.runId === report.runId && r.target === TICKET);
    const outcome = (id: string) => rows.find((r) => (JSON.parse(r.payload) as { opId?: string }).opId === id);
    assert.equal(outcome('t-ok')?.event, 'op.done');
    assert.equal((JSON.parse(outcome('t-ok')?.payload ?? '{}') as { note?: string }).note, 'ticket opened for 1');
    assert.equal(outcome('t-flaky')?.event, 'op.done');
    assert.equal((JSON.parse(outcome('t-flaky')?.payload ?? '{}') as { attempts?: number }).attempts, 2);
    assert.equal(outcome('t-broken')?.event, 'op.failed');
    assert.equal(outcome('t-broken')?.personId, '3');
    assert.equal(outcome('t-after')?.event, 'op.skipped');
    assert.deepEqual(await engine.store.accounts.all(), [], 'an effect leaves the account state alone');
  });

  test('a pending operation of an interrupted run is closed as interrupted and resumed through its handler', async () => {
    await engine.store.runs.start({ id: 'run-dead', kind: 'apply' });
    await engine.store.journal.add('run-dead', [ticketOp('t-pending', '4', ['never-done'])]);
    const handler = fakeTickets();
    const report = await applyWith(handler, []);

    assert.deepEqual(handler.calls, ['t-pending-again'], 'the handler resumed it, without the dead run\'s dependencies');
    assert.equal((await engine.store.runs.get('run-dead'))?.status, 'failed');
    const [dead] = await engine.store.journal.entries('run-dead');
    assert.equal(dead?.status, 'skipped');
    assert.match(dead?.error ?? '', /^interrupted; superseded by run /);
    assert.deepEqual((await engine.store.journal.entries(report.runId)).map((e) => [e.opId, e.status]), [['t-pending-again', 'done']]);
    const rows = await audit();
    assert.ok(rows.some((r) => r.event === 'op.interrupted' && r.runId === 'run-dead' && r.target === TICKET));
    assert.ok(rows.some((r) => r.event === 'op.done' && r.runId === report.runId && r.target === TICKET));
  });
});
