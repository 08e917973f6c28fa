import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CadreConfig } from '../../config/schema.js';
import type { AccountState } from '../model.js';
import { config, ids, person, TARGETS } from '../test-support.js';
import { accessMatrixReport, NO_PERSON } from './access-matrix.js';
import type { ReportInput } from './common.js';
import { helpdeskReport } from './helpdesk.js';
import { leaversEnabledReport } from './leavers.js';
import { licenceReport } from './licences.js';
import { orphanReport } from './orphans.js';
import { NOT_GRANTED, whoHasReport } from './who-has.js';

const AT = '2024-06-01T10:00:00.000Z';
const base = config();
const cfg: CadreConfig = {
  ...base,
  targets: {
    ...base.targets,
    ad: { ...(base.targets.ad as CadreConfig['targets'][string]), exclude: [{ dn: '*,OU=Service,DC=ex,DC=com', reason: 'service accounts' }], secondaryCorrelation: { attribute: 'mail', value: '{{ email }}' } },
  },
};
const acct = (target: string, anchor: string, over: Partial<AccountState> = {}): AccountState => ({ target, anchor, enabled: true, attributes: { sAMAccountName: `u${anchor}` }, entitlements: [], ...over });

const persons = [
  person('1', { department: 'Sales', email: 'one@example.com' }),
  person('2', { department: 'IT' }),
  person('3', { department: 'Sales', lastWorkingDay: '2024-05-20' }), // left: terminated on AT
  person('4', { department: 'IT', lastWorkingDay: '2024-05-25' }),
  person('5', { email: 'legacy@example.com' }),
];
const accounts: AccountState[] = [
  acct('ad', 'a1', { personId: '1', correlation: '1', entitlements: ['GG-All', 'GG-Sales'] }),
  acct('ad', 'a2', { correlation: '2', entitlements: ['GG-All', 'GG-IT'], unmanaged: ['Printers'] }),
  acct('ad', 'a3', { personId: '3', correlation: '3', entitlements: ['GG-All', 'GG-Sales'] }),
  acct('ad', 'a4', { personId: '4', correlation: '4', entitlements: ['GG-All'] }),
  acct('ad', 'x1', { correlation: '999', entitlements: ['GG-All'] }),
  acct('ad', 'x2', { personId: '77' }),
  acct('ad', 'x3', { correlation: 'payroll-12', enabled: false }),
  acct('ad', 'x4', { attributes: { sAMAccountName: 'legacy', mail: 'LEGACY@example.com' }, entitlements: ['Printers'] }),
  acct('ad', 'x5', { attributes: { sAMAccountName: 'nobody' }, entitlements: ['GG-Sales'] }),
  acct('ad', 's1', { dn: 'CN=svc,OU=Service,DC=ex,DC=com', entitlements: ['GG-All'] }),
  acct('sql', 'q1', { personId: '1', correlation: '1', entitlements: ['crm'] }),
  acct('sql', 'q9', {}),
];
const input: ReportInput = { at: AT, config: cfg, persons, accounts };

describe('orphan report', () => {
  test('accounts no HR person owns: unknown link, unknown or malformed correlation id, nothing at all; excluded ones are not orphans', () => {
    const r = orphanReport(input);
    // By target, then account name (x5 is `nobody`).
    assert.deepEqual(r.rows.map((x) => [x.target, x.anchor, x.why]), [
      ['ad', 'x5', 'no correlation id and no HR person matches it'],
      ['ad', 'x1', 'correlation id 999 matches no HR person'],
      ['ad', 'x2', 'linked to person 77, who is not in HR'],
      ['ad', 'x3', 'correlation id payroll-12 matches no HR person'],
      ['sql', 'q9', 'no correlation id and no HR person matches it'],
    ]);
    assert.deepEqual(orphanReport(input, { target: 'sql' }).rows.map((x) => x.anchor), ['q9']);
    assert.ok(!r.rows.some((x) => x.anchor === 'x4'), 'x4 matches person 5 by the secondary correlation (mail, case-insensitive)');
  });
});

describe('access matrix', () => {
  test('department × entitlement of enabled accounts, managed and unmanaged; excluded accounts left out', () => {
    const r = accessMatrixReport(input, { target: 'ad' });
    const m = r.matrices[0];
    assert.deepEqual(m?.departments, [NO_PERSON, '(no department)', 'IT', 'Sales']);
    assert.deepEqual(m?.entitlements, ['GG-All', 'GG-IT', 'GG-Sales', 'Printers']);
    assert.deepEqual(m?.counts, [
      [1, 0, 1, 0], // x1 (GG-All), x5 (GG-Sales); x3 is disabled; s1 excluded
      [0, 0, 0, 1], // person 5 via x4
      [2, 1, 0, 1],
      [2, 0, 2, 0],
    ]);
    assert.deepEqual(r.rows.find((x) => x.department === 'Sales' && x.entitlement === 'GG-Sales'), { target: 'ad', department: 'Sales', entitlement: 'GG-Sales', accounts: 2 });
  });
});

describe('who has X', () => {
  test('each holder with the rule that grants it, or why none does', () => {
    const r = whoHasReport({ ...input, targets: TARGETS, reservations: [...ids('1', 'one', 'one@example.com')] }, 'gg-sales');
    assert.deepEqual(r.rows.map((x) => [x.anchor, x.personId, x.rule]), [['x5', '', ''], ['a1', '1', 'sales'], ['a3', '3', 'sales']]);
    assert.equal(r.rows[1]?.entitlement, 'GG-Sales');
    assert.match(r.rows[1]?.why ?? '', /Sales/);
    // A leaver keeps the grant while the account is kept (leaver.removeEntitlements is off): the rule still names it.
    assert.match(r.rows[2]?.why ?? '', /Sales/);
    assert.match(r.rows[0]?.why ?? '', /no HR person/);
    const printers = whoHasReport({ ...input, targets: TARGETS, reservations: [] }, 'Printers');
    assert.deepEqual(printers.rows.map((x) => [x.personId, x.why]), [['2', NOT_GRANTED], ['5', NOT_GRANTED]]);
  });
});

