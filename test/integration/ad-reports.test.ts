/**
 * The orphans and leavers-enabled reports on the real Samba AD DC after real syncs, through the CLI: an account made
 * by hand in the managed OU, an account of a person HR no longer lists, and a leaver whose last working day passed
 * while no sync ran. Each finding is checked against the directory read raw over LDAPS as Administrator.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { addRawUser, adE2eTree, createTree, DOMAIN_DN, E2E_OU_PREFIX, one, rawAdmin, removeTree, usersWithEmployeeId, usersWithSam, writeAdE2eConfig, type AdE2eTree, type RawUser } from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const DAY = 86_400_000;
const day = (offset: number): string => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: suites that sweep leftover `Cadre E2E …` trees must not remove this one while it runs beside them. */
const PREFIX = 'Cadre Reports';
const tree = Object.fromEntries(Object.entries(adE2eTree('reports', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} reports `, `OU=${PREFIX} `)])) as unknown as AdE2eTree;
// Names unique to this run: sAMAccountNames are domain-wide and other helpers share the DC.
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);

const people: EmployeeSpec[] = [
  { id: 1, first: 'Greta', last: `Bleibt${suffix}`, department: 'Finance', office: 'Berlin' },
  // Left three days ago; the last sync ran a week ago.
  { id: 2, first: 'Leo', last: `Weg${suffix}`, department: 'Sales', office: 'Berlin', lastWorkingDay: day(-3) },
  { id: 3, first: 'Vera', last: `Fort${suffix}`, department: 'Sales', office: 'Berlin' },
];

interface ReportJson { rows: Record<string, unknown>[] }

async function removeOwnLeftovers(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    if (String(e['ou']).startsWith(`${PREFIX} `)) await removeTree(admin, { root: e.dn } as AdE2eTree);
  }
}

describe('AD: orphans and leavers with enabled accounts after real syncs (Samba)', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;

  const cli = async (args: string[]): Promise<string> => {
    const r = await runCli([...args, '--config', config], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const report = async (name: string): Promise<ReportJson> => JSON.parse(await cli(['report', name, '--json', '--target', 'ad'])) as ReportJson;
  const acct = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID ${pid}`);
    return found[0] as RawUser;
  };
  const uac = async (pid: number): Promise<string | undefined> => one((await acct(pid)).entry, 'userAccountControl');

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeOwnLeftovers(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-reports-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree });
    await cli(['sync', '--quiet', '--at', `${day(-7)}T10:00:00Z`]);
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

  test('leavers-enabled: the leaver whose last day passed since the last sync, really enabled in AD', async () => {
    const r = await report('leavers-enabled');
    assert.deepEqual(r.rows.map((x) => [x.personId, x.state, x.accessClosedOn, x.daysOver, x.cause]), [['2', 'terminated', day(-3), 3, 'pending']]);
    assert.equal(r.rows[0]?.account, one((await acct(2)).entry, 'sAMAccountName'), 'the account the directory holds for Leo');
    assert.equal(await uac(2), '512', 'the directory agrees: still enabled');
    assert.match(String(r.rows[0]?.why), /disable is planned/);
  });

  test('orphans: an account made by hand with an unknown employee id, then the account of a person HR dropped', async () => {
    // The AD target manages (and lists) the accounts that carry an employeeID below its base DN.
    const sam = `hand${suffix}`.slice(0, 20);
    await addRawUser(admin, `CN=Hand Made ${suffix},${tree.staff}`, { sAMAccountName: sam, displayName: 'Hand Made', employeeID: '9999' }, 'Hand!Made-Pw-4711');
    const [hand] = await usersWithSam(admin, sam);
    assert.ok(hand, 'the hand-made account exists');
    let r = await report('orphans');
    assert.deepEqual(r.rows.map((x) => [x.name, x.enabled, x.correlation, x.why]), [[sam, true, '9999', 'correlation id 9999 matches no HR person']]);
    assert.ok(String(r.rows[0]?.dn).toLowerCase().startsWith(`cn=hand made ${suffix},`), String(r.rows[0]?.dn));

    // HR removes Vera; the next sync disables her account, and the store no longer knows her.
    personio.company.remove('3');
    await cli(['sync', '--quiet']);
    assert.equal(await uac(3), '514', 'Vera disabled by the sync');
    assert.equal(await uac(2), '514', 'and Leo, the leaver');
    assert.deepEqual((await report('leavers-enabled')).rows, [], 'no leaver holds an enabled account any more');
    r = await report('orphans');
    const vera = r.rows.find((x) => x.correlation === '3');
    assert.ok(vera, `Vera's account is an orphan now: ${JSON.stringify(r.rows)}`);
    assert.equal(vera.enabled, false);
    assert.equal(vera.why, "linked to person 3, who is not in HR");
    assert.equal(r.rows.length, 2);
  });
});
