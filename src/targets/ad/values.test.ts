import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accountExpiresFor, fromFiletime, guidDn, guidToBuffer, guidToString, toFiletime } from './values.js';
import { generatePassword, isComplex, unicodePwd } from './password.js';

describe('objectGUID', () => {
  test('first three fields are little-endian', () => {
    // bytes as AD sends them for {7dd96cb3-691e-458c-a496-8586780976f2}
    const b = Buffer.from('b36cd97d1e698c45a49685867809 76f2'.replace(/ /g, ''), 'hex');
    assert.equal(guidToString(b), '7dd96cb3-691e-458c-a496-8586780976f2');
    assert.deepEqual(guidToBuffer('7DD96CB3-691E-458C-A496-8586780976F2'), b);
  });
  test('round trip', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (a) => {
      const b = Buffer.from(a);
      assert.deepEqual(guidToBuffer(guidToString(b)), b);
    }));
  });
  test('guidDn refuses non-GUIDs (no DN injection through anchors)', () => {
    assert.throws(() => guidDn('x>,CN=evil'));
    assert.equal(guidDn('7DD96CB3-691E-458C-A496-8586780976F2'), '<GUID=7dd96cb3-691e-458c-a496-8586780976f2>');
  });
});

describe('FILETIME', () => {
  test('known value: 2024-01-01T00:00:00Z', () => {
    assert.equal(toFiletime(Date.UTC(2024, 0, 1)), '133485408000000000');
  });
  test('end date expires at the end of that day; empty means never (0)', () => {
    assert.equal(fromFiletime(accountExpiresFor('2025-03-31'))?.toISOString(), '2025-04-01T00:00:00.000Z');
    assert.equal(accountExpiresFor(null), '0');
    assert.equal(fromFiletime('0'), undefined);
    assert.equal(fromFiletime('9223372036854775807'), undefined);
    assert.throws(() => accountExpiresFor('31.03.2025'));
  });
  test('the end of the day is local to the given zone, across DST', () => {
    // Berlin is on summer time (UTC+2) from 2025-03-30, on winter time (UTC+1) in January.
    assert.equal(fromFiletime(accountExpiresFor('2025-03-31', 'Europe/Berlin'))?.toISOString(), '2025-03-31T22:00:00.000Z');
    assert.equal(fromFiletime(accountExpiresFor('2025-01-15', 'Europe/Berlin'))?.toISOString(), '2025-01-15T23:00:00.000Z');
    assert.equal(fromFiletime(accountExpiresFor('2025-03-29', 'Europe/Berlin'))?.toISOString(), '2025-03-29T23:00:00.000Z');
  });
});

describe('passwords', () => {
  test('every generated password has all classes and the requested length', () => {
    for (const len of [8, 12, 16, 40]) {
      for (let i = 0; i < 200; i++) {
        const pw = generatePassword(len);
        assert.equal(pw.length, len);
        assert.ok(isComplex(pw, len), pw.replace(/./g, '*'));
      }
    }
    assert.notEqual(generatePassword(), generatePassword());
    assert.throws(() => generatePassword(4));
  });
  test('unicodePwd is the quoted password in UTF-16LE', () => {
    assert.deepEqual(unicodePwd('Ab1!'), Buffer.from([0x22, 0, 0x41, 0, 0x62, 0, 0x31, 0, 0x21, 0, 0x22, 0]));
  });
});
