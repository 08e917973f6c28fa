import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../config/schema.js';
import { person } from '../test-support.js';
import { ConditionError, evaluateCondition } from './conditions.js';
import { personContext } from './context.js';
import { entitlementsFor, managedPredicate } from './entitlements.js';
import { placementFor } from './placement.js';
import { config } from '../test-support.js';

const p = person('1', {
  department: 'Sales', office: 'Berlin', position: 'Account Manager', employmentType: 'internal',
  costCenters: [{ id: 'c1', name: 'CC-100' }, { id: 'c2', name: 'CC-200' }], custom: { phone: '+49 30', dynamic_7: 'yes', clearance: null },
});
const ctx = personContext(p, { lifecycle: 'active' });
const ev = (c: Condition): boolean => evaluateCondition(c, ctx).matched;

describe('conditions', () => {
  test('scalar equality is case-insensitive', () => {
    assert.equal(ev({ department: 'sales' }), true);
    assert.equal(ev({ department: 'IT' }), false);
    assert.equal(ev({ lifecycle: 'active' }), true);
  });
  test('lists are any-of; list attributes match any element (cost centres by name)', () => {
    assert.equal(ev({ office: ['Hamburg', 'BERLIN'] }), true);
    assert.equal(ev({ costCenters: 'cc-200' }), true);
    assert.equal(ev({ costCenters: ['CC-300'] }), false);
  });
  test('operators in / notIn / matches / exists / not', () => {
    assert.equal(ev({ office: { in: ['Berlin'] } }), true);
    assert.equal(ev({ office: { notIn: ['Berlin'] } }), false);
    assert.equal(ev({ position: { matches: '^account' } }), true);
    assert.equal(ev({ 'custom.phone': { exists: true } }), true);
    assert.equal(ev({ 'custom.clearance': { exists: true } }), false);
    assert.equal(ev({ 'custom.clearance': null }), true);
    assert.equal(ev({ team: { exists: false } }), true);
    assert.equal(ev({ employmentType: { not: 'external' } }), true);
    assert.equal(ev({ office: { in: ['Berlin'], not: 'berlin' } }), false);
    assert.equal(ev({ 'custom.dynamic_7': 'YES' }), true);
  });
  test('keys are ANDed; any / all / expr', () => {
    assert.equal(ev({ department: 'Sales', office: 'Hamburg' }), false);
    assert.equal(ev({ any: [{ office: 'Hamburg' }, { department: 'Sales' }] } as Condition), true);
    assert.equal(ev({ all: [{ office: 'Berlin' }, { department: 'Sales' }] } as Condition), true);
    assert.equal(ev({ all: [{ office: 'Berlin' }, { department: 'IT' }] } as Condition), false);
    assert.equal(ev({ expr: "department == 'Sales' && office != 'Hamburg'" }), true);
    assert.equal(ev({}), true);
  });
  test('the description says why it matched', () => {
    const r = evaluateCondition({ department: 'Sales', office: { in: ['Berlin', 'Hamburg'] } }, ctx);
    assert.equal(r.because, 'department = "Sales" and office = "Berlin" (in ["Berlin", "Hamburg"])');
  });
  test('invalid regex / expression / operator are config errors naming the path', () => {
    assert.throws(() => evaluateCondition({ position: { matches: '(' } }, ctx, 'entitlements[0].when'), (e: unknown) => e instanceof ConditionError && e.path === 'entitlements[0].when.position.matches');
    assert.throws(() => evaluateCondition({ expr: 'a +' }, ctx), ConditionError);
    assert.throws(() => evaluateCondition({ office: { like: 'x' } } as unknown as Condition, ctx), /unknown operator "like"/);
  });
});

