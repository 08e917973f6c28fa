import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadConfigOrThrow, validateConfigText } from './load.js';
import { formatPath, parsePath } from './locate.js';
import { redactSecrets } from './secrets.js';

const MINIMAL = `source:
  type: personio
  clientId: id
  clientSecret: secret-value
targets:
  hr:
    type: sql
    options: { driver: sqlite, path: hr.db, table: people, key: id, correlationColumn: employee_id }
`;

const byPath = (problems: { path: string; message: string; line?: number }[]) => Object.fromEntries(problems.map((p) => [p.path, p]));

describe('validateConfigText', () => {
  test('a minimal config is valid and gets its defaults', () => {
    const r = validateConfigText(MINIMAL);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.store.driver, 'sqlite');
    assert.equal(r.config?.lifecycle.retentionDays, 90);
  });

  test('reports EVERY schema problem with its path and line', () => {
    const text = `source:
  type: personio
  clientId: 42
  clientSecrt: x
store:
  driver: mysql
identifiers:
  username:
    patterns: ["{f}{last}"]
    onNameChange: sometimes
targets:
  hr:
    type: sql
    attributes:
      displayName: 3
entitlements:
  - name: finance
    when: { department: { in: Finance } }
    grant: { hr: [role:finance] }
schedule:
  every: 5 minutes
`;
    const r = validateConfigText(text, 'cadre.yaml');
    assert.equal(r.config, undefined);
    const p = byPath(r.problems);
    assert.deepEqual(Object.keys(p).sort(), [
      'entitlements[0].when.department.in', 'identifiers.username.onNameChange', 'schedule.every', 'source.clientId',
      'source.clientSecret', 'source.clientSecrt', 'store.driver', 'targets.hr.attributes.displayName',
    ]);
    assert.equal(p['source.clientId']?.line, 3);
    assert.equal(p['source.clientId']?.message, 'expected string, got number');
    assert.equal(p['source.clientSecrt']?.line, 4);
    assert.match(p['source.clientSecrt']?.message ?? '', /unknown key "clientSecrt" \(did you mean "clientSecret"\?\)/);
    assert.match(p['source.clientSecret']?.message ?? '', /^missing/);
    assert.equal(p['source.clientSecret']?.line, 1, 'a missing key points at its parent');
    assert.equal(p['store.driver']?.line, 6);
    assert.match(p['store.driver']?.message ?? '', /"sqlite", "postgres"/);
    assert.equal(p['identifiers.username.onNameChange']?.line, 10);
    assert.equal(p['targets.hr.attributes.displayName']?.line, 15);
    assert.equal(p['entitlements[0].when.department.in']?.line, 18);
    assert.equal(p['entitlements[0].when.department.in']?.message, 'expected array, got string');
    assert.equal(p['schedule.every']?.line, 21);
    // sorted by line
    const lines = r.problems.map((x) => x.line ?? 0);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });

  test('an unknown time zone is a problem at its line, in the lifecycle and in AD options', () => {
    const text = `${MINIMAL}  dc:
    type: ad
    options:
      url: ldaps://dc.example.test
      bindDN: CN=svc,DC=example,DC=test
      bindPassword: secret
      baseDN: DC=example,DC=test
      defaultContainer: OU=People,DC=example,DC=test
      upnSuffix: example.test
      timezone: Mars/Olympus
`;
    const bad = byPath(validateConfigText(`${MINIMAL}lifecycle:\n  timezone: Europe/Berln\n`).problems);
    assert.match(bad['lifecycle.timezone']?.message ?? '', /IANA time zone/);
    assert.equal(bad['lifecycle.timezone']?.line, 10);
    // Connector options are checked once the schema passes.
    const p = byPath(validateConfigText(text).problems);
    assert.match(p['targets.dc.options.timezone']?.message ?? '', /IANA time zone/);
    assert.equal(p['targets.dc.options.timezone']?.line, 18);
  });

  test('YAML syntax errors come with line and column', () => {
    const r = validateConfigText('source:\n  type: personio\n  clientId: [unclosed\ntargets: {}\n');
    assert.equal(r.config, undefined);
    assert.ok(r.problems.length >= 1);
    assert.match(r.problems[0]?.message ?? '', /^YAML syntax error: .*\(line \d+, column \d+\)$/);
    assert.ok((r.problems[0]?.line ?? 0) >= 3);
  });

  test('duplicate keys are syntax errors, not silently merged', () => {
    const r = validateConfigText(`${MINIMAL}targets:\n  other: { type: sql }\n`);
    assert.equal(r.config, undefined);
    assert.match(r.problems[0]?.message ?? '', /unique/i);
    assert.equal(r.problems[0]?.line, 9);
  });

  test('empty and non-mapping files are explained', () => {
    assert.match(validateConfigText('').problems[0]?.message ?? '', /empty.*cadre init/);
    assert.match(validateConfigText('- a\n- b\n').problems[0]?.message ?? '', /mapping at the top level/);
  });

  test('cross-references, rules and target options are checked once the schema passes, with lines', () => {
    const text = `${MINIMAL.replace('table: people', 'table: "people; drop"')}  ldap:
    type: ldap
entitlements:
  - name: x
    when: { department: { matches: "([" } }
    grant: { nowhere: [a] }
  - name: y
    grant: {}
thresholds:
  targets:
    ghost: { delete: { count: 1 } }
notifications:
  events:
    joiner: [manager, "not an address"]
`;
    const r = validateConfigText(text);
    assert.ok(r.config, 'schema-valid, so the config is returned');
    const p = byPath(r.problems);
    assert.match(p['targets.ldap.type']?.message ?? '', /unknown target type "ldap" \(known: sql/);
    assert.equal(p['targets.ldap.type']?.line, 10);
    assert.match(p['targets.hr.options.table']?.message ?? '', /plain SQL identifier/);
    assert.equal(p['targets.hr.options.table']?.line, 8);
    assert.ok(p['entitlements[0].grant.nowhere'], 'grant to unknown target (core rules)');
    assert.equal(p['entitlements[0].grant.nowhere']?.line, 14);
    assert.ok(r.problems.some((x) => x.path.startsWith('entitlements[0].when') && x.line === 13), 'bad regex located');
    assert.equal(p['entitlements[1].grant']?.message, 'grants nothing: name at least one target');
    assert.equal(p['thresholds.targets.ghost']?.line, 19);
    assert.equal(p['notifications.events.joiner[1]']?.line, 22);
  });
});

