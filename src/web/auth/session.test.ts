import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPath } from './session.js';

test('nextPath keeps same-site paths', () => {
  assert.equal(nextPath('/persons/42?tab=forms'), '/persons/42?tab=forms');
  assert.equal(nextPath('/'), '/');
});

test('nextPath refuses every form a browser resolves to another site', () => {
  // Browsers drop tab, CR and LF anywhere in a URL (WHATWG URL parser), so `/\t/evil` is `//evil`;
  // a backslash counts as a slash in http(s) URLs.
  for (const bad of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example',
    '\t//evil.example', '/\t\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/\u0000/evil.example', ' //evil.example']) {
    assert.equal(nextPath(bad), '/', JSON.stringify(bad));
  }
});
