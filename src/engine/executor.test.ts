import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Operation } from '../core/model.js';
import type { OperationResult } from '../targets/contract.js';
import { execute, type OpOutcome } from './executor.js';

const op = (id: string, target: string, dependsOn: string[] = []): Operation => ({
  id, target, action: 'update', personId: id, changes: [], dependsOn, reason: { kind: 'rule', source: 't', detail: '' },
});

describe('executor', () => {
  test('runs dependencies first and skips dependants of a failure; others go on', async () => {
    const order: string[] = [];
    const ops = [op('grant', 'ad', ['create']), op('create', 'ad'), op('other', 'ad'), op('after-fail', 'ad', ['fail']), op('fail', 'ad')];
    const settled: OpOutcome[] = [];
    const out = await execute(ops, {
      retries: 0,
      concurrency: () => 2,
      run: async (o): Promise<OperationResult> => {
        order.push(o.id);
        await new Promise((r) => setTimeout(r, o.id === 'create' ? 20 : 1));
        return o.id === 'fail' ? { ok: false, error: { code: 'X', message: 'boom', transient: false } } : { ok: true };
      },
      settle: async (x) => { settled.push(x); },
    });
    assert.ok(order.indexOf('create') < order.indexOf('grant'));
    const status = Object.fromEntries(out.map((o) => [o.op.id, o.status]));
    assert.deepEqual(status, { grant: 'done', create: 'done', other: 'done', 'after-fail': 'skipped', fail: 'failed' });
    assert.equal(settled.length, 5);
    assert.ok(!order.includes('after-fail'), 'a dependant of a failed op is never sent');
  });

  test('retries transient errors, honouring Retry-After, up to the limit', async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await execute([op('a', 'entra')], {
      retries: 3,
      concurrency: () => 1,
      sleep: async (ms) => { waits.push(ms); },
      run: async () => {
        calls += 1;
        return calls < 3 ? { ok: false, error: { code: 'THROTTLED', message: 'slow down', transient: true, retryAfter: 7 } } : { ok: true, anchor: 'x' };
      },
      settle: async () => undefined,
    });
    assert.equal(out[0]?.status, 'done');
    assert.equal(out[0]?.attempts, 3);
    assert.deepEqual(waits, [7000, 7000]);
    let n = 0;
    const failed = await execute([op('b', 'x')], { retries: 2, concurrency: () => 1, sleep: async () => undefined, run: async () => { n += 1; return { ok: false, error: { code: 'DOWN', message: '', transient: true } }; }, settle: async () => undefined });
    assert.equal(failed[0]?.status, 'failed');
    assert.equal(n, 3, 'first attempt plus two retries');
  });

  test('bounds concurrency per target and turns throws into failures', async () => {
    let active = 0;
    let peak = 0;
    const ops = Array.from({ length: 12 }, (_, i) => op(`o${i}`, i % 2 ? 'a' : 'b'));
    const out = await execute(ops, {
      retries: 0,
      concurrency: (t) => (t === 'a' ? 2 : 1),
      run: async (o) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active -= 1;
        if (o.id === 'o3') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return { ok: true };
      },
      settle: async () => undefined,
    });
    assert.ok(peak <= 3, `at most 2 + 1 in flight, saw ${peak}`);
    const o3 = out.find((o) => o.op.id === 'o3');
    assert.equal(o3?.status, 'failed');
    assert.equal(o3?.error?.code, 'ECONNRESET');
  });
});
