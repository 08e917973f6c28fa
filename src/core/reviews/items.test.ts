import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reviewTemplateGuard, type ReviewTemplate } from '../../config/schema-reviews.js';
import type { AccountState } from '../model.js';
import { config, person, TARGETS } from '../test-support.js';
import { reviewsGuard, ruleOwnerLabels, ruleOwnerOf } from '../../config/schema-reviews.js';
import { buildItems, finalDecision, grantKey, mayDecide, ownsRule, resolveReviewer } from './items.js';

const AT = '2024-06-01T10:00:00.000Z';
const cfg = config();
const acct = (target: string, anchor: string, over: Partial<AccountState> = {}): AccountState => ({ target, anchor, enabled: true, attributes: { sAMAccountName: `u${anchor}` }, entitlements: [], ...over });
const tpl = (over: Record<string, unknown> = {}): ReviewTemplate => reviewTemplateGuard.parse({ id: 'q', name: 'Q', reviewers: { fallback: 'fallback-user' }, ...over });

const persons = [
  person('1', { department: 'Sales', position: 'Rep', supervisorId: '9' }),
  person('2', { department: 'IT' }),
  person('9', { department: 'Board' }),
];
const accounts: AccountState[] = [
  acct('ad', 'a1', { personId: '1', correlation: '1', entitlements: ['GG-All', 'GG-Sales'], unmanaged: ['Printers'] }),
  acct('ad', 'a2', { personId: '2', correlation: '2', entitlements: ['GG-All', 'GG-IT'] }),
  acct('ad', 'x1', { attributes: { sAMAccountName: 'nobody' }, entitlements: ['GG-All'] }),
  acct('sql', 'q1', { personId: '1', correlation: '1', entitlements: ['crm'] }),
];
const base = { at: AT, config: cfg, persons, accounts, targets: TARGETS, reservations: [] };

describe('review items', () => {
  test('one item per held entitlement of a person, with the rule that grants it or unmanaged, department, position, last grant and reviewer', () => {
    const lastGranted = new Map([[grantKey('ad', '1', 'gg-sales'), '2024-05-01T08:00:00.000Z']]);
    const items = buildItems({ ...base, lastGranted }, tpl({ scope: { targets: ['ad'], departments: ['sales'] } }));
    assert.deepEqual(items.map((i) => [i.personId, i.entitlement, i.reasonKind, i.reasonSource, i.reviewer]), [
      ['1', 'GG-All', 'rule', 'all-staff', 'person:9'],
      ['1', 'GG-Sales', 'rule', 'sales', 'person:9'],
      ['1', 'Printers', 'unmanaged', '', 'person:9'],
    ]);
    assert.equal(items[1]?.lastGrantedAt, '2024-05-01T08:00:00.000Z');
    assert.equal(items[0]?.lastGrantedAt, undefined);
    assert.equal(items[0]?.department, 'Sales');
    assert.equal(items[0]?.position, 'Rep');
    assert.match(items[2]?.reasonText ?? '', /unmanaged/);
  });

  test('by owner: each item goes to the owner of the catalogue item for that target and entitlement', () => {
    const withCatalog = config({ catalog: { items: [{ id: 'crm', name: 'CRM', target: 'sql', entitlement: 'CRM', owner: 'group:CRM-Owners', approval: { stages: [{ by: 'owner' }] }, duration: { kind: 'none' } }] } });
    const items = buildItems({ ...base, config: withCatalog }, tpl({ reviewers: { by: 'owner', fallback: 'fb' } }));
    assert.deepEqual(items.map((i) => [i.target, i.entitlement, i.reviewer]), [
      ['ad', 'GG-All', 'user:fb'], ['ad', 'GG-Sales', 'user:fb'], ['ad', 'Printers', 'user:fb'], ['ad', 'GG-All', 'user:fb'], ['ad', 'GG-IT', 'user:fb'], ['sql', 'crm', 'group:CRM-Owners'],
    ]);
  });

  test('entitlement globs and targets narrow; accounts without an HR person are not reviewed', () => {
    const items = buildItems(base, tpl({ scope: { entitlements: ['gg-*'] } }));
    assert.deepEqual(items.map((i) => `${i.target}:${i.personId}:${i.entitlement}`), ['ad:1:GG-All', 'ad:1:GG-Sales', 'ad:2:GG-All', 'ad:2:GG-IT']);
    assert.deepEqual(buildItems(base, tpl({ scope: { targets: ['sql'] } })).map((i) => i.entitlement), ['crm']);
    assert.deepEqual(buildItems(base, tpl({ scope: { requestGrantsOnly: true } })), []);
    // An approved request's grant is reviewed as `request`, named by the request.
    const accessGrants = [{ personId: '1', target: 'ad', entitlement: 'Printers', source: 'request' as const, ref: '#42', detail: 'request #42, approved by web:olga' }];
    const req = buildItems({ ...base, accessGrants }, tpl({ scope: { requestGrantsOnly: true } }));
    assert.deepEqual(req.map((i) => [i.personId, i.entitlement, i.reasonKind, i.reasonSource, i.reasonText]), [['1', 'Printers', 'request', '#42', 'request #42, approved by web:olga']]);
  });

  test('reviewer: the manager when in HR, else (and for `owner` without a catalogue) the fallback', () => {
    const byId = new Map(persons.map((p) => [p.id, p]));
    assert.equal(resolveReviewer(tpl(), { supervisorId: '9' }, byId), 'person:9');
    assert.equal(resolveReviewer(tpl(), { supervisorId: '404' }, byId), 'user:fallback-user');
    assert.equal(resolveReviewer(tpl(), {}, byId), 'user:fallback-user');
    const owner = tpl({ reviewers: { by: 'owner', fallback: 'fb' } });
    assert.equal(resolveReviewer(owner, { supervisorId: '9' }, byId), 'user:fb', 'no catalogue item: the fallback');
    assert.equal(resolveReviewer(owner, { supervisorId: '9' }, byId, 'group:Sales-IT'), 'group:Sales-IT');
    assert.equal(resolveReviewer(owner, {}, byId, '2'), 'person:2', 'an owner who is an HR person');
    assert.equal(resolveReviewer(owner, {}, byId, 'crm-admin'), 'user:crm-admin', 'else a console user id');
  });

  test('who may decide: the reviewer, the fallback user, admins; never one\'s own access; not auditors', () => {
    const it = { personId: '1', reviewer: 'person:9' as const };
    assert.deepEqual(mayDecide(it, { id: 'boss', role: 'manager', personId: '9' }), { ok: true });
    assert.equal(mayDecide(it, { id: 'other', role: 'manager', personId: '8' }).ok, false);
    assert.equal(mayDecide(it, { id: 'root', role: 'admin' }).ok, true);
    assert.equal(mayDecide(it, { id: 'root', role: 'admin', personId: '1' }).ok, false, 'an admin does not review their own access');
    assert.equal(mayDecide(it, { id: 'aud', role: 'auditor' }).ok, false);
    const fb = { personId: '1', reviewer: 'user:fb' as const };
    assert.equal(mayDecide(fb, { id: 'fb', role: 'helpdesk' }).ok, true);
    assert.equal(mayDecide(fb, { id: 'fb2', role: 'helpdesk' }).ok, false);
    const grp = { personId: '1', reviewer: 'group:Sales-IT' as const };
    assert.equal(mayDecide(grp, { id: 'x', role: 'helpdesk', groups: ['Sales-IT'] }).ok, true);
    assert.equal(mayDecide(grp, { id: 'x', role: 'helpdesk', groups: ['Other'] }).ok, false);
  });

  test('at close an undecided item gets the default; a decision stays', () => {
    assert.deepEqual(finalDecision({}, 'keep'), { decision: 'keep', byDefault: true });
    assert.deepEqual(finalDecision({}, 'remove'), { decision: 'remove', byDefault: true });
    assert.deepEqual(finalDecision({ decision: 'remove' }, 'keep'), { decision: 'remove', byDefault: false });
  });

  test('the template defaults: manager reviewers, 14 days, keep', () => {
    const t = tpl();
    assert.equal(t.reviewers.by, 'manager');
    assert.equal(t.deadline, '14d');
    assert.equal(t.default, 'keep');
    assert.throws(() => reviewTemplateGuard.parse({ id: 'q', name: 'Q', reviewers: { fallback: 'x' }, deadline: 'soon' }));
    assert.throws(() => reviewTemplateGuard.parse({ id: 'q', name: 'Q', reviewers: { fallback: 'x' }, schedule: 'every tuesday' }), /cron/);
    assert.equal(tpl({ schedule: '0 8 1 */3 *' }).schedule, '0 8 1 */3 *');
  });
});

