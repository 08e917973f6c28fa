/**
 * Entra connector benchmark: N joiners (create + group + licence) through the connector against the
 * Graph simulator throttled to LIMIT requests per WINDOW seconds. Reports how much of the allowed
 * request budget was used, the 429s received and failed operations.
 *
 *   npm run bench:entra -- --n 2000 --limit 2000 --window 10
 */
import { parseArgs } from 'node:util';
import type { OperationResult } from '../src/targets/contract.js';
import { createChanges, makeCtx, makeOp, mapLimit } from '../src/targets/conformance/helpers.js';
import { startEntraTestbed } from '../src/targets/entra/simulator/testbed.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' }, limit: { type: 'string', default: '2000' }, window: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' }, batch: { type: 'string', default: '20' },
  },
});
const n = Number(values.n);
const limit = Number(values.limit);
const windowSeconds = Number(values.window);

const tb = await startEntraTestbed({
  sim: { throttle: { limit, windowSeconds } },
  seats: n,
  options: { concurrency: Number(values.concurrency), batchSize: Number(values.batch) },
});
const c = tb.connector;
const people = Array.from({ length: n }, (_, i) => String(100_000 + i));
let failed = 0;
const failures = new Map<string, number>();
const note = (r: OperationResult): void => {
  if (!r.ok) { failed += 1; failures.set(r.error.code, (failures.get(r.error.code) ?? 0) + 1); }
};
const t0 = Date.now();
await mapLimit(people, c.concurrency, async (pid) => {
  const created = await c.apply(makeOp('entra', 'create', pid, {
    changes: createChanges({
      displayName: `Bench User ${pid}`, givenName: 'Bench', surname: `User${pid}`, userPrincipalName: `bench${pid}@example.com`,
      mailNickname: `bench${pid}`, mail: `bench${pid}@example.com`, employeeId: pid, department: 'Bench',
    }),
  }), makeCtx());
  note(created);
  if (!created.ok) return;
  const anchor = created.anchor as string;
  note(await c.apply(makeOp('entra', 'grant', pid, { anchor, entitlement: 'All Staff' }), makeCtx()));
  note(await c.apply(makeOp('entra', 'grant', pid, { anchor, entitlement: 'E3' }), makeCtx()));
});
const wall = (Date.now() - t0) / 1000;

// Throttle units: top-level requests and batch items (the $batch envelope itself is not counted by Graph).
const units = tb.sim.log.filter((e) => !(e.path.endsWith('/$batch') && !e.batchItem));
const accepted = units.filter((e) => e.status !== 429);
const first = units[0]?.at ?? t0;
const last = units[units.length - 1]?.at ?? Date.now();
const elapsed = Math.max(0.001, (last - first) / 1000);
const windows = Math.ceil(elapsed / windowSeconds + 1e-9);
const allowedRate = limit / windowSeconds;
const achievedRate = accepted.length / elapsed;
const users = tb.sim.state.liveUsers().length;
const members = tb.sim.state.groups.get(tb.groups['All Staff'] as string)?.members.length ?? 0;

console.log(`Entra bench: ${n} joiners (create + group + licence), throttle ${limit}/${windowSeconds}s, concurrency ${values.concurrency} × batch ${values.batch}`);
console.log(`  wall time            ${wall.toFixed(1)} s`);
console.log(`  Graph requests       ${accepted.length} accepted, ${tb.sim.stats.throttled} answered 429 (${c.stats.batches} $batch envelopes)`);
console.log(`  achieved rate        ${achievedRate.toFixed(1)} req/s vs allowed ${allowedRate.toFixed(1)} req/s = ${(achievedRate / allowedRate).toFixed(2)} (first window's budget is usable at once, so this can exceed 1)`);
console.log(`  budget utilisation   ${(accepted.length / (windows * limit)).toFixed(2)} of ${windows} window(s) × ${limit}`);
console.log(`  failed ops           ${failed}${failures.size > 0 ? ` (${[...failures].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
console.log(`  result               ${users} users, ${members} group members, ${tb.sim.state.consumed('05e9a617-0261-4cee-bb44-138d3ef5d965')} E3 seats used`);
await tb.close();
process.exitCode = failed === 0 && users === n ? 0 : 1;
