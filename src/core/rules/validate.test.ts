import { test } from 'node:test';
import assert from 'node:assert/strict';
import { config } from '../test-support.js';
import { validateRules } from './validate.js';

test('the fixture config is valid', () => {
  assert.deepEqual(validateRules(config()), []);
});

test('reports bad templates, regexes, unknown targets, cycles, placement and write-back problems with paths', () => {
  const base = config();
  const cfg = config({
    identifiers: {
      a: { patterns: ['{b}.x'] },
      b: { patterns: ['{a}.y'] },
      c: { patterns: ['{frist}'] },
    },
    targets: {
      ad: {
        ...base.targets['ad'],
        attributes: { displayName: '{{ firstName + }}', title: '{{ positon }}', mail: '{{ id.email }}' },
        identifiers: { username: ['sAMAccountName'] },
        placement: { by: 'offfice', map: {}, default: 'OU=x' },
      },
      sql: { ...base.targets['sql'], leaver: { moveToDisabled: true, removeEntitlements: false } },
    },
    entitlements: [
      { name: 'r1', when: { position: { matches: '[' } }, grant: { ad: ['G'] } },
      { name: 'r2', when: { departmnt: 'x' }, grant: { exchange: ['G'] } },
      { name: 'r1', when: {}, grant: { ad: ['DL-{{ lower( }}'] } },
    ],
    writeBack: { enabled: true, attributes: { email: '{{ id.mail }}', phone: '{{ x' } },
  });
  const problems = validateRules(cfg);
  const paths = problems.map((p) => p.path);
  const has = (path: string, re: RegExp): void => {
    assert.ok(problems.some((p) => p.path === path && re.test(p.message)), `${path} ${re} in ${JSON.stringify(problems, null, 1)}`);
  };
  has('identifiers.c.patterns[0]', /unknown placeholder/);
  has('targets.ad.attributes.displayName', /unexpected end.*column 16/);
  has('targets.ad.attributes.title', /unknown attribute "positon"/);
  has('targets.ad.attributes.mail', /no identifier kind "email"/);
  has('targets.ad.identifiers.username', /not configured/);
  has('targets.ad.placement.by', /unknown attribute "offfice"/);
  has('targets.sql.leaver.moveToDisabled', /placement.disabled/);
  has('entitlements[0].when.position.matches', /invalid regular expression/);
  has('entitlements[1].when.departmnt', /unknown attribute/);
  has('entitlements[1].grant.exchange', /not configured/);
  has('entitlements[2].grant.ad[0]', /unexpected/);
  has('entitlements[2].name', /duplicate rule name/);
  has('writeBack.attributes.phone', /unclosed/);
  assert.ok(paths.length >= 13);
});

test('identifier cycles are reported', () => {
  const cfg = config({ identifiers: { a: { patterns: ['{b}x'] }, b: { patterns: ['{a}y'] } }, targets: { sql: { type: 'sql' } }, entitlements: [] });
  const problems = validateRules(cfg);
  assert.ok(problems.some((p) => /cycle: a → b → a/.test(p.message)), JSON.stringify(problems));
});

test('write-back of the e-mail address: refused on v1 (its PATCH ignores email), accepted on v2', () => {
  const base = config();
  const v1 = validateRules(config({ writeBack: { enabled: true, attributes: { email: '{{ id.mail }}' } } }));
  assert.ok(v1.some((p) => p.path === 'writeBack.attributes.email' && /v1 cannot change the e-mail address/.test(p.message)), JSON.stringify(v1));
  const v2 = validateRules(config({ source: { ...base.source, apiVersion: 'v2' }, writeBack: { enabled: true, attributes: { email: '{{ id.mail }}' } } }));
  assert.deepEqual(v2, []);
});
