import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Person } from './model.js';
import { isWriteBackEcho, sameWriteBackValue, withWrittenValues, writeBackForm, type WriteBackRecord } from './write-back.js';

const person = (over: Partial<Person> = {}): Person => ({
  id: '7', firstName: 'Greta', lastName: 'Gross', status: 'active', email: 'greta@hr.example.com', department: 'Sales',
  costCenters: [], custom: { dynamic_1003: null, upn: null, dynamic_9: 'x' }, updatedAt: '2026-12-02T10:00:00.000Z', ...over,
});
const aliases = { upn: 'dynamic_1003' };
const at = '2026-12-02T10:05:00.000Z';
const opts = { at, windowMs: 60 * 60_000, aliases };
const wrote = (attribute: string, value: string | null, writtenAt = '2026-12-02T10:00:01.000Z'): WriteBackRecord => ({ personId: '7', attribute, value, writtenAt, runId: 'r1' });

describe('write-back values', () => {
  test('the written form trims, joins lists and reads empty as unset', () => {
    assert.equal(writeBackForm('  a@b.de '), 'a@b.de');
    assert.equal(writeBackForm(['a', ' b ']), 'a,b');
    assert.equal(writeBackForm(''), null);
    assert.equal(writeBackForm(undefined), null);
    assert.equal(writeBackForm(42), '42');
    assert.ok(sameWriteBackValue(['a', 'b'], 'a,b'), 'a list Personio reads back equals the text written');
    assert.ok(sameWriteBackValue(['a', 'b'], 'a, b'), 'also with spaces after the commas');
    assert.ok(!sameWriteBackValue(['a'], 'a, b'));
    assert.ok(sameWriteBackValue(null, ''));
    assert.ok(!sameWriteBackValue('a@b.de', 'A@b.de'), 'case counts: Personio keeps what was written');
  });

  test('the stored record gets the written values under key and alias', () => {
    const p = withWrittenValues(person(), { upn: 'greta.gross@example.com' }, aliases);
    assert.equal(p.custom.dynamic_1003, 'greta.gross@example.com');
    assert.equal(p.custom.upn, 'greta.gross@example.com');
    assert.equal(withWrittenValues(person(), { email: 'g@example.com' }, aliases).email, 'g@example.com');
  });
});

describe('an echo of our own write-back', () => {
  const stored = withWrittenValues(person(), { dynamic_1003: 'greta.gross@example.com' }, aliases);
  const echoed = { ...stored, updatedAt: '2026-12-02T10:00:01.000Z' };

  test('Personio reporting exactly what we wrote is an echo (also with the value under its alias)', () => {
    assert.ok(isWriteBackEcho(echoed, stored, [wrote('dynamic_1003', 'greta.gross@example.com')], opts));
    assert.ok(isWriteBackEcho(echoed, stored, [wrote('upn', 'greta.gross@example.com')], opts), 'a write recorded under the alias');
    // The stored record from before the write (an older Cadre did not lay the value over it): the difference is ours.
    assert.ok(isWriteBackEcho(echoed, person(), [wrote('dynamic_1003', 'greta.gross@example.com')], opts));
  });

  test('anything beyond our write is a real change', () => {
    const w = [wrote('dynamic_1003', 'greta.gross@example.com')];
    assert.ok(!isWriteBackEcho({ ...echoed, department: 'Finance' }, stored, w, opts), 'another field changed too');
    assert.ok(!isWriteBackEcho({ ...echoed, custom: { ...echoed.custom, dynamic_9: 'y' } }, stored, w, opts), 'another custom attribute changed');
    assert.ok(!isWriteBackEcho({ ...echoed, custom: { ...echoed.custom, dynamic_1003: 'hand@edit.de', upn: 'hand@edit.de' } }, stored, w, opts),
      'someone overwrote the value we wrote: re-plan (and write it again)');
    assert.ok(!isWriteBackEcho(echoed, stored, [], opts), 'never written to');
    assert.ok(!isWriteBackEcho(echoed, undefined, w, opts), 'not known yet');
    assert.ok(!isWriteBackEcho(echoed, stored, [{ ...w[0] as WriteBackRecord, personId: '8' }], opts), 'a write to someone else');
  });

  test('a write older than the window is no longer taken for the cause', () => {
    assert.ok(!isWriteBackEcho(echoed, stored, [wrote('dynamic_1003', 'greta.gross@example.com', '2026-12-02T08:00:00.000Z')], opts));
  });

  test('a written e-mail address (v2) echoes as the email field', () => {
    const s = withWrittenValues(person(), { email: 'greta.gross@example.com' }, aliases);
    assert.ok(isWriteBackEcho({ ...s }, person(), [wrote('email', 'greta.gross@example.com')], opts));
    assert.ok(!isWriteBackEcho({ ...s, email: 'other@example.com' }, person(), [wrote('email', 'greta.gross@example.com')], opts));
  });
});
