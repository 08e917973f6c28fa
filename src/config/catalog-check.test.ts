import { test } from 'node:test';
import assert from 'node:assert/strict';
import { config } from '../core/test-support.js';
import { catalogGuard } from './schema-catalog.js';
import { catalogCheck } from './catalog-check.js';

const item = (over: Record<string, unknown>) => ({ id: 'x', name: 'X', target: 'ad', entitlement: 'GG-Sales', owner: 'olga', approval: { stages: [{ by: 'owner' }] }, ...over });

test('catalogue: unknown targets and unmanaged entitlements are errors; managed ones pass', () => {
  const cfg = (items: Record<string, unknown>[]) => ({ ...config(), catalog: catalogGuard.parse({ items }) });
  assert.deepEqual(catalogCheck(cfg([item({})])), []);
  assert.match(catalogCheck(cfg([item({ target: 'nope' })]))[0]?.message ?? '', /unknown target "nope"/);
  assert.match(catalogCheck(cfg([item({ entitlement: 'GG-Unknown' })]))[0]?.message ?? '', /not an entitlement Cadre manages in ad/);
});

test('catalogue schema: incompatibleWith must name items; approvers stages list approvers', () => {
  assert.throws(() => catalogGuard.parse({ items: [item({ incompatibleWith: ['ghost'] })] }), /unknown item ghost/);
  assert.throws(() => catalogGuard.parse({ items: [item({ approval: { stages: [{ by: 'approvers' }] } })] }), /list the person or principal ids/);
});
