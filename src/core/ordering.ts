/**
 * Deterministic operation order: topological by `dependsOn`, ties broken by a fixed action order,
 * then person id, target and id.
 */
import type { Action, Operation } from './model.js';
import { comparePersonIds } from './rules/identifiers.js';

/** Action rank used to break ties between independent operations. */
export const ACTION_ORDER: readonly Action[] = [
  'create', 'adopt', 'update', 'move', 'rename', 'enable', 'grant', 'revoke', 'setPassword', 'disable', 'offboard', 'delete', 'writeBack', 'notify',
];
const RANK = new Map<Action, number>(ACTION_ORDER.map((a, i) => [a, i]));

/** Total order of independent operations. */
export function compareOps(a: Operation, b: Operation): number {
  return (RANK.get(a.action) ?? 99) - (RANK.get(b.action) ?? 99)
    || comparePersonIds(a.personId, b.personId)
    || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)
    || ((a.entitlement ?? '') < (b.entitlement ?? '') ? -1 : (a.entitlement ?? '') > (b.entitlement ?? '') ? 1 : 0)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Binary min-heap of indices. */
function heap(): { push(i: number): void; pop(): number | undefined; size(): number } {
  const h: number[] = [];
  return {
    size: () => h.length,
    push(i) {
      h.push(i);
      let c = h.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if ((h[p] as number) <= i) break;
        h[c] = h[p] as number;
        c = p;
      }
      h[c] = i;
    },
    pop() {
      if (h.length === 0) return undefined;
      const top = h[0] as number;
      const last = h.pop() as number;
      if (h.length > 0) {
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          if (l >= h.length) break;
          const r = l + 1;
          const m = r < h.length && (h[r] as number) < (h[l] as number) ? r : l;
          if ((h[m] as number) >= last) break;
          h[c] = h[m] as number;
          c = m;
        }
        h[c] = last;
      }
      return top;
    },
  };
}

/**
 * Order operations. Dependencies on ids that are not in the list are dropped (already done or out of
 * scope). Throws on a dependency cycle (a planner bug).
 */
export function orderOperations(ops: readonly Operation[]): Operation[] {
  const sorted = [...ops].sort(compareOps);
  const index = new Map<string, number>();
  sorted.forEach((o, i) => index.set(o.id, i));
  const indegree = new Array<number>(sorted.length).fill(0);
  const dependents: number[][] = sorted.map(() => []);
  const cleaned: Operation[] = sorted.map((o, i) => {
    const deps = [...new Set(o.dependsOn)].filter((d) => index.has(d) && d !== o.id);
    for (const d of deps) { (dependents[index.get(d) as number] as number[]).push(i); indegree[i] = (indegree[i] as number) + 1; }
    return deps.length === o.dependsOn.length ? o : { ...o, dependsOn: deps };
  });
  const q = heap();
  indegree.forEach((d, i) => { if (d === 0) q.push(i); });
  const out: Operation[] = [];
  for (let i = q.pop(); i !== undefined; i = q.pop()) {
    out.push(cleaned[i] as Operation);
    for (const j of dependents[i] as number[]) {
      indegree[j] = (indegree[j] as number) - 1;
      if (indegree[j] === 0) q.push(j);
    }
  }
  if (out.length !== sorted.length) throw new Error('operation dependencies form a cycle');
  return out;
}
