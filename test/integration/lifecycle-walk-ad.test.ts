/**
 * Acceptance of issue 7's lifecycle walk on the real Samba AD DC: one person, through the real `cadre` CLI against
 * the Personio simulator, walks through
 *   1. a last working day three weeks before the termination date;
 *   2. a rehire entered before they leave, with a two-month gap (HR clears the last working day while entering it);
 *   3. a contract renewal without a gap;
 *   4. a security lock applied by hand;
 *   5. a mistyped past end date that HR corrects a day later.
 * At each step the account is read straight from the directory as Administrator (userAccountControl,
 * accountExpires, group membership, OU, password), never through the connector. Time moves with `--at`;
 * calendar days are Europe/Berlin days, so "the end of the day" is checked on both sides of local midnight.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Control } from 'ldapts';
import type { Operation, Plan } from '../../src/core/model.js';
import { accountExpiresFiletime } from '../../src/core/rules/filetime.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import {
  adE2eTree, createTree, DOMAIN_DN, E2E_OU_PREFIX, one, parentOf, rawAdmin, removeTree, sameDnText, setAttr, setKnownPassword,
  usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree, type RawUser,
} from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: other suites remove every stale `Cadre E2E …` tree when they start, possibly during this walk. */
const WALK_PREFIX = 'Cadre Lifecycle Walk';
const tree = Object.fromEntries(Object.entries(adE2eTree('walk', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} walk `, `OU=${WALK_PREFIX} `)])) as unknown as AdE2eTree;
const ZONE = 'Europe/Berlin';
/** Midday in Berlin (winter or summer time). */
const noon = (date: string): string => `${date}T10:00:00Z`;
/** 21:30 / 22:30 Berlin: still the same local day. */
const lateEvening = (date: string): string => `${date}T20:30:00Z`;
/** 04:00 / 05:00 Berlin on the following day. */
const earlyNextDay = (date: string): string => `${new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T03:00:00Z`;
const NEVER = ['0', '9223372036854775807'];
const ENABLED = '512';
const DISABLED = '514';
const GROUPS = ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales'];
const KNOWN = 'Kn0wn!Walker-Passw0rd';

const manager: EmployeeSpec = { id: 2, first: 'Mia', last: 'Manager', email: `mia.${RUN}@example.com`, department: 'Sales', office: 'Berlin', hireDate: '2019-01-01' };
/** The walker as HR has them at the start: employed since 2020, no end date. */
const walker: EmployeeSpec = { id: 1, first: 'Wanda', last: 'Walker', department: 'Sales', office: 'Berlin', supervisorId: 2, hireDate: '2020-01-01' };

/**
 * Remove leftovers of earlier walks only (their domain-wide sAMAccountNames would shift this run's). Other suites'
 * trees are left alone: they may be running right now against the same DC.
 */
async function removeOwnStaleTrees(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    if (!String(one(e, 'ou') ?? '').startsWith(`${WALK_PREFIX} `)) continue;
    await admin.del(e.dn, [new Control('1.2.840.113556.1.4.805', { critical: true })]).catch(() => undefined);
  }
}

describe('lifecycle walk on Samba AD: last working day, rehire in advance, renewal, manual lock, mistyped date', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;
  let smtp: TestSmtpServer;
  let guid = '';
  let hr: EmployeeSpec = walker;

  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', at])) as Plan;
  const sync = async (at: string): Promise<void> => { await cli(['sync', '--quiet', '--at', at]); };
  const mine = (p: Plan): Operation[] => p.operations.filter((o) => o.target === 'ad' && o.personId === '1');
  const show = (o: Operation): string => `${o.action}${o.entitlement ? ` ${o.entitlement}` : ''}`;
  /** HR edits the record (Personio simulator). */
  const edit = (over: Partial<EmployeeSpec>): void => {
    hr = { ...hr, ...over };
    personio.company.upsert(employee(hr));
  };
  /** The walker's only account in the domain, read raw. */
  const acct = async (): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, 1, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID 1: ${found.map((u) => u.dn).join('; ')}`);
    const u = found[0] as RawUser;
    if (guid !== '') assert.equal(u.guid, guid, 'always the same directory object');
    return u;
  };
  const attr = (u: RawUser, a: string): string | undefined => one(u.entry, a);
  const uac = async (): Promise<string | undefined> => attr(await acct(), 'userAccountControl');
  const inOu = (u: RawUser, ou: string): boolean => sameDnText(parentOf(u.dn), ou);
  const expiresEndOf = (date: string): string => accountExpiresFiletime(date, ZONE);
  const bind = async (password: string): Promise<string> => {
    const c = new Client({ url: 'ldaps://127.0.0.1:636', tlsOptions: { rejectUnauthorized: false } });
    try {
      await c.bind(`wanda.walker@example.test`, password);
      return 'ok';
    } catch (e) {
      const m = /data ([0-9a-f]{3})/i.exec((e as Error).message);
      return m ? `data ${m[1] as string}` : (e as Error).message;
    } finally {
      await c.unbind().catch(() => undefined);
    }
  };
  /** Mails that arrived since `from`, for a recipient. */
  const mailsTo = (from: number, to: string) => smtp.messages.slice(from).filter((_m, i) => smtp.envelopes[from + i]?.to.includes(to));

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeOwnStaleTrees(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-walk-'));
    smtp = await startSmtpServer();
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [employee(manager), employee(walker)] });
    config = writeAdE2eConfig({
      dir, personioUrl: personio.url, tree, retentionDays: 7,
      extra: `notifications:
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: "cadre@example.com", insecure: true }
  events: { joiner: [manager], leaver: ["it-desk@example.com"] }
  passwordDelivery: mail-separate`,
    });
  });
  after(async () => {
    await personio?.close();
    await smtp?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('start: employed since 2020, enabled, in the office OU and groups, no expiry', async () => {
    await sync(noon('2027-02-02'));
    const u = await acct();
    guid = u.guid;
    assert.equal(attr(u, 'sAMAccountName'), 'wanda.walker');
    assert.equal(attr(u, 'userAccountControl'), ENABLED);
    assert.ok(inOu(u, tree.berlin));
    assert.deepEqual(u.groups, GROUPS);
    assert.ok(NEVER.includes(String(attr(u, 'accountExpires'))), `accountExpires ${attr(u, 'accountExpires')}`);
    // She has been working: a password she chose herself.
    await setKnownPassword(admin, u.dn, KNOWN);
    assert.equal(await bind(KNOWN), 'ok');
  });

  test('1. last working day three weeks before the termination date: AD expires the account at the end of the last working day', async () => {
    edit({ lastWorkingDay: '2027-03-10', terminationDate: '2027-03-31' });
    await sync(noon('2027-03-02'));
    const u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED, 'still working');
    assert.equal(attr(u, 'accountExpires'), expiresEndOf('2027-03-10'), 'accountExpires = end of the last working day (Berlin), not of the termination date');
    const explain = await cli(['explain', '1', '--at', noon('2027-03-02')]);
    assert.match(explain, /access ends after: last_working_day 2027-03-10 \(disableAt: earliest\)/);
  });

  test('2. a rehire entered before she leaves, two months after the termination date: enabled until the last working day, disabled and kept through the gap, back on the new start day with a new password', async () => {
    // HR enters the new hire date and a new fixed term, keeps the old termination date and clears the last working day.
    edit({ hireDate: '2027-06-01', contractEndDate: '2027-09-30', lastWorkingDay: null });
    await sync(noon('2027-03-05'));
    let u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED, 'not disabled while she works out her contract');
    assert.equal(attr(u, 'accountExpires'), expiresEndOf('2027-03-10'), 'the remembered last working day still closes access');
    assert.match(await cli(['explain', '1', '--at', noon('2027-03-05')]), /rehired from: 2027-06-01/);

    assert.deepEqual(mine(await plan(lateEvening('2027-03-10'))).map(show), [], 'nothing at 21:30 Berlin on the last working day');
    const mailsBefore = smtp.messages.length;
    await sync(earlyNextDay('2027-03-10'));
    u = await acct();
    assert.equal(attr(u, 'userAccountControl'), DISABLED, 'disabled after the end of the last working day');
    assert.ok(inOu(u, tree.disabled), 'moved to the Disabled OU');
    assert.deepEqual(u.groups, [], 'managed groups removed');
    assert.match(String(attr(u, 'description')), /last_working_day 2027-03-10 \(disableAt: earliest\)/);
    assert.equal(await bind(KNOWN), 'data 533', 'cannot sign in');
    const leaverMail = (await smtp.waitFor(mailsBefore + 1, 10_000)).slice(mailsBefore).find((m) => /disabled/i.test(m.subject ?? ''));
    assert.match(leaverMail?.text ?? '', /last day 2027-03-10/, 'the leaver mail names the last working day');

    // Termination date 31.03 + 7 days retention have passed: kept (disabled) for the rehire, not deleted.
    const gap = await plan(noon('2027-04-20'));
    assert.deepEqual(mine(gap).map(show), [], 'nothing to do in the gap: no delete, no enable');
    await sync(noon('2027-04-20'));
    assert.equal(await uac(), DISABLED);

    // Inside the pre-hire window the account is prepared: back in the office OU and groups, still disabled.
    await sync(noon('2027-05-20'));
    u = await acct();
    assert.equal(attr(u, 'userAccountControl'), DISABLED, 'prepared, still disabled before day one');
    assert.ok(inOu(u, tree.berlin), 'moved back to the office OU');
    assert.deepEqual(u.groups, GROUPS);
    assert.equal(attr(u, 'accountExpires'), expiresEndOf('2027-09-30'), 'the NEW fixed-term end counts; the old termination date does not hide it');

    assert.ok(!mine(await plan(lateEvening('2027-05-31'))).some((o) => o.action === 'enable'), 'still disabled at 22:30 Berlin the day before');
    const beforeReturn = smtp.messages.length;
    await sync(earlyNextDay('2027-05-31'));
    u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED, 'enabled on the new start day');
    assert.equal(attr(u, 'pwdLastSet'), '0', 'a new initial password, to be changed at first sign-in');
    assert.equal(await bind(KNOWN), 'data 52e', 'the old password no longer works');
    await smtp.waitFor(beforeReturn + 2, 10_000);
    const toManager = mailsTo(beforeReturn, manager.email as string);
    const joiner = toManager.find((m) => /accounts for/.test(m.subject ?? ''));
    assert.ok(joiner && !/FIRST PASSWORD/.test(joiner.text ?? ''), 'the joiner mail names no password');
    const separate = toManager.find((m) => /FIRST PASSWORD/.test(m.text ?? ''));
    const password = /FIRST PASSWORD =+\n[^\n]*: (\S+)\n/.exec(separate?.text ?? '')?.[1] ?? '';
    assert.ok(password.length >= 12, 'the manager got the new first password in a separate mail (passwordDelivery: mail-separate)');
    assert.ok(!(joiner.text ?? '').includes(password) && !(typeof joiner.html === 'string' && joiner.html.includes(password)));
    assert.equal(await bind(password), 'data 773', 'the mailed password is the one set (AD: must change it at first sign-in)');
    assert.deepEqual(mine(await plan(earlyNextDay('2027-05-31'))).map(show), [], 'converged');
    // She signs in and sets her own password.
    await setKnownPassword(admin, u.dn, KNOWN);
  });

  test('3. a contract renewal without a gap: never disabled, no new password, no expiry at the old end', async () => {
    // Entered 11 days before the new start (inside the pre-hire window); the old contract end is only remembered.
    edit({ hireDate: '2027-10-01', contractEndDate: null, terminationDate: null });
    await sync(noon('2027-09-20'));
    let u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED, 'not disabled by the renewal ahead');
    assert.ok(NEVER.includes(String(attr(u, 'accountExpires'))), 'an open-ended renewal: the account no longer expires at the old end 30.09');
    assert.deepEqual(mine(await plan(lateEvening('2027-09-30'))).map(show), [], 'nothing on the last evening of the old contract');
    assert.deepEqual(mine(await plan(earlyNextDay('2027-09-30'))).map(show), [], 'nothing on the first morning of the new one');
    await sync(earlyNextDay('2027-09-30'));
    u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED);
    assert.deepEqual(u.groups, GROUPS);
    assert.equal(await bind(KNOWN), 'ok', 'her password was not reset');
  });

  test('4. a security lock applied by hand: Cadre does not re-enable it, the plan shows it held, lifting it by hand sticks', async () => {
    const u = await acct();
    await setAttr(admin, u.dn, 'userAccountControl', [DISABLED]);
    const p = await plan(noon('2027-10-06'));
    assert.deepEqual(mine(p).map(show), [], 'no enable planned for a manual lock');
    const held = (p.held ?? []).filter((h) => h.personId === '1' && h.target === 'ad');
    assert.equal(held.length, 1, `held: ${JSON.stringify(p.held)}`);
    assert.equal(held[0]?.kind, 'lock');
    assert.match(held[0]?.reason ?? '', /disabled outside Cadre/);
    await sync(noon('2027-10-06'));
    let v = await acct();
    assert.equal(attr(v, 'userAccountControl'), DISABLED, 'the lock stays');
    assert.deepEqual(v.groups, GROUPS, 'nothing else is touched');
    assert.equal(await bind(KNOWN), 'data 533');
    // The security team lifts the lock: Cadre leaves that alone too.
    await setAttr(admin, u.dn, 'userAccountControl', [ENABLED]);
    await sync(noon('2027-10-07'));
    v = await acct();
    assert.equal(attr(v, 'userAccountControl'), ENABLED);
    assert.equal(await bind(KNOWN), 'ok', 'no password reset');
  });

  test('5. a mistyped past end date that HR corrects a day later: disabled first (audited), never deleted at once, back the next day', async () => {
    // Meant 2028-10-02; long enough ago that the retention would already be over.
    edit({ terminationDate: '2027-10-02' });
    const p = await plan(noon('2027-10-12'));
    assert.deepEqual(mine(p).map(show).filter((x) => ['delete', 'disable'].includes(x)), ['disable'], 'an enabled account is disabled, not deleted');
    await sync(noon('2027-10-12'));
    let u = await acct();
    assert.equal(attr(u, 'userAccountControl'), DISABLED);
    const audit = JSON.parse(await cli(['audit', 'export', '--format', 'json', '--person', '1'])) as { event: string; payload: string | { action?: string } }[];
    const actions = audit.filter((e) => e.event === 'op.done').map((e) => (typeof e.payload === 'string' ? (JSON.parse(e.payload) as { action?: string }) : e.payload).action);
    assert.ok(actions.includes('disable'), 'the disable is audited');
    assert.ok(!mine(await plan(noon('2027-10-12'))).some((o) => o.action === 'delete'), 'the deletion waits for the retention');

    // HR corrects the date the next day.
    edit({ terminationDate: '2028-10-02' });
    await sync(noon('2027-10-13'));
    u = await acct();
    assert.equal(attr(u, 'userAccountControl'), ENABLED, 'enabled again: Cadre disabled it');
    assert.ok(inOu(u, tree.berlin));
    assert.deepEqual(u.groups, GROUPS);
    assert.equal(attr(u, 'accountExpires'), expiresEndOf('2028-10-02'));
    assert.equal(await bind(KNOWN), 'ok', 'same employment period: her password is not reset');
    assert.deepEqual(mine(await plan(noon('2027-10-13'))).map(show), [], 'converged');
  });
});
