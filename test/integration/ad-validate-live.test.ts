/**
 * Config mistakes against the real Samba AD DC: `cadre validate --live` (bad password, a low-privilege service
 * account, a missing OU, a mistyped group and OU, the correlation index) and a plan whose rule grants a group
 * that does not exist — refused with exit 2 instead of revoking the real group from everyone.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import type { Plan } from '../../src/core/model.js';
import type { SystemFinding } from '../../src/engine/live-check.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { adE2eConfig, adE2eTree, addRawUser, createTree, many, one, rawAdmin, removeTree, usersWithEmployeeId, type AdE2eTree } from '../support/ad-e2e-config.js';
import { employee } from '../support/personio-fixture.js';
import { sambaCaFile, sambaCtl } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex');
// Own root prefix: other suites remove stale "Cadre E2E" trees while they start.
const tree: AdE2eTree = Object.fromEntries(Object.entries(adE2eTree('live', RUN)).map(([k, v]) => [k, k === 'run' ? v : v.replace(`OU=Cadre E2E live ${RUN}`, `OU=Cadre Live ${RUN}`)])) as unknown as AdE2eTree;
const LOW_DN = `CN=Cadre Lowpriv ${RUN},${tree.foreign}`;
const LOW_PASSWORD = 'L0w!Priv-Passw0rd';
const ADMIN_PASSWORD = 'Adm1n!Passw0rd';
const AT = '2026-06-15T10:00:00Z';

describe('AD: config mistakes are caught before they hurt', () => {
  let dir: string;
  let admin: Client;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let good: string;

  /** Write a variant of the working config and return its path. */
  const variant = (name: string, edit: (yaml: string) => string): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, edit(adE2eConfig({ dir, personioUrl: personio.url, tree })));
    return file;
  };
  const live = async (file: string): Promise<{ code: number | null; findings: SystemFinding[]; text: string }> => {
    const r = await runCli(['validate', '--live', '--json', '--config', file], { timeoutMs: 120_000 });
    const parsed = JSON.parse(r.stdout) as { live?: SystemFinding[] };
    return { code: r.code, findings: parsed.live ?? [], text: r.stdout + r.stderr };
  };
  const codes = (f: readonly SystemFinding[], severity = 'error'): string[] => f.filter((x) => x.severity === severity).map((x) => x.code).sort();

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await createTree(admin, tree);
    // A plain domain user: may read the directory, may not create accounts or change groups.
    await addRawUser(admin, LOW_DN, { sAMAccountName: `lp-${RUN}`, userPrincipalName: `lp-${RUN}@example.com` }, LOW_PASSWORD);
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-live-'));
    personio = await startPersonioSimulator({
      port: 0, host: '127.0.0.1',
      employees: [
        employee({ id: 1, first: 'Fiona', last: 'Finanz', department: 'Finance', office: 'Berlin' }),
        employee({ id: 2, first: 'Frank', last: 'Finanz', department: 'Finance', office: 'Hamburg' }),
        employee({ id: 3, first: 'Sven', last: 'Sales', department: 'Sales', office: 'Berlin' }),
      ],
    });
    good = variant('good', (y) => y);
  });
  after(async () => {
    await personio?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a working config passes: bind, OUs, create and member-write rights, names; the index state matches the schema', async () => {
    const r = await live(good);
    assert.equal(r.code, 0, r.text);
    assert.deepEqual(codes(r.findings), []);
    assert.ok(r.findings.some((f) => f.system === 'source' && f.code === 'PERSONIO_READ' && /3 employees/.test(f.message)), r.text);
    assert.ok(r.findings.some((f) => f.system === 'ad' && f.code === 'AD_BIND'));
    assert.ok(r.findings.some((f) => f.system === 'ad' && f.code === 'CONFIG_NAMES'));
    // Independently: is employeeID indexed (searchFlags bit 0) in this DC's schema?
    const schema = (await admin.search('', { scope: 'base', attributes: ['schemaNamingContext'] })).searchEntries[0];
    const attr = (await admin.search(one(schema as never, 'schemaNamingContext') as string, { scope: 'one', filter: '(lDAPDisplayName=employeeID)', attributes: ['searchFlags'] })).searchEntries[0];
    const indexed = (Number(one(attr as never, 'searchFlags') ?? '0') & 1) === 1;
    assert.equal(r.findings.some((f) => f.code === 'AD_ATTRIBUTE_NOT_INDEXED'), !indexed);
    const human = await runCli(['--config', good, 'validate', '--live'], { timeoutMs: 120_000 });
    assert.equal(human.code, 0, human.stdout + human.stderr);
    assert.match(human.stdout, /Live checks:[\s\S]*✓ bound to ldaps:\/\/127\.0\.0\.1:636[\s\S]*Ready/);
  });

  test('a wrong bind password: one finding with a hint, exit 2, the password never printed', async () => {
    const r = await live(variant('badpw', (y) => y.replace(JSON.stringify(ADMIN_PASSWORD), JSON.stringify('Wr0ng!Secret-xyz'))));
    assert.equal(r.code, 2, r.text);
    const f = r.findings.find((x) => x.system === 'ad');
    assert.equal(f?.code, 'AD_AUTH_FAILED', r.text);
    assert.match(f?.hint ?? '', /bindPassword/);
    assert.ok(!r.text.includes('Wr0ng!Secret-xyz'));
    assert.equal(r.findings.filter((x) => x.system === 'ad').length, 1, 'nothing else is checked without a bind');
  });

  test('caFile trusted, but the URL is an IP the certificate does not name: the hint says so (not "set caFile")', async () => {
    const ca = sambaCaFile();
    const r = await live(variant('ip', (y) => y.replace('insecure: true', `caFile: ${JSON.stringify(ca)}`)));
    assert.equal(r.code, 2, r.text);
    const f = r.findings.find((x) => x.system === 'ad');
    assert.match(f?.message ?? '', /altnames/, r.text);
    assert.match(f?.hint ?? '', /issued to another name than the host in options\.url/);
    assert.doesNotMatch(f?.hint ?? '', /set options\.caFile/);
  });

  test('a low-privilege service account: cannot create users in the OUs, cannot change the managed groups', async () => {
    const r = await live(variant('lowpriv', (y) => y.replace(JSON.stringify('CN=Administrator,CN=Users,DC=example,DC=test'), JSON.stringify(LOW_DN)).replace(JSON.stringify(ADMIN_PASSWORD), JSON.stringify(LOW_PASSWORD))));
    assert.equal(r.code, 2, r.text);
    const denied = r.findings.filter((f) => f.code === 'AD_CREATE_DENIED').map((f) => f.message);
    for (const ou of [tree.staff, tree.berlin, tree.muenchen, tree.hamburg, tree.externals, tree.disabled]) {
      assert.ok(denied.some((m) => m.includes(ou)), `create denied in ${ou}: ${r.text}`);
    }
    const groups = r.findings.filter((f) => f.code === 'AD_GROUP_WRITE_DENIED');
    assert.ok(groups.some((f) => f.message.includes(`CN=GG-Finance,${tree.groups}`)), r.text);
    assert.ok(groups.every((f) => /Write Members/.test(f.hint)));
    assert.ok(!r.findings.some((f) => f.code === 'AD_AUTH_FAILED'));
    // The same account with full rights (Administrator) had none of these: the check reads effective rights.
    assert.deepEqual(codes((await live(good)).findings), []);
  });

  test('a missing usersOU, a mistyped placement OU and a mistyped group: each named, with "did you mean"', async () => {
    const r = await live(variant('typos', (y) => y
      .replace(`usersOU: ${JSON.stringify(tree.staff)}`, `usersOU: ${JSON.stringify(tree.staff.replace('OU=Staff', 'OU=Stafff'))}`)
      .replace(`Berlin: ${JSON.stringify(tree.berlin)}`, `Berlin: ${JSON.stringify(tree.berlin.replace('OU=Berlin', 'OU=Berln'))}`)
      .replace('grant: { ad: ["GG-Finance"] }', 'grant: { ad: ["GG-Financ"] }')));
    assert.equal(r.code, 2, r.text);
    assert.deepEqual(codes(r.findings), ['AD_CONTAINER_MISSING', 'CONTAINER_UNKNOWN', 'ENTITLEMENT_UNKNOWN'], r.text);
    const msg = (code: string): string => r.findings.find((f) => f.code === code)?.message ?? '';
    assert.match(msg('AD_CONTAINER_MISSING'), /options\.usersOU OU=Stafff/);
    assert.equal(msg('ENTITLEMENT_UNKNOWN'), 'rule finance grants GG-Financ in ad, which does not exist: did you mean GG-Finance?');
    assert.equal(msg('CONTAINER_UNKNOWN'), `targets.ad.placement.map["Berlin"] places accounts in ${tree.berlin.replace('OU=Berlin', 'OU=Berln')}, which does not exist in ad: did you mean ${tree.berlin}?`);
  });

  test('an unknown correlation attribute is an error', async () => {
    const r = await live(variant('corr', (y) => y.replace('upnSuffix: example.com', 'upnSuffix: example.com\n      correlationAttribute: cadreNoSuchAttr')));
    assert.ok(codes(r.findings).includes('AD_ATTRIBUTE_UNKNOWN'), r.text);
  });

  test('a plan whose rule grants a mistyped group is refused (exit 2): the real group is not revoked from anyone', async () => {
    const first = await runCli(['--config', good, 'sync', '--quiet', '--at', AT], { timeoutMs: 170_000 });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const members = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const pid of [1, 2]) {
        const [u] = await usersWithEmployeeId(admin, pid, tree.base);
        if (u && many(u.entry, 'memberOf').some((g) => g.toLowerCase() === `CN=GG-Finance,${tree.groups}`.toLowerCase())) out.push(String(pid));
      }
      return out;
    };
    assert.deepEqual(await members(), ['1', '2']);

    const typo = variant('typo-plan', (y) => y.replace('grant: { ad: ["GG-Finance"] }', 'grant: { ad: ["GG-Financ"] }'));
    const plan = await runCli(['--json', '--config', typo, 'plan', '--at', AT], { timeoutMs: 170_000 });
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    const p = JSON.parse(plan.stdout) as Plan;
    assert.deepEqual(p.blockers.map((b) => [b.code, b.message, b.persons]), [['ENTITLEMENT_UNKNOWN', 'rule finance grants GG-Financ in ad, which does not exist: did you mean GG-Finance?', 2]]);
    const text = await runCli(['plan', '--at', AT, '--config', typo], { timeoutMs: 170_000 });
    assert.equal(text.code, 2);
    assert.match(text.stdout, /Config errors \(1\): nothing is applied until they are fixed/);

    const sync = await runCli(['sync', '--at', AT, '--approve', '--config', typo], { timeoutMs: 170_000 });
    assert.equal(sync.code, 2, sync.stdout + sync.stderr);
    assert.match(sync.stderr, /PLAN_INVALID: nothing was applied: rule finance grants GG-Financ in ad/);
    assert.deepEqual(await members(), ['1', '2'], 'GG-Finance is still held by both');
    const audit = await runCli(['audit', 'export', '--format', 'json', '--config', typo]);
    assert.ok(audit.stdout.includes('plan.refused'), 'the refusal is audited');
  });
});
