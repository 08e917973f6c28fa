import { test } from 'node:test';
import assert from 'node:assert/strict';
import { config } from '../core/test-support.js';
import { catalogGuard } from './schema-catalog.js';
import { reviewsGuard } from './schema-reviews.js';
import { reviewCheck } from './review-check.js';

const cfg = (scope: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  ...config(), catalog: catalogGuard.parse({ items: [{ id: 'vpn', name: 'VPN', target: 'sql', entitlement: 'vpn', owner: 'olga', approval: { stages: [{ by: 'owner' }] } }] }),
  reviews: reviewsGuard.parse({ templates: [{ id: 'q4', name: 'Q4', scope, reviewers: { fallback: 'root' } }] }), ...over,
});

test('review scopes: unknown targets and entitlements nothing can match are errors with the path; known ones pass', () => {
  assert.deepEqual(reviewCheck(cfg({})), [], 'no scope: everything');
  assert.deepEqual(reviewCheck(cfg({ entitlements: ['GG-Sales', 'gg-it', 'GG-*', 'crm', 'vpn', 'CN=VPN Users,*'], targets: ['ad', 'sql'], departments: ['Sales'] })), []);
  const [t] = reviewCheck(cfg({ targets: ['ad', 'nope'] }));
  assert.deepEqual(t?.path, ['reviews', 'templates', 0, 'scope', 'targets', 1]);
  assert.match(t?.message ?? '', /q4: unknown target "nope" \(targets: ad, sql\)/);
  const [e] = reviewCheck(cfg({ entitlements: ['GG-Sales', 'GG-Slaes'] }));
  assert.deepEqual(e?.path, ['reviews', 'templates', 0, 'scope', 'entitlements', 1]);
  assert.match(e?.message ?? '', /"GG-Slaes" matches no entitlement Cadre knows in ad, sql/);
  assert.equal(reviewCheck(cfg({ entitlements: ['crm'], targets: ['ad'] })).length, 1, 'crm is granted in sql, not in ad');
  assert.equal(reviewCheck(cfg({ entitlements: ['XY-*'] })).length, 1, 'a glob matching nothing');
  assert.deepEqual(reviewCheck(cfg({ entitlements: ['CN=Anything,*'] })), [], 'DN patterns name unmanaged groups: checked live, not here');
});
