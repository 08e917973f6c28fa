import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewItem } from './model.js';
import { flagOf, progress, reviewCsv, reviewRows } from './report.js';

const it = (over: Partial<ReviewItem> = {}): ReviewItem => ({
  campaignId: 'c', seq: 1, personId: '1', personName: 'Erika Beispiel', target: 'ad', entitlement: 'GG-Sales', reasonKind: 'rule',
  reasonSource: 'sales', reasonText: 'department = Sales', reviewer: 'person:9', ...over,
});

test('review report: rows name the decision, who and when; a removed rule grant is flagged to its owner; CSV guards formulas', () => {
  const items = [it({ decision: 'remove', comment: '=HYPERLINK("x")', decidedBy: 'web:boss', decidedAt: '2026-12-02T10:00:00.000Z' }), it({ seq: 2, reasonKind: 'unmanaged', reasonSource: '', decision: 'remove' }), it({ seq: 3 })];
  const rows = reviewRows(items, { sales: 'sales-it@example.com' });
  assert.equal(rows[0]?.decidedBy, 'web:boss');
  assert.match(rows[0]?.flag ?? '', /rule sales .*sales-it@example.com/);
  assert.equal(rows[1]?.flag, '', 'an unmanaged removal is simply revoked');
  assert.equal(flagOf(it({ decision: 'remove' }), {}).includes('admins'), true);
  assert.equal(rows[2]?.decision, '');
  const csv = reviewCsv(items);
  assert.match(csv, /^item,personId,person,/);
  assert.match(csv, /"'=HYPERLINK\(""x""\)"/);
  assert.equal(csv.split('\r\n').length, 5);
  assert.deepEqual(progress(items), { decided: 2, total: 3 });
  // A lifted exception: the report keeps the decision and says who lifted it, when and why (formula-guarded too).
  const lifted = reviewRows([it({ decision: 'remove', lift: { by: 'cli:root', at: '2026-12-05T08:00:00.000Z', reason: '+back on the team' } })], {})[0];
  assert.deepEqual([lifted?.decision, lifted?.liftedBy, lifted?.liftedAt, lifted?.liftReason], ['remove', 'cli:root', '2026-12-05T08:00:00.000Z', '+back on the team']);
  assert.match(lifted?.flag ?? '', /exception lifted by cli:root/);
  assert.match(reviewCsv([it({ decision: 'remove', lift: { by: 'cli:root', at: 'x', reason: '+back' } })]), /,cli:root,x,'\+back\r\n$/);
});