describe('reserved target names', () => {
  test('a target named personio or notify is refused: write-back and notifications travel under those names', () => {
    for (const name of ['personio', 'notify']) {
      const r = validateConfigText(MINIMAL.replace('  hr:\n', `  ${name}:\n`));
      const p = byPath(r.problems);
      assert.match(p[`targets.${name}`]?.message ?? '', /is reserved .* give this target another name/, name);
      assert.equal(p[`targets.${name}`]?.line, 6, 'the line of the target key');
    }
    assert.deepEqual(validateConfigText(MINIMAL).problems, []);
  });
});

describe('paths', () => {
  test('format and parse round-trip, also for dotted numeric and quoted keys', () => {
    const path = ['targets', 'ad', 'placement', 'map', 'Frankfurt am Main', 'x'];
    assert.equal(formatPath(path), 'targets.ad.placement.map["Frankfurt am Main"].x');
    assert.deepEqual(parsePath(formatPath(path)), path);
    assert.deepEqual(parsePath('entitlements[2].grant.ad[0]'), ['entitlements', 2, 'grant', 'ad', 0]);
    assert.deepEqual(parsePath('entitlements.2.when'), ['entitlements', '2', 'when']);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-load-'));

  test('resolves relative paths against the config directory and secrets from the given env', async () => {
    const file = join(dir, 'cadre.yaml');
    writeFileSync(file, MINIMAL.replace('clientSecret: secret-value', 'clientSecret: env:PERSONIO_SECRET_T1').replace('store:', 'x:') + 'store: { driver: sqlite, path: state/cadre.db }\n');
    const { config, problems } = await loadConfig(file, { env: { PERSONIO_SECRET_T1: 'the-personio-secret' } });
    assert.deepEqual(problems, []);
    assert.equal(config?.source.clientSecret, 'the-personio-secret');
    assert.equal(config?.store.driver === 'sqlite' && config.store.path, join(dir, 'state/cadre.db'));
    assert.equal(config?.targets.hr?.options.path, join(dir, 'hr.db'));
    assert.equal(redactSecrets('x the-personio-secret'), 'x [redacted]');
  });

  test('missing secrets are problems with the line of the reference; resolveSecrets:false skips them', async () => {
    const file = join(dir, 'missing-env.yaml');
    writeFileSync(file, MINIMAL.replace('clientSecret: secret-value', 'clientSecret: env:NOT_SET_ANYWHERE_42'));
    const r = await loadConfig(file, { env: {} });
    assert.deepEqual(r.problems, [{ path: 'source.clientSecret', message: 'environment variable NOT_SET_ANYWHERE_42 is not set', line: 4, col: 3 }]);
    const skipped = await loadConfig(file, { env: {}, resolveSecrets: false });
    assert.deepEqual(skipped.problems, []);
  });

  test('a missing file says how to create one', async () => {
    const r = await loadConfig(join(dir, 'nope.yaml'));
    assert.equal(r.config, undefined);
    assert.match(r.problems[0]?.message ?? '', /not found.*cadre init/);
  });

  test('loadConfigOrThrow throws ConfigError (CONFIG_INVALID) listing every problem', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'source: { type: personio }\ntargets: {}\n');
    await assert.rejects(loadConfigOrThrow(file), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.problems.length, 2);
      assert.match(e.message, /bad\.yaml:1 {2}source\.clientId: missing/);
      return true;
    });
  });
});
