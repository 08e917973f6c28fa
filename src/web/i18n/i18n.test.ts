import assert from 'node:assert/strict';
import { test } from 'node:test';
import { de } from './de.js';
import { en } from './en.js';
import { negotiate, translator } from './index.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

test('de has every key of en (and no other), with the same placeholders, none left empty', () => {
  assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  for (const [key, text] of Object.entries(en)) {
    const german = (de as Record<string, string>)[key] ?? '';
    assert.notEqual(german.trim(), '', `de ${key} is empty`);
    assert.deepEqual(placeholders(german), placeholders(text), `placeholders of ${key}`);
  }
});

test('t replaces placeholders; negotiation honours q-values and regions', () => {
  assert.equal(translator('de')('user.signedInAs', { name: 'Erika', role: 'Helpdesk' }), 'Angemeldet als Erika (Helpdesk)');
  assert.equal(translator('en')('common.page', { page: 2 }), 'Page 2 of {pages}');
  assert.equal(negotiate('de-DE,de;q=0.9,en;q=0.8'), 'de');
  assert.equal(negotiate('fr-FR,en;q=0.5,de;q=0.9'), 'de');
  assert.equal(negotiate('fr, it'), 'en');
  assert.equal(negotiate('de;q=0, en'), 'en');
  assert.equal(negotiate(undefined), 'en');
});
