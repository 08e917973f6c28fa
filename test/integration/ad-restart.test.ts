/**
 * Resilience end to end: the real `cadre sync` CLI is applying a large joiner wave to a real Samba AD DC when the
 * DC is restarted under it. The next run must converge with nothing lost and nothing duplicated, checked with
 * raw LDAP reads as Administrator, an empty follow-up plan and an intact audit chain.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import type { Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { repoRoot, runCli, spawnCli } from '../support/cli.js';
import {
  adE2eTree, createTree, DOMAIN_DN, employeeAccounts, many, one, rawAdmin, removeStaleTrees, removeTree, sameDnText, writeAdE2eConfig,
} from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const N = 150;
const FIRST = ['Anna', 'Jürgen', 'Zoë', 'Mehmet', 'Björn', 'Élodie', 'Seán', 'Ирина', 'Chloé', 'Søren'];
const LAST = ['Müller', 'Schmidt', 'Weiß', 'Yılmaz', 'Groß', 'Nowak', "O'Neill", 'Fischer', 'Bäcker', 'Łukasz', 'Kovač', 'Dubois', 'Jäger', 'Ибрагимов', 'Schäfer'];
const DEPARTMENTS = ['Finance', 'Sales', 'Engineering'];
const OFFICES = ['Berlin', 'München', 'Hamburg'];
const ID0 = 2000;

const people: EmployeeSpec[] = Array.from({ length: N }, (_, i) => ({
  id: ID0 + i,
  first: FIRST[i % FIRST.length] as string,
  last: LAST[Math.floor(i / FIRST.length) % LAST.length] as string,
  department: DEPARTMENTS[i % 3] as string,
  office: OFFICES[Math.floor(i / 3) % 3] as string,
  ...(i > 0 ? { supervisorId: ID0 + Math.floor((i - 1) / 10) } : {}),
}));
const RUN = randomBytes(3).toString('hex');
const tree = adE2eTree('restart', RUN);

const sambaPid = (): string => readFileSync(join(process.env.CADRE_SERVICES_DIR ?? join(repoRoot, '.services'), 'samba', 'samba.pid'), 'utf8').trim();

describe('AD end to end: a Samba restart in the middle of an apply', () => {
  let dir: string;
  let config: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client | undefined;

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeStaleTrees(admin);
    await createTree(admin, tree);
    await admin.unbind();
    admin = undefined;
    dir = mkdtempSync(join(tmpdir(), 'cadre-ad-restart-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, executorRetries: 2 });
  });
  after(async () => {
    await personio?.close();
    await sambaCtl('start');
    const a = admin ?? await rawAdmin();
    await removeTree(a, tree).catch(() => undefined);
    await a.unbind();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a running apply survives a Samba restart in the middle: the next run converges with nothing lost and nothing duplicated', async (t) => {
    const pidBefore = sambaPid();
    const child = spawnCli(['sync', '--json', '--at', AT, '--config', config]);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    let restart: Promise<boolean> | undefined;
    const doRestart = async (): Promise<boolean> => {
      // some way into the wave: creates done, some in flight, grants and manager updates still to come
      await new Promise((r) => setTimeout(r, 1000 + Math.floor(Math.random() * 2500)));
      await sambaCtl('stop');
      const stoppedWhileRunning = child.exitCode === null;
      await sambaCtl('start');
      return stoppedWhileRunning;
    };
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Restart once operations are being applied.
      if (restart === undefined && stderr.includes('apply:')) restart = doRestart();
    });
    const code = await exited;
    assert.ok(restart, `the apply started:\n${stderr}`);
    assert.equal(await restart, true, 'Samba was stopped while the CLI was applying');
    assert.notEqual(sambaPid(), pidBefore, 'a new Samba process');
    assert.ok(code === 0 || code === 1, `first run exits 0 or 1 (failures), got ${code}\n${stderr}`);
    const first = JSON.parse(stdout) as { counts: Record<string, number> };
    t.diagnostic(`first run (exit ${code}): ${JSON.stringify(first.counts)}`);

    const second = await runCli(['sync', '--json', '--at', AT, '--config', config], { timeoutMs: 170_000 });
    assert.equal(second.code, 0, `second run converges\n${second.stdout}\n${second.stderr}`);
    t.diagnostic(`second run: ${JSON.stringify((JSON.parse(second.stdout) as { counts: unknown }).counts)}`);

    // Raw LDAP: exactly one account per person in the whole domain, everything correct.
    admin = await rawAdmin();
    const all = (await employeeAccounts(admin, DOMAIN_DN)).filter((e) => {
      const id = Number(one(e, 'employeeID'));
      return id >= ID0 && id < ID0 + N;
    });
    const byId = new Map<string, typeof all>();
    for (const e of all) {
      const id = String(one(e, 'employeeID'));
      byId.set(id, [...(byId.get(id) ?? []), e]);
    }
    const dupes = [...byId].filter(([, l]) => l.length > 1).map(([id, l]) => `${id}: ${l.map((e) => e.dn).join(' | ')}`);
    assert.deepEqual(dupes, [], 'no person has two accounts');
    assert.equal(byId.size, N, 'every person has an account');
    const sams = all.map((e) => String(one(e, 'sAMAccountName')).toLowerCase());
    assert.equal(new Set(sams).size, N, 'sAMAccountNames unique');
    const dnOf = new Map(all.map((e) => [String(one(e, 'employeeID')), e.dn]));
    const groupsOu = `,${tree.groups}`.toLowerCase();
    for (const p of people) {
      const e = (byId.get(String(p.id)) as typeof all)[0] as (typeof all)[number];
      assert.ok(e.dn.toLowerCase().endsWith(`,${tree.base}`.toLowerCase()), `${p.id} inside the managed base`);
      assert.equal(one(e, 'userAccountControl'), '512', `${p.id} enabled`);
      assert.equal(one(e, 'pwdLastSet'), '0', `${p.id} must change the password`);
      const groups = many(e, 'memberOf').filter((g) => g.toLowerCase().endsWith(groupsOu)).map((g) => (/^CN=([^,]+),/.exec(g) as RegExpExecArray)[1]).sort();
      assert.deepEqual(groups, ['GG-All-Staff', `GG-${p.department as string}`, `GG-Loc-${p.office as string}`].sort(), `${p.id} groups`);
      if (p.supervisorId !== undefined) assert.ok(sameDnText(String(one(e, 'manager')), String(dnOf.get(String(p.supervisorId)))), `${p.id} manager`);
      else assert.equal(one(e, 'manager'), undefined);
    }

    const plan = JSON.parse((await runCli(['plan', '--json', '--at', AT, '--config', config])).stdout) as Plan;
    assert.deepEqual(plan.operations.filter((o) => o.target === 'ad').map((o) => `${o.action} ${o.personId} ${o.entitlement ?? ''}`), [], 'a final plan is empty');
    assert.deepEqual(plan.errors, []);
    const verify = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
