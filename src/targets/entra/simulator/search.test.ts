import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSearch, searchTokens } from './search.js';

const EVENTUAL = { consistencylevel: 'eventual' };
const user = (props: Record<string, unknown>) => (p: string): unknown => props[p];

test('tokens split on spaces, punctuation and case changes', () => {
  assert.deepEqual(searchTokens('Alex Wilber'), ['alex', 'wilber']);
  assert.deepEqual(searchTokens('anna.mueller@example.com'), ['anna', 'mueller', 'example', 'com']);
  assert.deepEqual(searchTokens('JohnDoe'), ['john', 'doe']);
});

test('"property:value" matches a token prefix; AND binds tighter than OR', () => {
  const alex = user({ displayName: 'Alex Wilber', mail: 'alexw@example.com' });
  const allan = user({ displayName: 'Allan Deyoung', mail: 'allan@example.com' });
  const wil = compileSearch('"displayName:wil"', 'user', EVENTUAL);
  assert.ok(wil?.(alex));
  assert.ok(!wil?.(allan));
  const either = compileSearch('"displayName:deyo" OR "mail:alexw"', 'user', EVENTUAL);
  assert.ok(either?.(alex) && either(allan));
  const both = compileSearch('"displayName:al" AND "mail:allan"', 'user', EVENTUAL);
  assert.ok(both?.(allan) && !both(alex));
  assert.ok(compileSearch('"displayName:wilber alex"', 'user', EVENTUAL)?.(alex), 'every word, in any order');
  assert.equal(compileSearch(null, 'user', {}), undefined);
});

test('without ConsistencyLevel: eventual, with an unknown property or no property, Graph answers 400', () => {
  assert.throws(() => compileSearch('"displayName:a"', 'user', {}), /ConsistencyLevel: eventual/);
  assert.throws(() => compileSearch('"city:Berlin"', 'user', EVENTUAL), /property 'city' of resource 'User'/);
  assert.throws(() => compileSearch('"alex"', 'user', EVENTUAL), /expected "property:value"/);
  assert.ok(compileSearch('"description:finance"', 'group', EVENTUAL)?.(user({ description: 'All of Finance' })));
});
