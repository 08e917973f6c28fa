import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toIdentifierAscii, transliterate } from './transliterate.js';

describe('toIdentifierAscii', () => {
  const cases: [string, string][] = [
    ['Müller', 'mueller'],
    ['Müller-Lüdenscheidt', 'mueller-luedenscheidt'],
    ['Groß', 'gross'],
    ['GROẞ', 'gross'],
    ['Ärger Öl Über', 'aergeroelueber'],
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['Anna Maria', 'annamaria'],
    ['José García', 'josegarcia'],
    ['François', 'francois'],
    ['Łukasz Żółć', 'lukaszzolc'],
    ['Дмитрий', 'dmitriy'],
    ['Smith, Jr. (IT)', 'smithjr.it'],
    ['A*B+C', 'abc'],
    ['  Eva  ', 'eva'],
    ['Ølsen', 'olsen'],
    ['Mu\u0308ller', 'mueller'], // decomposed umlaut (NFD)
    ['Bob 😀', 'bob'],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} → ${want}`, () => assert.equal(toIdentifierAscii(input), want));
  }

  test('property: output only ever contains [a-z0-9._-]', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => /^[a-z0-9._-]*$/.test(toIdentifierAscii(s))), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => /^[a-z0-9._-]*$/.test(toIdentifierAscii(s))), { numRuns: 2000 });
  });

  test('property: idempotent on its own output', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
      const once = toIdentifierAscii(s);
      return toIdentifierAscii(once) === once;
    }));
  });
});

describe('transliterate', () => {
  test('keeps case and spaces, German rules first', () => {
    assert.equal(transliterate('Jürgen Groß'), 'Juergen Gross');
    assert.equal(transliterate('Ösel Ärmel'), 'Oesel Aermel');
    assert.equal(transliterate('Zoë'), 'Zoe');
  });
});
