import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogItemGuard } from '../../config/schema-catalog.js';
import { names, resolveEnd, selfApproval, sodConflict, stageApprovers, stageOutcome } from './policy.js';

const item = (over: Record<string, unknown> = {}) => catalogItemGuard.parse({
  id: 'crm', name: 'CRM', target: 'ad', entitlement: 'GG-CRM', owner: 'olga',
  approval: { stages: [{ by: 'manager' }, { by: 'approvers', approvers: ['a', 'b'], mode: 'all' }] }, ...over,
});

test('stage approvers: manager, owner, listed', () => {
  assert.deepEqual(stageApprovers(item(), 0, 'm1'), ['m1']);
  assert.deepEqual(stageApprovers(item(), 1, 'm1'), ['a', 'b']);
  assert.deepEqual(stageApprovers(item({ approval: { stages: [{ by: 'owner' }] } }), 0, undefined), ['olga']);
});

test('any needs one approval, all needs every approver, one reject rejects', () => {
  assert.equal(stageOutcome('any', ['a', 'b'], []), 'pending');
  assert.equal(stageOutcome('any', ['a', 'b'], [{ approver: 'b', decision: 'approve' }]), 'approved');
  assert.equal(stageOutcome('all', ['a', 'b'], [{ approver: 'b', decision: 'approve' }]), 'pending');
  assert.equal(stageOutcome('all', ['a', 'b'], [{ approver: 'b', decision: 'approve' }, { approver: 'a', decision: 'approve' }]), 'approved');
  assert.equal(stageOutcome('all', ['a', 'b'], [{ approver: 'b', decision: 'approve' }, { approver: 'a', decision: 'reject' }]), 'rejected');
});

test('nobody approves their own request: requester or the person themselves', () => {
  assert.equal(selfApproval({ id: 'm' }, 'm', 'p1'), true);
  assert.equal(selfApproval({ id: 'x', personId: 'p1' }, 'm', 'p1'), true);
  assert.equal(selfApproval({ id: 'o', personId: 'p9' }, 'm', 'p1'), false);
});

test('durations: none refuses an end date, maxDays bounds it, fixed sets it', () => {
  assert.deepEqual(resolveEnd(item(), undefined, '2026-12-02'), {});
  assert.equal((resolveEnd(item(), '2026-12-05', '2026-12-02') as { code: string }).code, 'duration-not-allowed');
  const md = item({ duration: { kind: 'maxDays', maxDays: 30 } });
  assert.equal((resolveEnd(md, undefined, '2026-12-02') as { code: string }).code, 'end-date-required');
  assert.deepEqual(resolveEnd(md, '2027-01-01', '2026-12-02'), { until: '2027-01-01' });
  assert.equal((resolveEnd(md, '2027-01-02', '2026-12-02') as { code: string }).code, 'end-date-too-late');
  assert.equal((resolveEnd(md, '2026-12-01', '2026-12-02') as { code: string }).code, 'end-date-past');
  assert.deepEqual(resolveEnd(item({ duration: { kind: 'fixed', endDate: '2027-03-31' } }), undefined, '2026-12-02'), { until: '2027-03-31' });
});

test('separation of duties: held or requested incompatible item refuses, from either side', () => {
  const pay = item({ id: 'pay', entitlement: 'GG-Pay', incompatibleWith: ['crm'] });
  const crm = item();
  const cat = [crm, pay];
  assert.equal(sodConflict(crm, cat, () => false, []), undefined);
  assert.equal(sodConflict(crm, cat, () => false, ['pay'])?.code, 'sod');
  assert.match(sodConflict(crm, cat, (t, e) => t === 'ad' && e === 'GG-Pay', [])?.message ?? '', /GG-Pay in ad/);
});

test('an approver reference names a principal by id, person id, or group:<name> of its OIDC groups (any case)', () => {
  const a = { id: 'owen@example.com', personId: 'p7', groups: ['App-Owners', 'Everyone'] };
  assert.equal(names('owen@example.com', a), true);
  assert.equal(names('p7', a), true);
  assert.equal(names('group:App-Owners', a), true);
  assert.equal(names('group:app-owners', a), true);
  assert.equal(names('group:Kitchen', a), false);
  assert.equal(names('App-Owners', a), false, 'a bare group name is a principal id, not a group');
  assert.equal(names('group:App-Owners', { id: 'x' }), false, 'no groups, no group match');
});
