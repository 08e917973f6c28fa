import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { eqFilter, scimString } from './filter.js';

/**
 * An RFC 7644 §3.4.2.2 reader of one string literal starting at `at` (a `"`): returns the index just past
 * its closing quote. A backslash escapes the next character; an unescaped `"` ends the literal.
 */
function literalEnd(s: string, at: number): number {
  assert.equal(s[at], '"');
  for (let i = at + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  return -1;
}

test('scimString: no value can end the quoted string early, and it decodes to the value', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (v) => {
    const f = eqFilter('userName', v);
    const start = 'userName eq '.length;
    // The literal runs to the very end: nothing after it can be an operator or another expression.
    assert.equal(literalEnd(f, start), f.length);
    assert.equal(JSON.parse(f.slice(start)), v);
  }), { numRuns: 2000 });
});

test('scimString: quotes, backslashes and attempts to close the string are escaped', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom('"', '\\', ' or ', 'userName', ' pr', ')', '(', 'a', '\n', '\u0000'), { maxLength: 12 }), (parts) => {
    const v = parts.join('');
    const lit = scimString(v);
    assert.equal(literalEnd(lit, 0), lit.length);
    assert.equal(JSON.parse(lit), v);
  }), { numRuns: 2000 });
  assert.equal(scimString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(eqFilter('externalId', '" or userName pr or "'), 'externalId eq "\\" or userName pr or \\""');
});

test('eqFilter refuses an attribute path that is not a plain path', () => {
  for (const bad of ['userName or id', 'emails[type eq "work"]', 'a b', '', 'x"']) {
    assert.throws(() => eqFilter(bad, 'v'), /not a filterable SCIM attribute path/);
  }
  assert.equal(eqFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', '1'), 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"');
  assert.equal(eqFilter('emails.value', 'a@b'), 'emails.value eq "a@b"');
});
