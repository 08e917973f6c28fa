import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewCampaign, ReviewItem } from '../../core/reviews/model.js';
import { reviewRows } from '../../core/reviews/report.js';
import { translator } from '../i18n/index.js';
import { reviewReportView, reviewsView } from './reviews.js';

const EVIL = '<img src=x onerror=alert(1)>';
const campaign: ReviewCampaign = { id: 'c"1', template: 'q', name: EVIL, startedBy: 'web:root', startedAt: '2026-12-01T09:00:00.000Z', deadline: '2026-12-15T09:00:00.000Z', status: 'open', defaultDecision: 'keep' };
const item: ReviewItem = {
  campaignId: 'c"1', seq: 1, personId: '7', personName: EVIL, target: 'ad', entitlement: EVIL, reasonKind: 'rule', reasonSource: EVIL, reasonText: EVIL,
  department: EVIL, position: EVIL, reviewer: 'person:9', decision: 'remove', comment: EVIL, decidedBy: 'web:mia', decidedAt: '2026-12-02T09:00:00.000Z',
};

test('review pages escape every value from HR, the target and the reviewer (names, groups, comments)', () => {
  for (const lang of ['en', 'de'] as const) {
    const t = translator(lang);
    const inbox = reviewsView({ mine: [{ campaign, items: [item] }], campaigns: [{ campaign, decided: 1, total: 1 }], templates: [{ id: 'q', name: EVIL }], canAdmin: true, csrf: 'tok', timeZone: 'Europe/Berlin' }, t).text;
    const report = reviewReportView({ campaign, rows: reviewRows([item]), timeZone: 'Europe/Berlin' }, t).text;
    for (const page of [inbox, report]) {
      assert.ok(!page.includes('<img'), 'no raw markup');
      assert.ok(page.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt;'));
    }
    assert.ok(inbox.includes('action="/reviews/c%221/items/1"'), 'the campaign id is URL-encoded in form actions');
  }
});
