import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { groupCommit } from './group-commit.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('groupCommit', () => {
  test('items arriving during a flush go out together in the next one; every call resolves after its flush', async () => {
    const batches: number[][] = [];
    const committed = new Set<number>();
    const commit = groupCommit<number>(async (items) => {
      await tick();
      batches.push([...items]);
      for (const i of items) committed.add(i);
    });
    const calls = Array.from({ length: 10 }, (_, i) => commit(i).then(() => assert.ok(committed.has(i), `${i} resolved before its flush`)));
    await Promise.all(calls);
    assert.deepEqual(batches, [[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    await commit(10);
    assert.deepEqual(batches.at(-1), [10], 'an idle committer flushes at once');
  });

  test('a failed flush rejects exactly its own batch; later items still commit', async () => {
    let n = 0;
    const commit = groupCommit<string>(async (items) => {
      n += 1;
      await tick();
      if (items.includes('bad')) throw new Error('disk full');
    });
    const first = commit('a');
    const batch = [commit('bad'), commit('b')];
    await first;
    const results = await Promise.allSettled(batch);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    await commit('c');
    assert.equal(n, 3);
  });

  test('batches are capped', async () => {
    const sizes: number[] = [];
    const commit = groupCommit<number>(async (items) => { sizes.push(items.length); await tick(); }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => commit(i)));
    assert.deepEqual(sizes, [1, 3, 3, 1]);
  });
});
