import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  eqFilter, escapeDnValue, escapeFilterValue, isBelow, normalizeDn, parentDn, rdnValue, sameDn, splitDn,
  unescapeDnValue, unescapeFilterValue,
} from './escape.js';

// Strings rich in LDAP specials, blanks and non-ASCII (including astral characters).
const nasty = fc.string({ unit: fc.oneof(
  fc.constantFrom(',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ', '\0', '*', '(', ')', 'ä', 'ß', '😀', 'Ł', '\u0301'),
  fc.string({ minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
), minLength: 1, maxLength: 30 });

describe('DN value escaping (RFC 4514)', () => {
  test('escape then unescape gives the original', () => {
    fc.assert(fc.property(nasty, (s) => assert.equal(unescapeDnValue(escapeDnValue(s)), s)));
  });

  test('a DN built from an escaped value splits into exactly the expected RDNs and round-trips', () => {
    fc.assert(fc.property(nasty, nasty, (cn, ou) => {
      const dn = `CN=${escapeDnValue(cn)},OU=${escapeDnValue(ou)},DC=example,DC=test`;
      const rdns = splitDn(dn);
      assert.equal(rdns.length, 4);
      assert.equal(rdnValue(dn), cn);
      assert.equal(rdnValue(parentDn(dn)), ou);
      assert.ok(isBelow(dn, 'dc=example,dc=test'));
    }));
  });

  test('no unescaped special character survives, and ldapts-style splitting finds the right comma', () => {
    fc.assert(fc.property(nasty, (s) => {
      const e = escapeDnValue(s);
      // Walk the escaped string: every special must be preceded by a backslash escape.
      for (let i = 0; i < e.length; i++) {
        if (e[i] === '\\') { i += /^[0-9A-Fa-f]{2}$/.test(e.slice(i + 1, i + 3)) ? 2 : 1; continue; }
        assert.ok(!',+"<>;=\0'.includes(e[i] as string), `unescaped ${JSON.stringify(e[i])} in ${JSON.stringify(e)}`);
      }
      assert.ok(!e.startsWith(' ') && !e.startsWith('#'));
      assert.ok(!e.endsWith(' ') || e.endsWith('\\ '));
      // ldapts' modifyDN splits at the first comma not preceded by a backslash: that must be our separator.
      const dn = `CN=${e},OU=x`;
      const idx = dn.search(/[^\\],/);
      assert.equal(dn.slice(0, idx + 1), `CN=${e}`);
    }));
  });

  test('examples', () => {
    assert.equal(escapeDnValue('Müller, Jörg'), 'Müller\\, Jörg');
    assert.equal(escapeDnValue('#1 a+b "c" \\d '), '\\#1 a\\+b \\"c\\" \\5Cd\\ ');
    assert.equal(escapeDnValue(' x'), '\\ x');
    assert.equal(escapeDnValue('a\0b'), 'a\\00b');
    assert.equal(unescapeDnValue('M\\C3\\BCller'), 'Müller');
    assert.equal(rdnValue('CN=Renamed \\, x,OU=Probe,DC=example,DC=test'), 'Renamed , x');
    // Only ASCII spaces are insignificant: a no-break space pasted into an HR name is part of the value.
    assert.equal(rdnValue('CN=\u00a0x\u00a0,OU=Probe,DC=example,DC=test'), '\u00a0x\u00a0');
  });

  test('DN comparison ignores case and escaping style', () => {
    assert.ok(sameDn('CN=A\\,B,OU=X,DC=ex', 'cn=a\\2cb, ou=x,dc=EX'));
    assert.ok(!sameDn('CN=A\\,B,OU=X', 'CN=A,B,OU=X'));
    assert.equal(normalizeDn('OU=Berlin,OU=Staff'), 'ou=berlin,ou=staff');
    assert.ok(isBelow('CN=u,OU=Groups,DC=ex', 'ou=groups,dc=ex'));
    assert.ok(!isBelow('OU=Groups,DC=ex', 'OU=Groups,DC=ex'));
    assert.ok(!isBelow('CN=u,OU=XGroups,DC=ex', 'OU=Groups,DC=ex'));
  });
});

describe('filter value escaping (RFC 4515)', () => {
  test('escape then unescape gives the original', () => {
    fc.assert(fc.property(nasty, (s) => assert.equal(unescapeFilterValue(escapeFilterValue(s)), s)));
  });

  test('escaped values never contain unescaped specials', () => {
    fc.assert(fc.property(nasty, (s) => {
      const e = escapeFilterValue(s);
      assert.ok(!/[*()\0]/.test(e), e);
      // every backslash starts a two-hex-digit escape
      assert.ok(/^(?:[^\\]|\\[0-9a-f]{2})*$/s.test(e), e);
    }));
  });

  test('eqFilter escapes values and rejects bad attribute names', () => {
    assert.equal(eqFilter('cn', 'a*(b)\\'), '(cn=a\\2a\\28b\\29\\5c)');
    assert.throws(() => eqFilter('cn)(objectClass=*', 'x'));
  });
});

test('an escaped comma is not an RDN boundary for isBelow/sameDn', () => {
  assert.ok(!isBelow('CN=x\\,OU=Groups,DC=ex', 'OU=Groups,DC=ex'));
  assert.ok(isBelow('CN=x\\,OU=Groups,DC=ex', 'DC=ex'));
  assert.ok(!sameDn('CN=A\\,B,OU=X', 'CN=A,B,OU=X'));
});