describe('leavers with enabled accounts', () => {
  const leavers = (over: Partial<Parameters<typeof leaversEnabledReport>[0]> = {}) => leaversEnabledReport({
    ...input, targets: TARGETS, reservations: [], holds: [], disabled: [], ...over,
  });
  test('terminated persons holding an enabled account, the day access should have closed, and why', () => {
    const r = leavers();
    assert.deepEqual(r.rows.map((x) => [x.personId, x.target, x.accessClosedOn, x.daysOver, x.cause]), [
      ['3', 'ad', '2024-05-20', 12, 'pending'],
      ['4', 'ad', '2024-05-25', 7, 'pending'],
    ]);
    assert.match(r.rows[0]?.why ?? '', /disable is planned/);
  });
  test('a hold, or a failed operation after the end date, is the reason', () => {
    const r = leavers({
      holds: [{ personId: '3', reason: 'legal hold', actor: 'cli:x', createdAt: '2024-05-01T00:00:00Z' }],
      failures: new Map([['ad\u00004', { at: '2024-05-26T02:00:00Z', action: 'disable', error: 'AD_UNAVAILABLE: connection refused' }]]),
    });
    assert.deepEqual(r.rows.map((x) => [x.personId, x.cause]), [['3', 'hold'], ['4', 'failed']]);
    assert.match(r.rows[0]?.why ?? '', /legal hold/);
    assert.match(r.rows[1]?.why ?? '', /disable failed at 2024-05-26T02:00:00Z: AD_UNAVAILABLE/);
  });
  test('a failure from before the end date does not explain an account still enabled after it', () => {
    const r = leavers({ failures: new Map([['ad\u00004', { at: '2024-01-01T00:00:00Z', action: 'update', error: 'X' }]]) });
    assert.equal(r.rows.find((x) => x.personId === '4')?.cause, 'pending');
  });
});

describe('licence report', () => {
  test('assigned from stored accounts (disabled, leavers), seats from the target, unmapped SKUs listed', () => {
    const lic: AccountState[] = [
      acct('entra', 'e1', { personId: '1', entitlements: ['E3'] }),
      acct('entra', 'e2', { personId: '3', entitlements: ['e3'] }),
      acct('entra', 'e3', { personId: '2', enabled: false, entitlements: ['E3', 'F1'] }),
    ];
    const r = licenceReport({ ...input, accounts: lic }, {
      entra: { names: ['F1', 'E3'], seats: [
        { name: 'E3', skuId: 's-e3', skuPartNumber: 'SPE_E3', purchased: 10, consumed: 4 },
        { skuId: 's-x', skuPartNumber: 'VISIO', purchased: 2, consumed: 1 },
      ] },
      erp: { names: ['Gold'], seatsError: 'the target does not report licence seats' },
    });
    assert.deepEqual(r.rows.map((x) => [x.target, x.licence, x.sku, x.purchased, x.consumed, x.assigned, x.assignedDisabled, x.assignedLeavers, x.unused, x.outsideCadre]), [
      ['entra', 'E3', 'SPE_E3', 10, 4, 3, 1, 1, 6, 1],
      ['entra', 'F1', '', null, null, 1, 1, 0, null, null],
      ['entra', '', 'VISIO', 2, 1, 0, 0, 0, 1, 1],
      ['erp', 'Gold', '', null, null, 0, 0, 0, null, null],
    ]);
    assert.deepEqual(r.seatsErrors, { erp: 'the target does not report licence seats' });
  });
});

describe('helpdesk report', () => {
  test('counts by actor and type, refusals and failures apart; other events ignored', () => {
    const row = (seq: number, actor: string, event: string) => ({ seq, at: `2024-06-0${seq}T10:00:00Z`, actor, event, personId: '1', target: 'ad' });
    const r = helpdeskReport([
      row(1, 'web:alice', 'helpdesk.unlock'), row(2, 'web:alice', 'helpdesk.unlock'), row(3, 'web:alice', 'helpdesk.resetPassword.refused'),
      row(4, 'web:bob', 'helpdesk.resetPassword'), row(5, 'web:bob', 'hold.added'), row(6, 'web:bob', 'helpdesk.unlock.failed'),
    ], AT, { since: '2024-06-01' });
    assert.deepEqual(r.rows, [
      { actor: 'web:alice', type: 'resetPassword', done: 0, refused: 1, failed: 0 },
      { actor: 'web:alice', type: 'unlock', done: 2, refused: 0, failed: 0 },
      { actor: 'web:bob', type: 'resetPassword', done: 1, refused: 0, failed: 0 },
      { actor: 'web:bob', type: 'unlock', done: 0, refused: 0, failed: 1 },
    ]);
    assert.deepEqual(r.byType, { unlock: { done: 2, refused: 0, failed: 1 }, resetPassword: { done: 1, refused: 1, failed: 0 } });
    assert.equal(r.entries.length, 5);
    assert.deepEqual(r.entries.map((e) => e.outcome), ['done', 'done', 'refused', 'done', 'failed']);
    assert.equal(r.since, '2024-06-01');
  });
});
