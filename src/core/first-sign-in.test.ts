import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configGuard } from '../config/schema.js';
import { credentialExpiry, firstSignInFor, tapTarget, withFirstSignIn } from './first-sign-in.js';
import type { Operation, Person } from './model.js';

const base = {
  source: { type: 'personio', clientId: 'x', clientSecret: 'y' },
  targets: { entra: { type: 'entra' }, erp: { type: 'sql' } },
};
const cfg = ({ delivery, ...firstPassword }: Record<string, unknown>) => configGuard.parse({ ...base, firstPassword, notifications: { passwordDelivery: delivery } });

test('delivery defaults to console; no TAP target then', () => {
  const c = configGuard.parse(base);
  assert.equal(c.notifications.passwordDelivery, 'console');
  assert.equal(tapTarget(c), undefined);
});

test('tap: the only entra target, or the one named', () => {
  assert.equal(tapTarget(cfg({ delivery: 'tap' })), 'entra');
  assert.equal(tapTarget(cfg({ delivery: 'tap', tap: { target: 'erp' } })), 'erp');
});

test('the pass starts at local midnight of the hire day (Europe/Berlin, winter and summer time)', () => {
  const c = cfg({ delivery: 'tap', tap: { lifetimeMinutes: 600, usableOnce: true } });
  assert.deepEqual(firstSignInFor('2026-12-14', '2026-12-02T10:00:00.000Z', c), { kind: 'tap', startDateTime: '2026-12-13T23:00:00.000Z', lifetimeInMinutes: 600, isUsableOnce: true });
  assert.equal(firstSignInFor('2027-07-01T00:00:00+02:00', '2027-06-20T10:00:00.000Z', c).startDateTime, '2027-06-30T22:00:00.000Z');
  // A late create (the hire day has begun): usable at once.
  assert.equal(firstSignInFor('2026-12-02', '2026-12-02T10:00:00.000Z', c).startDateTime, undefined);
  assert.equal(firstSignInFor(undefined, '2026-12-02T10:00:00.000Z', c).startDateTime, undefined);
});

test('only the create in the TAP target carries the pass', () => {
  const c = cfg({ delivery: 'tap' });
  const person = { id: '7', hireDate: '2026-12-14' } as Person;
  const create = { id: 'a', action: 'create', target: 'entra', personId: '7', changes: [], reason: { kind: 'lifecycle', source: 'joiner', detail: '' }, dependsOn: [], enabled: false } as Operation;
  const got = withFirstSignIn(create, person, c, '2026-12-02T10:00:00.000Z');
  assert.equal(got.action === 'create' ? got.firstSignIn?.startDateTime : undefined, '2026-12-13T23:00:00.000Z');
  assert.equal((withFirstSignIn({ ...create, target: 'erp' }, person, c, '2026-12-02T10:00:00.000Z') as { firstSignIn?: unknown }).firstSignIn, undefined);
  assert.equal((withFirstSignIn(create, person, cfg({ delivery: 'console' }), '2026-12-02T10:00:00.000Z') as { firstSignIn?: unknown }).firstSignIn, undefined);
});

test('a credential waits until the end of the local day showForDays after the hire date', () => {
  const c = cfg({ delivery: 'console', showForDays: 7 });
  assert.equal(credentialExpiry('2026-12-14', '2026-12-02T10:00:00.000Z', c), '2026-12-21T23:00:00.000Z');
  // Hire date past or unknown: counted from today.
  assert.equal(credentialExpiry('2026-01-01', '2026-12-02T10:00:00.000Z', c), '2026-12-09T23:00:00.000Z');
  assert.equal(credentialExpiry(undefined, '2026-12-02T10:00:00.000Z', c), '2026-12-09T23:00:00.000Z');
});
