/**
 * Manual locks, holds and "delete only what Cadre disabled" on the real Samba AD DC, through the real CLI:
 * a security team's lock (a raw userAccountControl modify) survives syncs, a hold stops a department change but
 * not a leaver disable, and a mistyped past end date disables first and deletes only after the retention counted
 * from that disable. Every state is read back raw over LDAPS as Administrator.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { adE2eTree, createTree, DOMAIN_DN, E2E_OU_PREFIX, one, parentOf, rawAdmin, removeTree, sameDnText, setAttr, usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree, type RawUser } from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: suites that sweep leftover `Cadre E2E …` trees must not remove this one while it runs beside them. */
const PREFIX = 'Cadre Locks';
const tree = Object.fromEntries(Object.entries(adE2eTree('locks', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} locks `, `OU=${PREFIX} `)])) as unknown as AdE2eTree;
// Names unique to this run: sAMAccountNames are domain-wide and other suites may share the DC.
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);

const people: EmployeeSpec[] = [
  { id: 1, first: 'Lara', last: `Lock${suffix}`, department: 'Sales', office: 'Berlin' },
  { id: 2, first: 'Holger', last: `Hold${suffix}`, department: 'Sales', office: 'Berlin' },
  { id: 3, first: 'Mia', last: `Typo${suffix}`, department: 'Finance', office: 'Berlin' },
  { id: 4, first: 'Carl', last: `Fixed${suffix}`, department: 'Finance', office: 'Berlin' },
];
const spec = (id: number): EmployeeSpec => people.find((p) => p.id === id) as EmployeeSpec;

/** Trees of this suite's crashed earlier runs (they hold domain-wide names). */
async function removeOwnLeftovers(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    if (String(e['ou']).startsWith(`${PREFIX} `)) await removeTree(admin, { root: e.dn } as AdE2eTree);
  }
}

describe('AD: manual locks, holds and deletion only of what Cadre disabled (Samba)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;

  const run = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const plan = async (at: string): Promise<Plan> => JSON.parse(await run(['plan', '--json', '--at', at])) as Plan;
  const sync = async (at: string): Promise<void> => { await run(['sync', '--quiet', '--at', at]); };
  const acct = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID ${pid}`);
    return found[0] as RawUser;
  };
  const uac = async (pid: number): Promise<string | undefined> => one((await acct(pid)).entry, 'userAccountControl');
  const adOps = (p: Plan, pid: number): string[] => p.operations.filter((o) => o.target === 'ad' && o.personId === String(pid)).map((o) => `${o.action}${o.entitlement ? ` ${o.entitlement}` : ''}`).sort();

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeOwnLeftovers(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-locks-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, retentionDays: 7 });
    await sync(noon(0));
    for (const p of people) assert.equal(await uac(p.id), '512', `person ${p.id} enabled after the first sync`);
  });
  after(async () => {
    await personio?.close();
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a lock, a hold and a mistyped end date: the plan holds and disables, it never enables or deletes', async () => {
    // The security team locks Lara's account directly in AD, as they would with ADUC or PowerShell.
    await setAttr(admin, (await acct(1)).dn, 'userAccountControl', ['514']);
    // Holger is on hold; then HR moves him to Finance.
    const added = await run(['hold', 'add', '2', '--reason', 'legal review, case 4711']);
    assert.match(added, /person 2 held in every target/);
    personio.company.upsert(employee({ ...spec(2), department: 'Finance' }));
    // HR types a termination date a year back for Mia and Carl: beyond end date + retention, they are `gone`.
    for (const id of [3, 4]) personio.company.upsert(employee({ ...spec(id), terminationDate: day(-400) }));

    const p = await plan(noon(1));
    assert.deepEqual(adOps(p, 1), [], 'the lock is not undone');
    assert.deepEqual(adOps(p, 2), [], 'no update, grant or revoke for the held person');
    for (const id of [3, 4]) {
      assert.deepEqual(adOps(p, id), ['disable'], `person ${id}: disabled, not deleted`);
      assert.equal(p.operations.find((o) => o.personId === String(id))?.reason.source, 'gone');
    }
    const held = new Map(p.held.map((h) => [h.personId, h]));
    assert.equal(held.get('1')?.kind, 'lock');
    assert.deepEqual(held.get('1')?.withheld, ['enable']);
    assert.match(held.get('1')?.reason ?? '', /disabled outside Cadre/);
    assert.equal(held.get('2')?.kind, 'hold');
    assert.deepEqual([...(held.get('2')?.withheld ?? [])].sort(), ['grant', 'revoke', 'update']);
    assert.match(held.get('2')?.reason ?? '', /legal review, case 4711/);
    const text = await run(['plan', '--at', noon(1), '--no-color']);
    assert.match(text, /person 1 in ad: HELD, lock \(withheld: enable\): disabled outside Cadre/);
    assert.match(text, /person 2 in ad: HELD, hold \(withheld: update, grant, revoke\): hold by cli\S* on every target: legal review, case 4711/);

    await sync(noon(1));
    assert.equal(await uac(1), '514', 'the locked account stays disabled');
    const holger = await acct(2);
    assert.deepEqual(holger.groups, ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales'], 'no grant or revoke while held');
    assert.equal(one(holger.entry, 'department'), 'Sales', 'no update while held');
    for (const id of [3, 4]) assert.equal(await uac(id), '514', `person ${id} disabled, the account still exists`);

    const lara = await run(['explain', '1', '--at', noon(1)]);
    assert.match(lara, /HELD ad \(lock\) withheld: enable — disabled outside Cadre/);
    const holgerText = await run(['explain', '2', '--at', noon(1)]);
    assert.match(holgerText, /holds:\n {4}every target: legal review, case 4711 \(by cli/);
  });

  test('across syncs: the lock stays, the hold lets the leaver disable through, HR\'s correction re-enables', async () => {
    personio.company.upsert(employee({ ...spec(2), department: 'Finance', terminationDate: day(1) }));
    personio.company.upsert(employee({ ...spec(4), terminationDate: null }));
    const p = await plan(noon(2));
    assert.deepEqual(adOps(p, 2), ['disable'], 'a held leaver is disabled, nothing else (no move, no revoke)');
    assert.ok(adOps(p, 4).includes('enable'), 'the account Cadre disabled for the mistyped date comes back');
    const retention = p.held.find((h) => h.personId === '3');
    assert.equal(retention?.kind, 'retention');
    assert.equal(retention?.until, day(8), 'deleted retentionDays (7) after the disable, not after the end date');
    await sync(noon(2));
    assert.equal(await uac(1), '514', 'still locked after a second sync');
    const holger = await acct(2);
    assert.equal(one(holger.entry, 'userAccountControl'), '514');
    assert.ok(!sameDnText(parentOf(holger.dn), tree.disabled), 'not moved while held');
    assert.deepEqual(holger.groups, ['GG-All-Staff', 'GG-Loc-Berlin', 'GG-Sales']);
    assert.equal(await uac(4), '512', 'HR corrected the date: enabled again');
    assert.deepEqual(adOps(await plan(noon(2)), 1), [], 'converged: nothing planned for the lock');
  });

  test('hold remove: the held leaver work catches up; both changes are audited with actor and reason', async () => {
    assert.match(await run(['hold', 'list']), /person 2 {2}every target {2}legal review, case 4711/);
    await run(['hold', 'remove', '2', '--reason', 'case closed']);
    assert.match(await run(['hold', 'list']), /No holds\./);
    await sync(noon(3));
    const holger = await acct(2);
    assert.ok(sameDnText(parentOf(holger.dn), tree.disabled), 'moved to the Disabled OU');
    assert.deepEqual(holger.groups, [], 'managed groups removed');
    const audit = JSON.parse(await run(['audit', 'export', '--format', 'json'])) as { event: string; actor: string; personId?: string; payload: unknown }[];
    const holds = audit.filter((e) => e.event.startsWith('hold.'));
    assert.deepEqual(holds.map((e) => [e.event, e.personId]), [['hold.added', '2'], ['hold.removed', '2']]);
    for (const e of holds) assert.match(e.actor, /^cli/);
    assert.match(JSON.stringify(holds[0]?.payload), /legal review, case 4711/);
    assert.match(JSON.stringify(holds[1]?.payload), /case closed/);
  });

  test('the mistyped end date: deleted only retentionDays after Cadre disabled it; the lock is never deleted', async () => {
    const waiting = await plan(noon(7));
    assert.deepEqual(adOps(waiting, 3), [], 'no delete a day before the retention from the disable has passed');
    await sync(noon(8));
    assert.deepEqual(await usersWithEmployeeId(admin, 3, tree.root), [], 'deleted on day 8');
    assert.equal(await uac(1), '514', 'the lock is still in place');
  });
});
