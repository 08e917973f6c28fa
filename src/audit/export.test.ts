import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvLine } from './export.js';

test('csvCell neutralises every formula trigger at the start of a cell', () => {
  assert.equal(csvCell('=HYPERLINK("http://evil.test","click")'), `"'=HYPERLINK(""http://evil.test"",""click"")"`);
  assert.equal(csvCell('+1+2'), "'+1+2");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1:A9)'), "'@SUM(A1:A9)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
  assert.equal(csvCell('a=b'), 'a=b', 'only the start of a cell matters');
  assert.equal(csvCell(' x'), '" x"', 'leading space is quoted, kept');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(42), '42');
  assert.equal(csvLine(['a,b', 'c"d', 'e\nf']), '"a,b","c""d","e\nf"\r\n');
});

test('csvCell: a formula after a semicolon is neutralised too (Excel in a German locale splits CSV at ";")', () => {
  // Opened by a German Excel, `a;=HYPERLINK(…)` is two cells, the second a formula; quoting does not help, since a
  // quote in the middle of a ';'-field is literal there.
  const cell = csvCell('Müller;=HYPERLINK("http://evil.test","x")');
  for (const field of cell.split(';').slice(1)) assert.doesNotMatch(field, /^["\s]*[=+\-@]/, cell);
  assert.match(cell, /Müller/);
  assert.equal(csvCell('a;b'), 'a;b', 'an ordinary semicolon stays');
  // Leading blanks before a trigger, and the full-width forms some spreadsheet locales read as one.
  assert.match(csvCell('  =1+1'), /^'/);
  assert.match(csvCell('＝1+1'), /^'/);
});
