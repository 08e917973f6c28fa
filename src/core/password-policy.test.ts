import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generatePassword } from '../util/password.js';
import { checkPassword, ENTRA_PASSWORD_POLICY, nameTokens } from './password-policy.js';
import type { PasswordPolicy } from './password-policy.js';

const AD: PasswordPolicy = { minLength: 7, complexity: true, historyLength: 24 };
const codes = (r: { problems: readonly { code: string }[] }): string[] => r.problems.map((p) => p.code);

describe('checkPassword: AD rules', () => {
  test('three of five categories are enough, two are not', () => {
    assert.deepEqual(codes(checkPassword(AD, 'abcdEFGH')), ['NOT_COMPLEX']);
    assert.equal(checkPassword(AD, 'abcdEFG1').ok, true);
    assert.equal(checkPassword(AD, 'abcd123!').ok, true);
    assert.equal(checkPassword(AD, 'ABCD123!').ok, true);
    assert.deepEqual(checkPassword(AD, 'abcdefg1').problems, [{ code: 'NOT_COMPLEX', categories: 2, required: 3 }]);
  });

  test('umlauts count as letters of their case; caseless letters are the fifth category; € is not special', () => {
    assert.equal(checkPassword(AD, 'ÄÖÜäöü12').ok, true);
    assert.equal(checkPassword(AD, 'abc漢字12').ok, true);
    assert.deepEqual(codes(checkPassword(AD, 'abcdef€€')), ['NOT_COMPLEX']);
  });

  test('length limits', () => {
    assert.deepEqual(checkPassword(AD, 'aB1!').problems, [{ code: 'TOO_SHORT', minLength: 7 }]);
    assert.deepEqual(codes(checkPassword(AD, `aB1!${'x'.repeat(253)}`)), ['TOO_LONG']);
    assert.equal(checkPassword(AD, `aB1!${'x'.repeat(252)}`).ok, true);
  });

  test('the sAMAccountName may not appear (case-insensitive), unless it is shorter than 3 characters', () => {
    const account = { sAMAccountName: 'jmueller', displayName: 'Jörg Müller' };
    assert.deepEqual(codes(checkPassword(AD, 'xx-JMueller-9', account)), ['CONTAINS_ACCOUNT_NAME']);
    assert.equal(checkPassword(AD, 'Jm-ueller-9x', account).ok, true);
    assert.equal(checkPassword(AD, 'jo!Secret99', { sAMAccountName: 'jo' }).ok, true);
  });

  test('display-name tokens of 3+ characters may not appear; shorter ones and substrings of tokens may', () => {
    const account = { sAMAccountName: 'ehagens', displayName: 'Erin M. Hagens' };
    assert.deepEqual(checkPassword(AD, 'hagens#2024X', account).problems, [{ code: 'CONTAINS_NAME_PART', part: 'Hagens' }]);
    assert.deepEqual(codes(checkPassword(AD, 'ERIN!and9x', account)), ['CONTAINS_NAME_PART']);
    // "M" is too short to count, "Hag" is only part of a token
    assert.equal(checkPassword(AD, 'M-Hag-2024x', account).ok, true);
    assert.deepEqual(nameTokens('Müller-Lüdenscheidt, Hans_Jo#Li\tAnn.Marie'), ['Müller', 'Lüdenscheidt', 'Hans', 'Ann', 'Marie']);
  });

  test('without complexity only the length counts', () => {
    const p: PasswordPolicy = { minLength: 4, complexity: false };
    assert.equal(checkPassword(p, 'jmueller', { sAMAccountName: 'jmueller' }).ok, true);
    assert.deepEqual(codes(checkPassword(p, 'abc')), ['TOO_SHORT']);
  });

  test('every problem is reported, none carries the password', () => {
    const r = checkPassword({ minLength: 20, complexity: true }, 'erin', { sAMAccountName: 'erin', displayName: 'Erin X' });
    assert.deepEqual(codes(r), ['TOO_SHORT', 'NOT_COMPLEX', 'CONTAINS_ACCOUNT_NAME', 'CONTAINS_NAME_PART']);
    assert.ok(!JSON.stringify(r).includes('"erin"'));
  });
});

describe('checkPassword: Entra rules', () => {
  test('8 to 256 characters, three of four classes', () => {
    assert.deepEqual(codes(checkPassword(ENTRA_PASSWORD_POLICY, 'aB1!')), ['TOO_SHORT']);
    assert.deepEqual(codes(checkPassword(ENTRA_PASSWORD_POLICY, 'abcdefgh1')), ['NOT_COMPLEX']);
    assert.equal(checkPassword(ENTRA_PASSWORD_POLICY, 'abcdefg H1').ok, true, 'the blank is a symbol');
    assert.equal(checkPassword(ENTRA_PASSWORD_POLICY, 'Abcdefgh1').ok, true);
    assert.deepEqual(codes(checkPassword(ENTRA_PASSWORD_POLICY, `Ab1${'x'.repeat(254)}`)), ['TOO_LONG']);
  });

  test('characters outside the allowed set are refused (umlauts, €); no name check', () => {
    assert.deepEqual(codes(checkPassword(ENTRA_PASSWORD_POLICY, 'Müller123!')), ['INVALID_CHARACTER']);
    assert.deepEqual(codes(checkPassword(ENTRA_PASSWORD_POLICY, 'Abcdefg1€')), ['INVALID_CHARACTER']);
    assert.equal(checkPassword(ENTRA_PASSWORD_POLICY, 'jmueller-X1', { sAMAccountName: 'jmueller' }).ok, true);
  });
});

test('generated passwords meet both policies', () => {
  for (let i = 0; i < 200; i++) {
    const pw = generatePassword(16);
    assert.equal(checkPassword({ minLength: 16, complexity: true }, pw).ok, true);
    assert.equal(checkPassword(ENTRA_PASSWORD_POLICY, pw).ok, true);
  }
});
