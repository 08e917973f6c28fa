/**
 * Config mistakes against the Graph simulator: `cadre validate --live` (bad secret, missing permissions, a licence
 * the tenant does not subscribe, a mapped group that does not exist) and a plan granting a mistyped group —
 * refused with exit 2, the real group kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Plan } from '../../src/core/model.js';
import type { SystemFinding } from '../../src/engine/live-check.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/targets/entra/simulator/index.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT, entraE2eConfig } from '../support/entra-e2e-config.js';
import { employee } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const LOW_CLIENT = { clientId: '6a1d3c0e-0000-4000-8000-00000000low1', clientSecret: 'low-only-secret~not-real', roles: ['User.Read.All'] };
/** Everything but the Temporary Access Pass permission. */
const NOTAP_CLIENT = { clientId: '6a1d3c0e-0000-4000-8000-0000000notap', clientSecret: 'notap-only-secret~not-real', roles: ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] };

describe('Entra: config mistakes are caught before they hurt', () => {
  let dir: string;
  let graph: GraphSimulator;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let good: string;

  const variant = (name: string, edit: (yaml: string) => string): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, edit(entraE2eConfig({ dir, personioUrl: personio.url, graphUrl: graph.url, tenantId: graph.tenantId })));
    return file;
  };
  const live = async (file: string): Promise<{ code: number | null; findings: SystemFinding[]; text: string }> => {
    const r = await runCli(['--json', 'validate', '--live', '--config', file], { timeoutMs: 120_000 });
    return { code: r.code, findings: (JSON.parse(r.stdout) as { live?: SystemFinding[] }).live ?? [], text: r.stdout + r.stderr };
  };
  const errors = (f: readonly SystemFinding[]): SystemFinding[] => f.filter((x) => x.severity === 'error');
  const financeMembers = (): string[] => {
    const g = [...graph.state.groups.values()].find((x) => x.props.displayName === 'Finance');
    return [...graph.state.users.values()].filter((u) => graph.state.memberOf(u.id).some((m) => m.id === g?.id)).map((u) => String(u.props.employeeId)).sort();
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-entra-live-'));
    personio = await startPersonioSimulator({
      port: 0, host: '127.0.0.1',
      employees: [
        employee({ id: 1, first: 'Fiona', last: 'Finanz', department: 'Finance', office: 'Berlin' }),
        employee({ id: 2, first: 'Sven', last: 'Sales', department: 'Sales', office: 'Berlin' }),
      ],
    });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }, LOW_CLIENT, NOTAP_CLIENT], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [
        { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', prepaidUnits: 10 },
        { skuId: '66b55226-6b4f-492c-910c-a3b7a3c9d993', skuPartNumber: 'SPE_F1', prepaidUnits: 10 },
      ],
    });
    for (const name of ['All Staff', 'Finance', 'Sales', 'Engineering']) {
      graph.state.createGroup({ displayName: name, mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''), mailEnabled: false, securityEnabled: true });
    }
    good = variant('good', (y) => y);
  });
  after(async () => {
    await graph?.close();
    await personio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a working config passes: token, permissions, a read, licences and groups', async () => {
    const r = await live(good);
    assert.equal(r.code, 0, r.text);
    assert.deepEqual(errors(r.findings), []);
    assert.deepEqual(r.findings.filter((f) => f.system === 'entra').map((f) => f.code), ['ENTRA_TOKEN', 'ENTRA_READ', 'CONFIG_NAMES']);
  });

  test('a bad client secret: one finding with a hint, exit 2, the secret never printed', async () => {
    const r = await live(variant('badsecret', (y) => y.replace(JSON.stringify(E2E_CLIENT.clientSecret), JSON.stringify('typo-secret~value'))));
    assert.equal(r.code, 2, r.text);
    const mine = r.findings.filter((f) => f.system === 'entra');
    assert.equal(mine.length, 1, r.text);
    assert.equal(mine[0]?.code, 'ENTRA_AUTH');
    assert.match(mine[0]?.hint ?? '', /clientSecret.*Value \(not its Secret ID\)/);
    assert.ok(!r.text.includes('typo-secret~value'));
  });

  test('an app without the needed application permissions: each missing one named', async () => {
    const r = await live(variant('lowroles', (y) => y.replace(JSON.stringify(E2E_CLIENT.clientId), JSON.stringify(LOW_CLIENT.clientId)).replace(JSON.stringify(E2E_CLIENT.clientSecret), JSON.stringify(LOW_CLIENT.clientSecret))));
    assert.equal(r.code, 2, r.text);
    const missing = r.findings.filter((f) => f.code === 'ENTRA_PERMISSION_MISSING').map((f) => /permission (\S+)/.exec(f.message)?.[1]);
    assert.deepEqual(missing, ['User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'LicenseAssignment.ReadWrite.All']);
    assert.ok(r.findings.every((f) => f.code !== 'ENTRA_PERMISSION_MISSING' || /admin consent/.test(f.hint)));
  });

  test('with passwordDelivery tap the app also needs UserAuthenticationMethod.ReadWrite.All', async () => {
    const tap = (y: string): string => `${y}\nnotifications: { passwordDelivery: tap }\n`;
    assert.deepEqual(errors((await live(variant('tap', tap))).findings), [], 'the default app has it');
    const r = await live(variant('notap', (y) => tap(y.replace(JSON.stringify(E2E_CLIENT.clientId), JSON.stringify(NOTAP_CLIENT.clientId)).replace(JSON.stringify(E2E_CLIENT.clientSecret), JSON.stringify(NOTAP_CLIENT.clientSecret)))));
    assert.equal(r.code, 2, r.text);
    assert.deepEqual(r.findings.filter((f) => f.code === 'ENTRA_PERMISSION_MISSING').map((f) => /permission (\S+)/.exec(f.message)?.[1]), ['UserAuthenticationMethod.ReadWrite.All']);
    // Without tap the same app is fine.
    assert.deepEqual(errors((await live(variant('notap-console', (y) => y.replace(JSON.stringify(E2E_CLIENT.clientId), JSON.stringify(NOTAP_CLIENT.clientId)).replace(JSON.stringify(E2E_CLIENT.clientSecret), JSON.stringify(NOTAP_CLIENT.clientSecret))))).findings), []);
  });

  test('a licence the tenant does not subscribe and a mapped group that does not exist', async () => {
    const r = await live(variant('sku', (y) => y.replace('"licence:e3": "SPE_E3"', '"licence:e3": "SPE_E5"').replace('"grp:sales": "Sales"', '"grp:sales": "Sails"')));
    assert.equal(r.code, 2, r.text);
    const by = (code: string): string[] => r.findings.filter((f) => f.code === code).map((f) => f.message);
    assert.deepEqual(by('ENTRA_LICENCE_UNKNOWN'), ['options.licences.licence:e3 names SPE_E5, which is not subscribed in this tenant: did you mean SPE_E3?']);
    assert.match(by('ENTRA_GROUP_NOT_FOUND')[0] ?? '', /options\.groups\.grp:sales \(Sails\)/);
    // The rules granting them are named as well: a plan would refuse to run.
    assert.deepEqual(by('ENTITLEMENT_UNKNOWN').sort(), [
      'rule engineering grants licence:e3 in entra, which does not exist: options.licences maps it to SPE_E5, which this tenant does not subscribe',
      'rule finance grants licence:e3 in entra, which does not exist: options.licences maps it to SPE_E5, which this tenant does not subscribe',
      'rule sales grants grp:sales in entra, which does not exist: options.groups maps it to Sails, and no group has that name or id',
    ]);
    // Unmapped, a licence name is looked up as a group: the hint names both mappings.
    const unmapped = await live(variant('unmapped', (y) => y.replace('"licence:e3": "SPE_E3"', '"licence:x": "SPE_E3"')));
    const f = unmapped.findings.find((x) => x.code === 'ENTITLEMENT_UNKNOWN' && x.message.includes('licence:e3'));
    assert.match(f?.hint ?? '', /map the name in targets\.entra\.options: groups .* or licences \(name → SKU part number/, unmapped.text);
  });

  test('a plan granting a mistyped group is refused with a suggestion; the real group stays', async () => {
    const first = await runCli(['sync', '--quiet', '--at', AT, '--config', good], { timeoutMs: 170_000 });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(financeMembers(), ['1']);
    const typo = variant('typo', (y) => y.replace('grant: { entra: ["grp:finance", "licence:e3"] }', 'grant: { entra: ["grp:finanse", "licence:e3"] }'));
    const plan = await runCli(['--config', typo, '--json', 'plan', '--at', AT], { timeoutMs: 170_000 });
    assert.equal(plan.code, 2, plan.stderr);
    const p = JSON.parse(plan.stdout) as Plan;
    assert.deepEqual(p.blockers.map((b) => b.message), ['rule finance grants grp:finanse in entra, which does not exist: did you mean grp:finance?']);
    const sync = await runCli(['--config', typo, 'sync', '--at', AT], { timeoutMs: 170_000 });
    assert.equal(sync.code, 2);
    assert.deepEqual(financeMembers(), ['1']);
  });
});