test('rule owners: a mail address, or a console owner (user, person or OIDC group) with an optional mail', () => {
  const cfg = reviewsGuard.parse({ ruleOwners: { sales: 'sales-it@example.com', finance: { owner: 'group:Finance-IT', mail: 'fin@example.com' }, it: { owner: '42' }, ops: 'olga' } });
  assert.deepEqual(ruleOwnerOf(cfg, 'sales'), { mail: 'sales-it@example.com', owner: 'sales-it@example.com', label: 'sales-it@example.com' });
  assert.deepEqual(ruleOwnerOf(cfg, 'finance'), { mail: 'fin@example.com', owner: 'group:Finance-IT', label: 'group:Finance-IT' });
  assert.deepEqual(ruleOwnerOf(cfg, 'ops'), { owner: 'olga', label: 'olga' }, 'no @: no mail, a console user');
  assert.equal(ruleOwnerOf(cfg, 'none'), undefined);
  assert.deepEqual(ruleOwnerLabels(cfg), { sales: 'sales-it@example.com', finance: 'group:Finance-IT', it: '42', ops: 'olga' });
  assert.equal(reviewsGuard.safeParse({ ruleOwners: { x: {} } }).success, false, 'an owner names someone');
  assert.equal(reviewsGuard.safeParse({ ruleOwners: { x: { mail: 'not a mail' } } }).success, false);
  assert.equal(ownsRule('group:Finance-IT', { id: 'u1', groups: ['Finance-IT'] }), true);
  assert.equal(ownsRule('group:Finance-IT', { id: 'Finance-IT' }), false, 'a group is not a user id');
  assert.equal(ownsRule('42', { id: 'mia', personId: '42' }), true);
  assert.equal(ownsRule('olga', { id: 'olga' }), true);
  assert.equal(ownsRule('olga', { id: 'mia', personId: 'olga2' }), false);
  assert.equal(ownsRule(undefined, { id: 'mia' }), false);
});
