/**
 * Acceptance of issue 10 end to end: Personio simulator → the real `cadre sync` CLI → AD (the shared Samba DC, this
 * run's own OU tree) + Entra (Graph simulator) + a SCIM app (the scimmy server), with a REST target as the
 * offboarding webhook and a real SMTP server. Every result is read on the systems themselves (raw LDAP as
 * Administrator, the Graph simulator's tenant state and request log, SCIM over HTTP, the REST receiver, the
 * Personio simulator's records, the SMTP server's parsed messages), never through Cadre's connectors.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import type { ParsedMail } from 'mailparser';
import { targetGuard } from '../../src/config/schema.js';
import type { Operation, Plan } from '../../src/core/model.js';
import { createAdTarget } from '../../src/targets/ad/index.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { startGraphSimulator, type GraphSimulator, type SimUser } from '../../src/targets/entra/simulator/index.js';
import { adE2eTree, createTree, one, parentOf, rawAdmin, removeStaleTrees, removeTree, sameDnText, usersWithEmployeeId, type RawUser } from '../support/ad-e2e-config.js';
import { runCli } from '../support/cli.js';
import { E2E_CLIENT } from '../support/entra-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { startRestReceiver, type RestReceiver } from '../support/rest-receiver.js';
import { quietLog, sambaCtl } from '../support/samba.js';
import { startScimServer, type ScimServer } from '../support/scim-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { IT_DESK, THREE_TARGET_ENV, writeThreeTargetConfig } from '../support/three-target-e2e-config.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const RUN = randomBytes(3).toString('hex');
const tree = adE2eTree('three', RUN);
// sAMAccountNames are domain-wide on the shared DC: the run suffix keeps these people apart from other runs'.
const MANAGER: EmployeeSpec = { id: 1, first: 'Mia', last: `Chef${RUN}`, email: `mia.chef-${RUN}@example.com`, department: 'Sales', office: 'Berlin' };
const JOINER: EmployeeSpec = { id: 2, first: 'Jan', last: `Neu${RUN}`, email: `jan.neu-${RUN}@example.com`, department: 'Sales', office: 'Berlin', supervisorId: 1, hireDate: day(0) };
const LEAVER: EmployeeSpec = { id: 3, first: 'Lea', last: `Weg${RUN}`, email: `lea.weg-${RUN}@example.com`, department: 'Sales', office: 'Berlin', supervisorId: 1 };
const USERNAME = (s: EmployeeSpec): string => `${String(s.first).toLowerCase()}.${String(s.last).toLowerCase()}`;

/**
 * A fixture employee with the custom attribute the UPN is written back to (the fixture has the mail one); the
 * manager reads German (Personio `language_code`), everyone else gets the default language (English).
 */
function withUpnField(s: EmployeeSpec): ReturnType<typeof employee> {
  const e = employee(s);
  e.attributes['dynamic_1004'] = { label: 'UPN', value: null, type: 'standard', universal_id: null };
  if (s.id === MANAGER.id) e.attributes['language_code'] = { label: 'Language', value: 'de', type: 'standard', universal_id: 'language_code' };
  return e;
}

