import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from './similar.js';

test('editDistance counts insertions, deletions, substitutions and neighbour swaps, ignoring case', () => {
  assert.equal(editDistance('GG-Marketng', 'GG-Marketing'), 1);
  assert.equal(editDistance('GG-Makreting', 'GG-Marketing'), 1);
  assert.equal(editDistance('gg-marketing', 'GG-Marketing'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('closestName suggests only a likely typo, deterministically', () => {
  const groups = ['GG-Marketing', 'GG-Sales', 'GG-Finance', 'GG-Market'];
  assert.equal(closestName('GG-Marketng', groups), 'GG-Marketing');
  assert.equal(closestName('GG-Sale', groups), 'GG-Sales');
  assert.equal(closestName('GG-Legal', groups), undefined);
  assert.equal(closestName('OU=Paris,OU=Staff,DC=ex,DC=com', ['OU=Berlin,OU=Staff,DC=ex,DC=com']), undefined);
  assert.equal(closestName('OU=Berln,OU=Staff,DC=ex,DC=com', ['OU=Berlin,OU=Staff,DC=ex,DC=com', 'OU=Bern,OU=Staff,DC=ex,DC=com']), 'OU=Berlin,OU=Staff,DC=ex,DC=com');
  assert.equal(closestName('ab', ['ac', 'ad']), 'ac');
});
