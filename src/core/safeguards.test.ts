import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HeldAccount, Hold, Operation } from './model.js';
import { buildSafeguards, holdInPlace } from './safeguards.js';
import { input } from './test-support.js';

const reason = { kind: 'rule', source: 'bulk', detail: 'large plan' } as const;
/** A 20,000-person initial plan's worth of operations (10 grants each), built directly: no planning needed. */
const bulk = (): Operation[] => {
  const ops: Operation[] = [];
  for (let i = 0; i < 200_000; i += 1) {
    const p = String(i % 20_000);
    ops.push({ id: `op${i}`, target: 'ad', action: 'grant', personId: p, anchor: `guid-${p}`, changes: [], entitlement: `GG-${Math.floor(i / 20_000)}`, reason, dependsOn: [] });
  }
  return ops;
};

// Regression (6a5f0f7): the holds step replaced the list with `ops.splice(0, ops.length, ...kept)`, and a spread of
// 179,112 operations overflowed the call stack (RangeError) on a 20,000-person initial plan.
test('200,000 operations go through the holds step, with and without holds, without a spread of the list', () => {
  const hold: Hold = { personId: '7', reason: 'investigation', actor: 'cli:test', createdAt: '2024-01-01T00:00:00Z' };
  for (const holds of [[], [hold]]) {
    const ops = bulk();
    const held: HeldAccount[] = [];
    holdInPlace(ops, held, buildSafeguards(input({ holds })), () => true);
    if (holds.length === 0) {
      assert.equal(ops.length, 200_000);
      assert.deepEqual(held, []);
    } else {
      assert.equal(ops.length, 200_000 - 10, 'the held person\'s ten grants are withheld');
      assert.ok(!ops.some((o) => o.personId === '7'));
      assert.deepEqual(held.map((h) => [h.personId, h.target, h.kind, h.withheld]), [['7', 'ad', 'hold', ['grant']]]);
    }
    assert.equal(ops[0]?.id, 'op0', 'order kept');
    assert.equal(ops.at(-1)?.id, 'op199999');
  }
});