describe('three targets end to end: Personio simulator → cadre sync → AD + Entra + SCIM', () => {
  let dir: string;
  let config: string;
  let env: NodeJS.ProcessEnv;
  let admin: Client;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let graph: GraphSimulator;
  let scim: ScimServer;
  let hook: RestReceiver;
  let smtp: TestSmtpServer;

  const cli = async (args: string[], file = config): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    runCli([...args, '--config', file], { env, timeoutMs: 170_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await cli(args);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await ok(['plan', '--json', '--at', at])) as Plan;
  const adUser = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `one AD account with employeeID ${pid}`);
    return found[0] as RawUser;
  };
  const entraUser = (pid: number): SimUser => {
    const found = graph.state.liveUsers().filter((u) => u.props.employeeId === String(pid));
    assert.equal(found.length, 1, `one Entra user with employeeId ${pid}`);
    return found[0] as SimUser;
  };
  const scimUser = async (pid: number): Promise<Record<string, unknown>> => {
    const res = await fetch(`${scim.url}/Users?filter=${encodeURIComponent(`externalId eq "${pid}"`)}`, { headers: { authorization: `Bearer ${scim.token}` } });
    assert.equal(res.status, 200);
    const body = await res.json() as { Resources?: Record<string, unknown>[] };
    assert.equal(body.Resources?.length, 1, `one SCIM user with externalId ${pid}`);
    return body.Resources?.[0] as Record<string, unknown>;
  };
  const hookAccount = (pid: number): Record<string, unknown> => {
    const found = [...hook.accounts.values()].filter((a) => a['externalId'] === String(pid));
    assert.equal(found.length, 1, `one hook account for ${pid}`);
    return found[0] as Record<string, unknown>;
  };
  const mailsTo = (addr: string, subject: RegExp): ParsedMail[] =>
    smtp.messages.filter((m, i) => smtp.envelopes[i]?.to.some((t) => t.toLowerCase() === addr.toLowerCase()) && subject.test(m.subject ?? ''));
  const custom = (pid: number, key: string): unknown => (personio.company.get(String(pid)) as { attributes: Record<string, { value: unknown }> }).attributes[key]?.value;

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeStaleTrees(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-three-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [MANAGER, JOINER, LEAVER].map(withUpnField) });
    graph = await startGraphSimulator({
      port: 0, host: '127.0.0.1', clients: [{ ...E2E_CLIENT }], verifiedDomains: ['example.onmicrosoft.com', 'example.com'],
      skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', prepaidUnits: 10 }],
    });
    graph.state.createGroup({ displayName: 'All Staff', mailNickname: 'allstaff', mailEnabled: false, securityEnabled: true });
    scim = await startScimServer();
    hook = await startRestReceiver(THREE_TARGET_ENV.E2E_HOOK_SECRET);
    smtp = await startSmtpServer();
    env = { ...THREE_TARGET_ENV, E2E_SCIM_TOKEN: scim.token };
    config = writeThreeTargetConfig({ dir, personioUrl: personio.url, tree, graph: { url: graph.url, tenantId: graph.tenantId }, scimUrl: scim.url, hookUrl: hook.url, smtpPort: smtp.port });
  });
  after(async () => {
    await Promise.all([personio?.close(), graph?.close(), scim?.close(), hook?.close(), smtp?.close()].map((p) => p?.catch(() => undefined)));
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('validate --live: hiding from address lists is refused on a directory without the Exchange schema (Samba)', async () => {
    const hide = writeThreeTargetConfig({
      dir, file: 'hide.yaml', personioUrl: personio.url, tree, graph: { url: graph.url, tenantId: graph.tenantId }, scimUrl: scim.url, hookUrl: hook.url, smtpPort: smtp.port,
      moreSteps: '    - step: hideFromAddressLists\n      targets: [ad]',
    });
    const r = await cli(['validate', '--live'], hide);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /AD_SCHEMA_NO_EXCHANGE/);
    assert.match(r.stdout + r.stderr, /msExchHideFromAddressLists/);
    // Without the step the same systems validate.
    const plain = await cli(['validate', '--live']);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  });

  test('joiner: one identifier in AD, Entra and the SCIM app; the manager gets the joiner mail; UPN and mail written back', async () => {
    await ok(['sync', '--quiet', '--at', AT]);
    const upn = `${USERNAME(JOINER)}@example.com`;
    const mail = `jan.neu${RUN}@example.com`;
    const ad = await adUser(2);
    assert.equal(one(ad.entry, 'sAMAccountName'), USERNAME(JOINER));
    assert.equal(one(ad.entry, 'userPrincipalName'), upn);
    assert.equal(one(ad.entry, 'mail'), mail);
    assert.equal(one(ad.entry, 'userAccountControl'), '512', 'enabled on the hire date');
    assert.deepEqual(ad.groups, ['GG-All-Staff', 'GG-Sales']);
    const entra = entraUser(2);
    assert.equal(entra.props.userPrincipalName, upn);
    assert.equal(entra.props.mailNickname, USERNAME(JOINER));
    assert.equal(entra.props.accountEnabled, true);
    assert.deepEqual(((entra.props.assignedLicenses as { skuId: string }[] | null) ?? []).map((l) => l.skuId), [E3]);
    const saas = await scimUser(2);
    assert.equal(saas['userName'], upn);
    assert.equal(saas['active'], true);
    assert.equal(hookAccount(2)['userName'], USERNAME(JOINER));

    // The joiner mail reaches the manager (her Personio address) in her language, German, over STARTTLS; the IT desk
    // gets it in the default language. Neither carries the password (delivered through the console by default).
    const toManager = await waitForMail(smtp, () => mailsTo(String(MANAGER.email), /Jan Neu/));
    assert.equal(toManager.length, 1);
    assert.match(toManager[0]?.subject ?? '', /^Neue Kollegin\/neuer Kollege: Konten für Jan Neu\w+ sind bereit$/);
    const text = toManager[0]?.text ?? '';
    assert.match(text, /beginnt am 15\.06\.2026/);
    assert.ok(text.includes(`ad: Anmeldename ${USERNAME(JOINER)}`), text);
    const toIt = mailsTo(IT_DESK, /Jan Neu/);
    assert.equal(toIt.length, 1);
    assert.match(toIt[0]?.subject ?? '', /^New colleague: accounts for Jan Neu\w+ are ready$/);
    for (const m of [...toManager, ...toIt]) {
      assert.doesNotMatch(`${m.text ?? ''}${String(m.html)}`, /PASSWORT|PASSWORD:|CONFIDENTIAL|VERTRAULICH/);
    }
    assert.equal(smtp.messages.filter((m) => /Passwort|password/i.test(m.subject ?? '')).length, 0, 'no password mail');
    assert.ok(smtp.envelopes.every((e) => e.secure), 'every mail over STARTTLS');

    // Written back to Personio: the mail address and the UPN.
    assert.equal(custom(2, 'dynamic_1003'), mail);
    assert.equal(custom(2, 'dynamic_1004'), upn);

    const again = await plan(AT);
    assert.deepEqual(again.operations.map((o) => `${o.target}:${o.action}:${o.personId}`), [], 'a second plan has nothing to do');
  });

  test('leaver: disabled in all three at the end of the last day; the offboarding steps run once, with mails to the manager and IT', async () => {
    personio.company.upsert(withUpnField({ ...LEAVER, lastWorkingDay: day(1), terminationDate: day(30) }));
    assert.deepEqual((await plan(noon(1))).operations.filter((o) => o.personId === '3' && o.action !== 'writeBack').map((o) => o.action), [], 'nothing before the end of the last day');
    const p = await plan(noon(2));
    const mine = p.operations.filter((o) => o.personId === '3');
    const brief = mine.map((o) => `${o.target}:${o.action}${o.action === 'offboard' ? `:${o.step}` : o.entitlement ? `:${o.entitlement}` : ''}`);
    for (const x of ['ad:disable', 'entra:disable', 'saas:disable', 'hook:disable', 'ad:revoke:GG-All-Staff', 'ad:revoke:GG-Sales',
      'entra:revoke:grp:all-staff', 'entra:revoke:licence:e3', 'entra:offboard:revokeSessions', 'hook:offboard:webhook', 'hook:offboard:homeFolder']) {
      assert.ok(brief.includes(x), `${x} planned: ${brief.join(' ')}`);
    }
    assert.ok(mine.filter((o) => o.action === 'revoke' || o.action === 'offboard').every((o) => o.reason.source === 'offboarding'));
    const text = await ok(['plan', '--at', noon(2)]);
    assert.match(text, /offboard revokeSessions/);

    const revokesBefore = graph.log.filter((l) => l.method === 'POST' && /revokeSignInSessions$/.test(l.path)).length;
    await ok(['sync', '--quiet', '--at', noon(2)]);

    const ad = await adUser(3);
    assert.equal(one(ad.entry, 'userAccountControl'), '514', 'AD account disabled');
    assert.ok(sameDnText(parentOf(ad.dn), tree.disabled), 'moved to the disabled OU');
    assert.deepEqual(ad.groups, [], 'removed from every managed group');
    const entra = entraUser(3);
    assert.equal(entra.props.accountEnabled, false);
    assert.deepEqual((entra.props.assignedLicenses as unknown[] | null) ?? [], [], 'licence removed');
    assert.deepEqual(graph.state.memberOf(entra.id).map((g) => g.props.displayName), []);
    assert.equal(graph.log.filter((l) => l.method === 'POST' && l.path === `/v1.0/users/${entra.id}/revokeSignInSessions`).length - revokesBefore, 1, 'sessions revoked once');
    assert.ok(typeof entra.props.signInSessionsValidFromDateTime === 'string');
    assert.equal((await scimUser(3))['active'], false, 'SCIM account deactivated');
    const h = hookAccount(3);
    assert.equal(h['enabled'], false);
    const calls = hook.requests.filter((r) => r.method === 'PATCH' && r.body.includes('"offboarding"')).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const home = `\\\\fs1\\home\\${USERNAME(LEAVER)}`;
    assert.deepEqual(calls.map((c) => c['offboarding']).sort(), ['homeFolder', 'webhook']);
    assert.deepEqual(calls.find((c) => c['offboarding'] === 'homeFolder'), { offboarding: 'homeFolder', endDate: day(1), homeFolder: home, handedTo: '1' });
    assert.equal(one(ad.entry, 'homeDirectory'), home);

    // Mails: the home folder handover to the manager; the offboarding summary to the manager and IT.
    const summary = (addr: string): ParsedMail[] => mailsTo(addr, /Lea Weg/).filter((m) => /Offboarding steps|Austrittsschritte/.test(m.text ?? ''));
    await waitForMail(smtp, () => (summary(String(MANAGER.email)).length > 0 && summary(IT_DESK).length > 0 ? summary(IT_DESK) : []));
    assert.match(summary(String(MANAGER.email))[0]?.subject ?? '', /^Konten von Lea Weg\w+ wurden deaktiviert$/);
    assert.match(summary(String(MANAGER.email))[0]?.text ?? '', /Austrittsschritte/);
    assert.match(summary(IT_DESK)[0]?.subject ?? '', /^Accounts of Lea Weg\w+ were disabled$/);
    assert.match(summary(IT_DESK)[0]?.text ?? '', /Offboarding steps/);
    for (const addr of [String(MANAGER.email), IT_DESK]) {
      const [m] = summary(addr);
      for (const line of ['entra: sign-in sessions revoked', 'hook: called', `ad: home folder ${home} handed over to the manager`, 'ad: removed from group GG-Sales', 'entra: licence licence:e3 removed']) {
        assert.ok((m?.text ?? '').includes(line), `${addr}: "${line}" in\n${m?.text ?? ''}`);
      }
    }
    const handover = mailsTo(String(MANAGER.email), /Lea Weg/).filter((m) => (m.text ?? '').includes(`Der Basisordner ${home} wird Ihnen übergeben`));
    assert.equal(handover.length, 1, 'the manager is told where the home folder is, in German');
    assert.equal(mailsTo(IT_DESK, /Lea Weg/).filter((m) => /is handed over to you/.test(m.text ?? '')).length, 0, 'IT gets no handover');

    // Idempotent: nothing left to do, no second round of steps.
    const again = await plan(noon(2));
    assert.deepEqual(again.operations.map((o) => `${o.target}:${o.action}:${o.personId}`), []);
    const explain = await ok(['explain', '3', '--at', noon(2)]);
    assert.match(explain, /offboarding when access ends:/);
    assert.match(explain, /delete the accounts after the retention/);
  });

  test('an AD hideFromAddressLists operation on Samba fails with AD_SCHEMA_NO_EXCHANGE and changes nothing', async () => {
    const ad = await createAdTarget('ad', {
      url: 'ldaps://127.0.0.1:636', insecure: true, bindDN: 'CN=Administrator,CN=Users,DC=example,DC=test', bindPassword: 'Adm1n!Passw0rd',
      baseDN: tree.base, usersOU: tree.staff, managedGroupsOUs: [tree.groups], disabledOU: tree.disabled, upnSuffix: 'example.com',
    }, { log: quietLog, timezone: 'Europe/Berlin' }, targetGuard.parse({ type: 'ad' }));
    try {
      const op: Operation = { id: 'hide-3', target: 'ad', action: 'offboard', step: 'hideFromAddressLists', personId: '3', changes: [], dependsOn: [], reason: { kind: 'lifecycle', source: 'offboarding', detail: 'test' } };
      const r = await ad.apply(op, { resolveAnchor: () => Promise.resolve(undefined) });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.error.code, 'AD_SCHEMA_NO_EXCHANGE');
      assert.equal(r.ok ? true : r.error.transient, false, 'not retried: the schema stays as it is');
      assert.equal(one((await adUser(3)).entry, 'msExchHideFromAddressLists'), undefined);
    } finally {
      await ad.close();
    }
  });

  test('a rehire within the retention gets the accounts back: enabled everywhere, groups and licence granted again', async () => {
    personio.company.upsert(withUpnField({ ...LEAVER, hireDate: day(5), lastWorkingDay: day(1), terminationDate: day(1) }));
    const p = await plan(noon(5));
    const mine = p.operations.filter((o) => o.personId === '3');
    const brief = mine.map((o) => `${o.target}:${o.action}${o.entitlement ? `:${o.entitlement}` : ''}`);
    for (const x of ['ad:enable', 'entra:enable', 'saas:enable', 'hook:enable', 'ad:grant:GG-All-Staff', 'ad:grant:GG-Sales', 'entra:grant:grp:all-staff', 'entra:grant:licence:e3']) {
      assert.ok(brief.includes(x), `${x} planned: ${brief.join(' ')}`);
    }
    assert.ok(!mine.some((o) => o.action === 'offboard'), 'no offboarding step for a returning person');
    await ok(['sync', '--quiet', '--at', noon(5)]);
    const ad = await adUser(3);
    assert.equal(one(ad.entry, 'userAccountControl'), '512');
    assert.deepEqual(ad.groups, ['GG-All-Staff', 'GG-Sales']);
    const entra = entraUser(3);
    assert.equal(entra.props.accountEnabled, true);
    assert.deepEqual(((entra.props.assignedLicenses as { skuId: string }[] | null) ?? []).map((l) => l.skuId), [E3]);
    assert.equal((await scimUser(3))['active'], true);
    assert.equal(hookAccount(3)['enabled'], true);
    assert.deepEqual((await plan(noon(5))).operations.filter((o) => o.personId === '3').map((o) => `${o.target}:${o.action}`), []);
  });
});

/** Wait until `pick` finds mail (the SMTP server receives asynchronously); fails after a generous timeout. */
async function waitForMail(smtp: TestSmtpServer, pick: () => ParsedMail[], timeoutMs = 30_000): Promise<ParsedMail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = pick();
    if (found.length > 0) return found;
    if (Date.now() > until) assert.fail(`no such mail among ${smtp.messages.map((m) => m.subject).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
