/** Planner: joiners (pre-hire, hire day, identifiers) and correlation of existing accounts. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetConfig } from '../config/schema.js';
import type { AccountState, CreateOperation, Operation } from './model.js';
import { computePlan } from './planner.js';
import { accountAfter, AT, brief, disabledBy, erika, erikaIds, ops, synced } from './planner-test-support.js';
import { config, ids, input, person } from './test-support.js';

describe('joiners', () => {
  test('pre-hire: accounts created disabled, grants after the create; enabled on the hire day', () => {
    const plan = computePlan(input({ persons: [erika], reservations: erikaIds }));
    assert.deepEqual(brief(plan), ['ad:create', 'sql:create', 'ad:grant:GG-All', 'ad:grant:GG-Sales', 'sql:grant:crm']);
    const create = ops(plan).find((o) => o.target === 'ad' && o.action === 'create') as CreateOperation;
    assert.equal(create.enabled, false);
    assert.equal(create.container, 'OU=Berlin,DC=ex,DC=com');
    assert.equal(create.password, true);
    assert.equal(create.identifiers?.['username'], 'emuster');
    const attrs = Object.fromEntries(create.changes.map((c) => [c.attribute, c.to]));
    assert.equal(attrs['sAMAccountName'], 'emuster');
    assert.equal(attrs['employeeID'], '1');
    assert.equal(attrs['mail'], 'erika.muster@example.com');
    assert.equal(attrs['displayName'], 'Erika Muster');
    assert.equal('manager' in attrs, false, 'null attributes are left out of creates');
    for (const g of ops(plan).filter((o) => o.action === 'grant')) {
      assert.deepEqual(g.dependsOn, [ops(plan).find((o) => o.action === 'create' && o.target === g.target)?.id]);
    }
    assert.equal(plan.summary['create'], 2);

    // Accounts exist (disabled): on 10 June 00:00 Berlin they get enabled, nothing is created.
    const accounts = [accountAfter(plan, '1', 'ad', 'g1'), accountAfter(plan, '1', 'sql', 'r1')];
    const before = computePlan(input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T21:59:00Z' }));
    assert.deepEqual(brief(before), []);
    // Cadre created them disabled (the store remembers it), so day 1 enables them.
    const day1 = computePlan({ ...input({ persons: [erika], reservations: erikaIds, accounts, at: '2024-06-09T22:00:00Z' }), disabled: disabledBy(accounts, AT, 'cadre', 'create') });
    assert.deepEqual(brief(day1), ['ad:enable', 'sql:enable']);
    assert.equal(day1.operations[0]?.anchor, 'g1');
  });

  test('far-future hire: nothing at all', () => {
    const p = { ...erika, hireDate: '2024-09-01' };
    assert.deepEqual(brief(computePlan(input({ persons: [p], reservations: erikaIds }))), []);
  });

  test('unicode display names are preserved while identifiers are ASCII', () => {
    const p = person('9', { firstName: 'Zoë', lastName: 'Groß-Ångström' });
    const plan = computePlan(input({ persons: [p], reservations: ids('9', 'zgross-angstrom', 'zoe.gross-angstrom@example.com') }));
    const create = ops(plan).find((o) => o.target === 'ad' && o.action === 'create') as Operation;
    const attrs = Object.fromEntries(create.changes.map((c) => [c.attribute, c.to]));
    assert.equal(attrs['displayName'], 'Zoë Groß-Ångström');
    assert.equal(attrs['sAMAccountName'], 'zgross-angstrom');
  });

  test('no identifiers reserved → IDENTIFIER_MISSING error, no create', () => {
    const plan = computePlan(input({ persons: [erika] }));
    assert.deepEqual(brief(plan), []);
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'IDENTIFIER_MISSING'], ['sql', 'IDENTIFIER_MISSING']]);
  });
});

describe('correlation', () => {
  const active = { ...erika, status: 'active' as const, hireDate: '2020-01-01' };
  test('an unlinked account with the person id is adopted, not duplicated', () => {
    const { base, accounts } = synced(active, erikaIds);
    const unlinked = accounts.map((a): AccountState => {
      const { personId: _drop, ...rest } = a;
      return a.target === 'ad' ? { ...rest, attributes: { ...rest.attributes, displayName: 'E. Muster' } } : rest;
    });
    const plan = computePlan({ ...base, accounts: unlinked });
    assert.deepEqual(brief(plan), ['ad:adopt', 'sql:adopt', 'ad:update']);
    assert.equal(plan.operations[0]?.reason.kind, 'correlation');
    assert.deepEqual(plan.operations[0]?.changes, [], 'the id is already there: nothing to stamp');
    const update = plan.operations.find((o) => o.action === 'update');
    assert.deepEqual(update?.dependsOn, [plan.operations[0]?.id], 'the update waits for the adoption');
    assert.equal(plan.summary['adopt'], 2);
    assert.equal(plan.summary['adopted'], 2);
  });

  test('two accounts for one person → CORRELATION_AMBIGUOUS, nothing planned there', () => {
    const a1: AccountState = { target: 'ad', anchor: 'a1', correlation: '1', enabled: true, attributes: {}, entitlements: [] };
    const a2: AccountState = { target: 'ad', anchor: 'a2', correlation: '1', enabled: false, attributes: {}, entitlements: [] };
    const plan = computePlan(input({ persons: [active], reservations: erikaIds, accounts: [a1, a2] }));
    assert.deepEqual(plan.errors.map((e) => [e.target, e.code]), [['ad', 'CORRELATION_AMBIGUOUS']]);
    assert.deepEqual(brief(plan), ['sql:create', 'sql:grant:crm']);
    assert.match(plan.errors[0]?.message ?? '', /a1, a2/);
  });

  test('secondary correlation: a legacy account without the id is adopted by mail and gets the id stamped', () => {
    const withMail = { ...active, email: 'Erika.Muster@HR.example' };
    const { base, accounts } = synced(withMail, erikaIds);
    const ad = accounts.find((a) => a.target === 'ad') as AccountState;
    const { personId: _p, correlation: _c, ...legacyRest } = ad;
    const legacy: AccountState = { ...legacyRest, attributes: { ...ad.attributes, mail: 'erika.muster@hr.example', employeeID: null } };
    const cfg = config();
    const targets = { ...cfg.targets, ad: { ...(cfg.targets['ad'] as TargetConfig), secondaryCorrelation: { attribute: 'mail', value: '{{ email }}' } } };
    const plan = computePlan({ ...base, config: { ...cfg, targets }, accounts: [legacy, accounts[1] as AccountState] });
    assert.ok(!brief(plan).includes('ad:create'), 'no duplicate account');
    const adopt = plan.operations.find((o) => o.target === 'ad');
    assert.equal(adopt?.action, 'adopt');
    assert.equal(adopt?.anchor, ad.anchor);
    assert.deepEqual(adopt?.changes.map((c) => [c.attribute, c.to]), [['employeeID', '1']], 'the adoption stamps the correlation id');
    assert.ok(!plan.operations.some((o) => o.action === 'update' && o.changes.some((c) => c.attribute === 'employeeID')), 'not repeated in an update');
    const without = computePlan({ ...base, accounts: [legacy, accounts[1] as AccountState] });
    assert.ok(brief(without).includes('ad:create'), 'without secondary correlation the legacy account is not matched');
    const twin: AccountState = { ...legacy, anchor: 'other' };
    const ambiguous = computePlan({ ...base, config: { ...cfg, targets }, accounts: [legacy, twin, accounts[1] as AccountState] });
    assert.deepEqual(ambiguous.errors.map((e) => [e.target, e.code]), [['ad', 'CORRELATION_AMBIGUOUS']]);
  });

  test('accounts of nobody are counted as unmatched and left alone', () => {
    const stray: AccountState = { target: 'ad', anchor: 'x', correlation: '999', enabled: true, attributes: {}, entitlements: ['GG-All'] };
    const plan = computePlan(input({ persons: [], accounts: [stray] }));
    assert.deepEqual(brief(plan), []);
    assert.equal(plan.summary['unmatched'], 1);
  });
});
