/**
 * Entra `licenceCounts()` against the Graph simulator: purchased (`prepaidUnits.enabled`) and consumed seats per SKU
 * from `GET /subscribedSkus`, named by `options.licences` (by part number or skuId).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createChanges, makeCtx, makeOp } from '../../src/targets/conformance/helpers.js';
import { startEntraTestbed, TEST_SKUS, type Testbed } from '../../src/targets/entra/simulator/testbed.js';

let tb: Testbed;
before(async () => { tb = await startEntraTestbed({ seats: 7 }); });
after(async () => { await tb.close(); });

test('licenceCounts: seats per subscribed SKU, consumed follows assignments', async () => {
  const counts = async () => [...(await tb.connector.licenceCounts?.() ?? [])].sort((a, b) => a.skuPartNumber.localeCompare(b.skuPartNumber));
  assert.deepEqual(await counts(), [
    { name: 'E3', ...TEST_SKUS.E3, purchased: 7, consumed: 0 },
    { name: 'F1', ...TEST_SKUS.F1, purchased: 7, consumed: 0 },
  ]);
  for (const pid of ['71', '72']) {
    const r = await tb.connector.apply(makeOp('entra', 'create', pid, {
      changes: createChanges({ displayName: `Lic ${pid}`, userPrincipalName: `lic${pid}@example.com`, mailNickname: `lic${pid}`, employeeId: pid }),
      enabled: true,
    }), { ...makeCtx(), secret: 'Init!al-Pw-4711' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const g = await tb.connector.apply(makeOp('entra', 'grant', pid, { anchor: r.anchor, entitlement: 'E3' }), makeCtx());
    assert.ok(g.ok, g.ok ? '' : g.error.message);
  }
  const [e3, f1] = await counts();
  assert.equal(e3?.consumed, 2);
  assert.equal(f1?.consumed, 0);
  // An SKU no entitlement maps to still counts, without a name.
  const other = await tb.connect({ licences: { E3: 'SPE_E3' } });
  assert.deepEqual((await other.licenceCounts?.())?.map((c) => c.name ?? '-').sort(), ['-', 'E3']);
  await other.close();
});