describe('placement', () => {
  const pl = config().targets['ad']?.placement;
  test('map by office, case-insensitive, with reason', () => {
    const r = placementFor(pl, personContext(person('1', { office: 'berlin' })));
    assert.equal(r.container, 'OU=Berlin,DC=ex,DC=com');
    assert.equal(r.reason.source, 'map');
  });
  test('conditional rules first, then default, then disabled for leavers', () => {
    assert.equal(placementFor(pl, personContext(person('1', { office: 'Berlin', employmentType: 'External' }))).container, 'OU=External,DC=ex,DC=com');
    assert.equal(placementFor(pl, personContext(person('1', { office: 'Wien' }))).container, 'OU=Staff,DC=ex,DC=com');
    assert.equal(placementFor(pl, personContext(person('1', { office: 'Berlin' })), true).container, 'OU=Disabled,DC=ex,DC=com');
    assert.equal(placementFor(undefined, ctx).container, undefined);
  });
  test('by may be an expression', () => {
    const r = placementFor({ by: "lower(department) + '/' + office", map: { 'sales/Berlin': 'OU=SB' }, rules: [] }, ctx);
    assert.equal(r.container, 'OU=SB');
  });
});

describe('entitlements', () => {
  const cfg = config({
    entitlements: [
      { name: 'all', when: {}, grant: { ad: ['GG-All'] } },
      { name: 'sales', description: 'Sales staff', when: { department: 'Sales' }, grant: { ad: ['GG-Sales', 'gg-all'], sql: ['crm'] } },
      { name: 'dept', when: { department: { exists: true } }, grant: { ad: ['DL-{{ department }}'] } },
      { name: 'it', when: { department: 'IT' }, grant: { ad: ['GG-IT'] } },
    ],
  });
  test('all matching rules, deduplicated, each grant with its rule', () => {
    const g = entitlementsFor(cfg.entitlements, 'ad', ctx);
    assert.deepEqual(g.map((x) => [x.name, x.reason.source]), [['GG-All', 'all'], ['GG-Sales', 'sales'], ['DL-Sales', 'dept']]);
    assert.equal(g[1]?.reason.detail, 'Sales staff (department = "Sales")');
    assert.deepEqual(entitlementsFor(cfg.entitlements, 'sql', ctx).map((x) => x.name), ['crm']);
  });
  test('a DN-shaped templated entitlement escapes the values (RFC 4514): HR data cannot add RDNs', () => {
    const dn = config({ entitlements: [{ name: 'team', when: {}, grant: { ad: ['CN=GG-{{ department }},OU=Groups,DC=ex,DC=com', 'GG-{{ department }}'] } }] });
    const names = (department: string): string[] => entitlementsFor(dn.entitlements, 'ad', personContext(person('9', { department }))).map((x) => x.name);
    assert.deepEqual(names('Sales'), ['CN=GG-Sales,OU=Groups,DC=ex,DC=com', 'GG-Sales']);
    // Without escaping this was CN=GG-x,OU=Tier0,OU=Groups,…: a group in another OU.
    assert.deepEqual(names('x,OU=Tier0'), ['CN=GG-x\\,OU\\=Tier0,OU=Groups,DC=ex,DC=com', 'GG-x,OU=Tier0']);
    assert.deepEqual(names('R&D + Ops'), ['CN=GG-R&D \\+ Ops,OU=Groups,DC=ex,DC=com', 'GG-R&D + Ops']);
  });
  test('managed entitlements default to what rules grant (template prefix*)', () => {
    const m = managedPredicate(cfg, 'ad');
    assert.equal(m('gg-it'), true);
    assert.equal(m('DL-Marketing'), true);
    assert.equal(m('Domain Users'), false);
    const explicit = config({ targets: { ...cfg.targets, ad: { ...cfg.targets['ad'], managedEntitlements: ['APP-*', 'VPN'] } } });
    const m2 = managedPredicate(explicit, 'ad');
    assert.equal(m2('app-crm'), true);
    assert.equal(m2('vpn'), true);
    assert.equal(m2('GG-All'), false);
  });
});
