/** Address lists (proxyAddresses): wanted values from reservations, per-value diff of owned values only. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressListChange, diffAddressList, wantedAddresses } from './address-list.js';
import type { AccountState, Operation, Reservation } from './model.js';
import type { TargetInfo } from './plan-input.js';
import { computePlan } from './planner.js';
import { accountAfter, brief, erika } from './planner-test-support.js';
import { config, input, snapshot, TARGETS } from './test-support.js';
import { formatPlan } from './plan-format.js';
import { explainPerson, formatExplanation } from './explain.js';

const spec = { attribute: 'proxyAddresses', identifiers: ['mail'] };
const FOREIGN = ['X500:/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=erika', 'SIP:erika.muster@example.com', 'smtp:erika@legacy.example', 'x400:c=DE;a= ;p=Example;o=Exchange;s=Muster;g=Erika;'];

describe('wantedAddresses', () => {
  test('SMTP: primary first, smtp: for former values, each address once', () => {
    assert.deepEqual(wantedAddresses(spec, { mail: 'erika.schmidt@example.com' }, { mail: ['erika.muster@example.com', 'Erika.Schmidt@example.com'] }),
      ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
  });
  test('further kinds add their primary and former values as smtp:', () => {
    const two = { attribute: 'proxyAddresses', identifiers: ['mail', 'upn'] };
    assert.deepEqual(wantedAddresses(two, { mail: 'a@x.test', upn: 'b@x.test' }, { upn: ['c@x.test'] }), ['SMTP:a@x.test', 'smtp:b@x.test', 'smtp:c@x.test']);
    assert.deepEqual(wantedAddresses(two, { mail: 'a@x.test', upn: 'A@x.test' }, {}), ['SMTP:a@x.test'], 'the same address once');
  });
});

describe('diffAddressList', () => {
  test('marriage: the old primary becomes smtp: (delete + add of that value), the new one SMTP:, foreign values untouched', () => {
    const have = ['SMTP:erika.muster@example.com', ...FOREIGN];
    const d = diffAddressList(have, ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
    assert.deepEqual(d.remove, ['SMTP:erika.muster@example.com']);
    assert.deepEqual(d.add, ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
    assert.deepEqual(d.after, [...FOREIGN, 'SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
  });
  test('in sync (address case aside) → nothing, whatever foreign values exist', () => {
    const have = ['smtp:Erika.Muster@Example.com', ...FOREIGN, 'SMTP:erika.schmidt@example.com'];
    const d = diffAddressList(have, ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
    assert.deepEqual([d.add, d.remove], [[], []]);
  });
  test('a foreign SMTP: primary (adopted account) is demoted to smtp:, its address kept', () => {
    const d = diffAddressList(['SMTP:adam@legacy.example', 'X500:/o=x'], ['SMTP:adam.adopt@example.com']);
    assert.deepEqual(d.remove, ['SMTP:adam@legacy.example']);
    assert.deepEqual(d.add, ['SMTP:adam.adopt@example.com', 'smtp:adam@legacy.example']);
    assert.deepEqual(diffAddressList(d.after, ['SMTP:adam.adopt@example.com']).add, [], 'converges');
  });
  test('no primary wanted → a foreign SMTP: stays primary', () => {
    assert.deepEqual(diffAddressList(['SMTP:a@legacy.example'], ['smtp:b@example.com']).remove, []);
  });
  test('values without a type and other types are never owned', () => {
    const d = diffAddressList(['erika.muster@example.com', 'SIP:erika.schmidt@example.com'], ['SMTP:erika.schmidt@example.com']);
    assert.deepEqual([d.remove, d.add], [[], ['SMTP:erika.schmidt@example.com']]);
  });
  test('addressListChange carries add/remove and the whole list before and after', () => {
    assert.equal(addressListChange('proxyAddresses', ['SMTP:a@x.test'], ['SMTP:a@x.test']), undefined);
    assert.deepEqual(addressListChange('proxyAddresses', undefined, ['SMTP:a@x.test']), { attribute: 'proxyAddresses', from: [], to: ['SMTP:a@x.test'], add: ['SMTP:a@x.test'], remove: [] });
  });
});

describe('planner with an address list (AD proxyAddresses option)', () => {
  const cfg = (() => {
    const c = config();
    const ad = c.targets['ad'];
    assert.ok(ad);
    const { proxyAddresses: _template, ...attributes } = ad.attributes;
    return { ...c, targets: { ...c.targets, ad: { ...ad, attributes, identifiers: { username: ['sAMAccountName'], mail: ['mail', 'proxyAddresses'] } } } };
  })();
  const targets: Record<string, TargetInfo> = { ...TARGETS, ad: { ...(TARGETS['ad'] as TargetInfo), addressList: spec } };
  const active = { ...erika, status: 'active' as const, hireDate: '2020-01-01' };
  const before: Reservation[] = [
    { kind: 'username', value: 'emuster', personId: '1', status: 'primary' },
    { kind: 'mail', value: 'erika.muster@example.com', personId: '1', status: 'primary' },
  ];
  const married: Reservation[] = [
    { kind: 'username', value: 'emuster', personId: '1', status: 'primary' },
    { kind: 'mail', value: 'erika.schmidt@example.com', personId: '1', status: 'primary' },
    { kind: 'mail', value: 'erika.muster@example.com', personId: '1', status: 'alias' },
  ];
  const base = input({ persons: [active], reservations: before, config: cfg, targets });
  const created = accountAfter(computePlan(base), '1', 'ad', 'guid-1');
  const withForeign: AccountState = { ...created, attributes: { ...created.attributes, proxyAddresses: [...(created.attributes['proxyAddresses'] as string[]), ...FOREIGN] } };

  test('create writes SMTP: + the reserved mail, never a bare address', () => {
    assert.deepEqual(created.attributes['proxyAddresses'], ['SMTP:erika.muster@example.com']);
    assert.deepEqual(brief(computePlan({ ...base, accounts: [withForeign] })).filter((b) => b.startsWith('ad:')), [], 'foreign values alone plan nothing');
  });

  test('marriage: one update with mail and per-value proxyAddresses changes; foreign values are not in add/remove', () => {
    const plan = computePlan({ ...base, snapshot: snapshot([{ ...active, lastName: 'Schmidt' }]), reservations: married, accounts: [withForeign] });
    const upd = plan.operations.find((o) => o.target === 'ad' && o.action === 'update') as Operation;
    const proxy = upd.changes.find((c) => c.attribute === 'proxyAddresses');
    assert.deepEqual(proxy?.remove, ['SMTP:erika.muster@example.com']);
    assert.deepEqual(proxy?.add, ['SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
    assert.deepEqual(proxy?.to, [...FOREIGN, 'SMTP:erika.schmidt@example.com', 'smtp:erika.muster@example.com']);
    assert.deepEqual(upd.changes.find((c) => c.attribute === 'mail')?.to, 'erika.schmidt@example.com');
    assert.match(formatPlan(plan, { color: false }), /proxyAddresses: - "SMTP:erika\.muster@example\.com", \+ "SMTP:erika\.schmidt@example\.com", \+ "smtp:erika\.muster@example\.com"/);
    // The state after the update converges.
    const after: AccountState = { ...withForeign, attributes: Object.fromEntries([...Object.entries(withForeign.attributes), ...upd.changes.map((c) => [c.attribute, c.to ?? null])]) };
    const again = computePlan({ ...base, snapshot: snapshot([{ ...active, lastName: 'Schmidt' }]), reservations: married, accounts: [after] });
    assert.deepEqual(again.operations.filter((o) => o.target === 'ad' && o.action === 'update'), []);
  });

  test('explain names where the list comes from', () => {
    const text = formatExplanation(explainPerson('1', { ...base, reservations: married }));
    assert.match(text, /proxyAddresses = \["SMTP:erika\.schmidt@example\.com","smtp:erika\.muster@example\.com"\]  ← SMTP: id\.mail, smtp: aliases\.mail; other values kept/);
  });

  test('read-only attributes (Graph proxyAddresses) are neither filled from identifiers nor planned', () => {
    const ro: Record<string, TargetInfo> = { ...TARGETS, ad: { ...(TARGETS['ad'] as TargetInfo), readOnlyAttributes: ['proxyAddresses'], identifierAttributes: { username: ['sAMAccountName'], mail: ['mail', 'proxyAddresses'] } } };
    const plan = computePlan({ ...base, config: config(), targets: ro });
    const create = plan.operations.find((o) => o.target === 'ad' && o.action === 'create') as Operation;
    assert.ok(!create.changes.some((c) => c.attribute === 'proxyAddresses'), 'neither the template nor the identifier fill');
    const acc = accountAfter(plan, '1', 'ad', 'guid-1', {});
    const live = { ...acc, attributes: { ...acc.attributes, proxyAddresses: ['SMTP:erika.muster@example.com', 'smtp:other@example.com'] } };
    assert.deepEqual(brief(computePlan({ ...base, config: config(), targets: ro, accounts: [live] })).filter((b) => b.startsWith('ad:')), []);
  });
});
