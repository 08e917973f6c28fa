import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountState } from '../core/model.js';
import { computePlan } from '../core/planner.js';
import { ids, person, snapshot } from '../core/test-support.js';
import { demoConfig, exampleConfig } from './example.js';
import { loadConfig, validateConfigText } from './load.js';
import type { TargetConfig } from './schema.js';

/** Uncomment the commented-out `ad:`, `entra:` and `scim:` target blocks and their grants. */
function withCommentedTargets(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (/^ {2}# (ad|entra|scim):$/.test(line)) inBlock = true;
    else if (inBlock && !line.startsWith('  #')) inBlock = false;
    if (inBlock) out.push(line.replace(/^ {2}# /, '  '));
    else if (/^ {6}# (ad|entra|scim): \[/.test(line)) out.push(line.replace(/^ {6}# /, '      '));
    else out.push(line);
  }
  return out.join('\n');
}

describe('exampleConfig', () => {
  test('validates with zero problems (schema, cross-references, rules, SQL options)', () => {
    const r = validateConfigText(exampleConfig(), 'cadre.yaml');
    assert.deepEqual(r.problems, []);
    const c = r.config;
    assert.ok(c);
    assert.deepEqual(Object.keys(c.targets), ['phonebook']);
    assert.equal(c.targets.phonebook?.type, 'sql');
    assert.deepEqual(Object.keys(c.identifiers), ['username', 'mail', 'upn']);
    assert.deepEqual(c.identifiers.username?.patterns, ['{first}.{last}', '{f}{last}', '{first:2}{last}', '{first:3}{last}', '{f}{last}{n}']);
    assert.equal(c.identifiers.username?.maxLength, 20);
    assert.equal(c.identifiers.mail?.onNameChange, 'regenerate');
    assert.equal(c.targets.phonebook?.attributes.displayName, '{{ preferredName ?? firstName }} {{ lastName }}');
    assert.equal(c.source.clientId, 'env:PERSONIO_CLIENT_ID');
    assert.ok(c.entitlements.some((e) => e.grant.phonebook?.includes('role:finance')));
    assert.ok(c.entitlements.some((e) => e.grant.phonebook?.includes('group:all-staff')));
  });

  test('starts with the schema modeline and honours the options', () => {
    const text = exampleConfig({ personioUrl: 'http://127.0.0.1:9999', storePath: 'state/db.sqlite', sqlPath: 'x/phone.db', schemaPath: './cadre.schema.json' });
    assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=./cadre.schema.json');
    assert.equal(exampleConfig().split('\n')[0], '# yaml-language-server: $schema=./schema/cadre.schema.json');
    const c = validateConfigText(text).config;
    assert.equal(c?.source.baseUrl, 'http://127.0.0.1:9999');
    assert.equal(c?.store.driver === 'sqlite' && c.store.path, 'state/db.sqlite');
    assert.equal(c?.targets.phonebook?.options.path, 'x/phone.db');
  });

  test('is mostly comments: a new user learns the config from it', () => {
    const lines = exampleConfig().split('\n');
    const comments = lines.filter((l) => l.trim().startsWith('#')).length;
    assert.ok(comments > 100, `only ${comments} comment lines`);
    for (const word of ['env:', 'file:', 'ldaps://dc1.example.com', 'bindPassword: env:AD_BIND_PASSWORD', 'upnSuffix', 'tenantId', 'clientSecret: env:ENTRA_CLIENT_SECRET', 'licence:', 'smtp:', 'writeBack', 'preHireDays']) {
      assert.ok(lines.some((l) => l.includes(word)), `example mentions ${word}`);
    }
  });

  test('the commented AD and Entra examples are valid once uncommented', () => {
    const text = withCommentedTargets(exampleConfig());
    const r = validateConfigText(text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(Object.keys(r.config?.targets ?? {}).sort(), ['ad', 'entra', 'phonebook', 'scim']);
    assert.equal(r.config?.targets.scim?.options.baseUrl, 'https://app.example.com/scim/v2');
    assert.ok(r.config?.entitlements[0]?.grant.scim);
    assert.equal(r.config?.targets.ad?.options.bindPassword, 'env:AD_BIND_PASSWORD');
    assert.equal(r.config?.targets.ad?.reenable, 'ifDisabledByCadre');
    // An adopted legacy account keeps its login: the example does not rename sAMAccountName on take-over.
    assert.deepEqual(r.config?.targets.ad?.createOnly, ['sAMAccountName']);
    assert.equal(r.config?.targets.entra?.type, 'entra');
    // The names the example's rules grant in Entra are mapped to a group and a SKU (unmapped, a plan is refused).
    assert.deepEqual(r.config?.targets.entra?.options.groups, { 'group:all-staff': 'All Staff' });
    assert.deepEqual(r.config?.targets.entra?.options.licences, { 'licence:ENTERPRISEPACK': 'ENTERPRISEPACK' });
    assert.ok(r.config?.entitlements[0]?.grant.ad);
    // A DN in a YAML flow list must be quoted: unquoted, its commas split it into four "OUs".
    assert.deepEqual(r.config?.targets.ad?.options.managedGroupsOUs, ['OU=Groups,DC=example,DC=com']);
    // proxyAddresses is first class (SMTP: + id.mail, smtp: + former addresses), not a hand-written template.
    assert.deepEqual(r.config?.targets.ad?.options.proxyAddresses, { identifiers: ['mail'] });
    assert.ok(!Object.keys(r.config?.targets.ad?.attributes ?? {}).some((a) => a.toLowerCase() === 'proxyaddresses'));
  });

  test('the commented helpdesk forms and protection are valid once uncommented with the AD target', () => {
    const lines = withCommentedTargets(exampleConfig()).split('\n');
    const from = lines.findIndex((l) => l.startsWith('# protection:'));
    assert.ok(from > 0);
    const text = [...lines.slice(0, from), ...lines.slice(from).map((l) => l.replace(/^# ?/, ''))].join('\n');
    const r = validateConfigText(text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config?.forms.map((f) => f.type), ['resetPassword', 'unlock', 'edit', 'disable', 'groups']);
    assert.deepEqual(r.config?.protection.memberOf, ['Domain Admins', 'GG-Tier0']);
  });

  test('the commented access reviews are valid once uncommented', () => {
    const lines = withCommentedTargets(exampleConfig()).split('\n');
    const from = lines.findIndex((l) => l.startsWith('# reviews:'));
    const to = lines.findIndex((l, i) => i > from && l.startsWith('# ── '));
    assert.ok(from > 0 && to > from);
    const text = [...lines.slice(0, from), ...lines.slice(from, to).map((l) => l.replace(/^# ?/, '')), ...lines.slice(to)].join('\n');
    const r = validateConfigText(text);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config?.reviews.templates.map((t) => [t.id, t.reviewers.by, t.default, t.deadline]), [['sales-quarterly', 'manager', 'keep', '14d']]);
  });

  test('a proxyAddresses template next to the AD option is reported with its line; an unknown kind too', () => {
    const text = withCommentedTargets(exampleConfig())
      .replace('      mail: "{{ id.mail }}"                  #', `      proxyAddresses: "{{ concat('SMTP:', id.mail) }}"\n      mail: "{{ id.mail }}"                  #`);
    const r = validateConfigText(text);
    assert.deepEqual(r.problems.map((p) => p.path), ['targets.ad.attributes.proxyAddresses']);
    assert.match(r.problems[0]?.message ?? '', /replace every value, X500: and SIP: included/);
    assert.equal(r.problems[0]?.line, text.split('\n').findIndex((l) => l.includes("proxyAddresses: \"{{ concat('SMTP:'")) + 1);
    const off = validateConfigText(text.replace('proxyAddresses: { identifiers: [mail] }', 'proxyAddresses: false'));
    assert.deepEqual(off.problems, [], 'with the option off the template is the admin\'s choice');
    const unknown = validateConfigText(withCommentedTargets(exampleConfig()).replace('proxyAddresses: { identifiers: [mail] }', 'proxyAddresses: { identifiers: [mail, email] }'));
    assert.deepEqual(unknown.problems.map((p) => p.path), ['targets.ad.options.proxyAddresses.identifiers[1]']);
  });

  test('loads from disk with the Personio variables set; relative paths resolve beside the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadre-example-'));
    const file = join(dir, 'cadre.yaml');
    writeFileSync(file, exampleConfig());
    const r = await loadConfig(file, { env: { PERSONIO_CLIENT_ID: 'client-id-1', PERSONIO_CLIENT_SECRET: 'client-secret-1' } });
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.source.clientSecret, 'client-secret-1');
    assert.equal(r.config?.store.driver === 'sqlite' && r.config.store.path, join(dir, '.cadre/cadre.db'));
    assert.equal(r.config?.targets.phonebook?.options.path, join(dir, '.cadre/phonebook.db'));
    const missing = await loadConfig(file, { env: {} });
    assert.deepEqual(missing.problems.map((p) => p.path), ['source.clientId', 'source.clientSecret']);
  });
});

describe('the example\'s safety settings work as written', () => {
  const cfg = validateConfigText(withCommentedTargets(exampleConfig())).config;
  const caps = { supportsPassword: false, supportsMove: true, supportsRename: false, supportsEnable: true, supportsEntitlements: true, supportsLicences: false, softDelete: false };
  const row = (anchor: string, over: Partial<AccountState>): AccountState => ({ target: 'phonebook', anchor, enabled: true, attributes: {}, entitlements: [], ...over });
  const plan = (persons: ReturnType<typeof person>[], accounts: AccountState[]) => {
    assert.ok(cfg);
    const only = { ...cfg, targets: { phonebook: cfg.targets.phonebook as TargetConfig } };
    return computePlan({
      at: '2025-03-03T10:00:00Z', createdAt: '2025-03-03T10:00:00Z', config: only, snapshot: snapshot(persons), accounts,
      reservations: persons.flatMap((p) => ids(p.id, `u${p.id}`, `u${p.id}@example.com`)),
      targets: { phonebook: { capabilities: caps, correlationAttribute: 'employee_id' } },
    });
  };

  test('a break-glass row is excluded, an IT admin grant needs approval, eleven adoptions are reviewed', () => {
    const admin = person('1', { firstName: 'Ida', lastName: 'Admin', department: 'IT', position: 'System Administrator', employmentType: 'internal' });
    const bg = row('bg', { correlation: '2', entitlements: ['role:break-glass', 'role:it-admin'] });
    const p1 = plan([admin, person('2', { employmentType: 'internal' })], [bg]);
    assert.deepEqual(p1.excluded.map((e) => [e.anchor, e.personId]), [['bg', '2']]);
    assert.ok(!p1.operations.some((o) => o.anchor === 'bg'), 'the break-glass row is never touched');
    assert.deepEqual(p1.breaches.map((b) => [b.action, b.privileged]), [['grant', ['role:it-admin']]]);
    const legacy = Array.from({ length: 11 }, (_, i) => person(String(10 + i), { firstName: `L${i}`, lastName: 'Legacy', employmentType: 'internal' }));
    const p2 = plan(legacy, legacy.map((p) => row(`r${p.id}`, { correlation: p.id })));
    assert.equal(p2.summary['adopt'], 11);
    assert.match(p2.breaches.find((b) => b.action === 'adopt')?.limit ?? '', /thresholds\.adopt: count 11 > 10/);
  });

  test('the AD example\'s correlation template and exclusions validate', () => {
    const ad = cfg?.targets.ad;
    assert.equal(ad?.correlation?.value, 'P-{{ personId }}');
    assert.deepEqual(ad?.exclude.map((e) => Object.keys(e).filter((k) => k !== 'reason')[0]), ['upn', 'dn', 'memberOf']);
    assert.equal('employeeID' in (ad?.attributes ?? {}), false, 'the correlation attribute is Cadre\'s, not mapped by hand');
  });
});

describe('demoConfig', () => {
  test('validates with zero problems and has three SQL targets with different mappings and rules', () => {
    const r = validateConfigText(demoConfig({ personioUrl: 'http://127.0.0.1:4567', storePath: '/tmp/d/cadre.db', sqlPath: '/tmp/d/targets.db' }));
    assert.deepEqual(r.problems, []);
    const c = r.config;
    assert.ok(c);
    assert.equal(c.source.baseUrl, 'http://127.0.0.1:4567');
    assert.equal(c.store.driver === 'sqlite' && c.store.path, '/tmp/d/cadre.db');
    const names = Object.keys(c.targets);
    assert.equal(names.length, 3);
    const tables = new Set<unknown>();
    const columns = new Set<string>();
    for (const name of names) {
      const t: TargetConfig | undefined = c.targets[name];
      assert.equal(t?.type, 'sql');
      assert.equal(t?.options.driver, 'sqlite');
      assert.equal(t?.options.path, '/tmp/d/targets.db');
      tables.add(t?.options.table);
      columns.add(JSON.stringify(t?.options.columns));
      assert.ok(c.entitlements.some((e) => e.grant[name] !== undefined), `some rule grants in ${name}`);
    }
    assert.equal(tables.size, 3, 'each target has its own table');
    assert.equal(columns.size, 3, 'each target maps columns differently');
  });

  test('defaults keep demo state under .cadre/demo', () => {
    const c = validateConfigText(demoConfig()).config;
    assert.equal(c?.store.driver === 'sqlite' && c.store.path, '.cadre/demo/cadre.db');
  });
});
