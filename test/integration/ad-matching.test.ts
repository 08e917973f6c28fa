/**
 * Correlation safety and exclusions on a real Samba AD DC, through the real `cadre plan/sync` CLI: excluded
 * break-glass and service accounts, several accounts carrying one id, two people matching one legacy account,
 * the adoption review of a first sync, and templated correlation values. Every outcome is read back raw as
 * Administrator, never through the connector.
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
import {
  adE2eTree, addRawUser, createTree, DOMAIN_DN, one, rawAdmin, removeTree, sameDnText, treeDelete, setMember, usersWithEmployeeId, usersWithSam,
  writeAdE2eConfig, AD_E2E_UNMANAGED, type AdE2eTree, type RawUser,
} from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { sambaCtl } from '../support/samba.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number): string => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);
const noon = (offset: number): string => `${day(offset)}T10:00:00Z`;
const RUN = randomBytes(3).toString('hex');
const PW = 'Legacy!Passw0rd-7';
const disabled = (u: RawUser): boolean => (Number(one(u.entry, 'userAccountControl') ?? '0') & 2) !== 0;

/** Root OUs of this file start with this, not with the e2e prefix whose stale trees other suites remove. */
const PREFIX = 'Cadre Match';

/** The e2e tree layout under `OU=Cadre Match <kind> <run>`. */
function matchTree(kind: string): AdE2eTree {
  const run = `${RUN}${kind.slice(0, 1)}`;
  const t = adE2eTree(kind, run);
  const from = t.root;
  const to = `OU=${PREFIX} ${kind} ${run},${DOMAIN_DN}`;
  const moved = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, k === 'run' ? v : v.replace(from, to)]));
  return moved as unknown as AdE2eTree;
}

/** Trees of earlier, crashed runs of this file. */
async function removeOwnStaleTrees(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    const ou = String(Array.isArray(e['ou']) ? e['ou'][0] : e['ou'] ?? '');
    if (ou.startsWith(`${PREFIX} `) && !ou.endsWith(`${RUN}m`) && !ou.endsWith(`${RUN}a`)) await treeDelete(admin, e.dn);
  }
}

/** One scenario: its own tree, Personio simulator, store and config. */
async function scenario(admin: Client, kind: string, people: EmployeeSpec[], extra: { adExtra?: string; thresholds?: string } = {}) {
  const tree = matchTree(kind);
  await createTree(admin, tree);
  const dir = mkdtempSync(join(tmpdir(), `cadre-${kind}-`));
  const personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
  const config = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, ...extra });
  const run = (args: string[]) => runCli([...args, '--config', config], { timeoutMs: 170_000 });
  const cli = async (args: string[]): Promise<string> => {
    const r = await run(args);
    assert.equal(r.code, 0, `cadre ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  return {
    tree, personio, run, cli,
    plan: async (at: string): Promise<Plan> => JSON.parse(await cli(['plan', '--json', '--at', at])) as Plan,
    /** Accounts with this employeeID in this scenario's tree. */
    byId: (id: string): Promise<RawUser[]> => usersWithEmployeeId(admin, id, tree.root),
    bySam: async (sam: string): Promise<RawUser> => {
      const [u] = await usersWithSam(admin, sam);
      assert.ok(u, `account ${sam}`);
      return u;
    },
    close: async (): Promise<void> => {
      await personio.close();
      await removeTree(admin, tree).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
type Scenario = Awaited<ReturnType<typeof scenario>>;

describe('AD correlation safety and exclusions (Samba)', () => {
  let admin: Client;
  const open: Scenario[] = [];

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeOwnStaleTrees(admin);
  });
  after(async () => {
    for (const s of open) await s.close();
    await admin?.unbind();
  });

  test('exclusions, an ambiguous leaver and a contested legacy account', async () => {
    const people: EmployeeSpec[] = [
      { id: 7301, first: 'Bea', last: 'Glass', email: `bea.${RUN}@hr.example`, department: 'Sales', office: 'Berlin' },
      { id: 7302, first: 'Sven', last: 'Service', email: `sven.${RUN}@hr.example`, department: 'Sales', office: 'Berlin' },
      { id: 7303, first: 'Alex', last: 'Ambi', email: `alex.${RUN}@hr.example`, department: 'Sales', office: 'Berlin' },
      { id: 7304, first: 'Sam', last: 'Shared', email: `shared-${RUN}@legacy.example`, department: 'Sales', office: 'Berlin' },
      { id: 7305, first: 'Sandy', last: 'Shared', email: `SHARED-${RUN}@legacy.example`, department: 'Sales', office: 'Berlin' },
      { id: 7306, first: 'Nora', last: 'Normal', email: `nora.${RUN}@hr.example`, department: 'Sales', office: 'Berlin' },
    ];
    const t0 = matchTree('match');
    const vpn = `CN=${AD_E2E_UNMANAGED},${t0.other}`;
    const s = await scenario(admin, 'match', people, {
      adExtra: [
        '    exclude:',
        '      - upn: "BreakGlass-*@example.com"',
        '        reason: break-glass account',
        `      - memberOf: ${JSON.stringify(vpn.replace(/,/g, ', '))}`,
      ].join('\n'),
    });
    open.push(s);
    const t: AdE2eTree = s.tree;
    // A break-glass account and a service account that carry people's ids, but are excluded.
    await addRawUser(admin, `CN=Break Glass,${t.legacy}`, { sAMAccountName: `bg-${RUN}`, userPrincipalName: `breakglass-${RUN}@example.com`, employeeID: '7301', displayName: 'Break Glass' }, PW);
    await addRawUser(admin, `CN=Svc Backup,${t.legacy}`, { sAMAccountName: `svc-${RUN}`, userPrincipalName: `svc-${RUN}@example.com`, employeeID: '7302', displayName: 'Svc Backup' }, PW);
    await setMember(admin, vpn, `CN=Svc Backup,${t.legacy}`, true);
    // Two accounts carrying one person's id.
    await addRawUser(admin, `CN=Alex One,${t.legacy}`, { sAMAccountName: `a1-${RUN}`, employeeID: '7303', displayName: 'Alex One' }, PW);
    await addRawUser(admin, `CN=Alex Two,${t.berlin}`, { sAMAccountName: `a2-${RUN}`, employeeID: '7303', displayName: 'Alex Two' }, PW);
    // A legacy account without an id whose mail two people share.
    await addRawUser(admin, `CN=Shared Mailbox,${t.legacy}`, { sAMAccountName: `sh-${RUN}`, mail: `shared-${RUN}@legacy.example`, displayName: 'Shared Mailbox' }, PW);
    const before = await Promise.all([`bg-${RUN}`, `svc-${RUN}`, `sh-${RUN}`].map((sam) => s.bySam(sam)));

    const p = await s.plan(noon(0));
    const touching = p.operations.filter((o) => o.target === 'ad' && ['7301', '7302', '7303', '7304', '7305'].includes(o.personId));
    assert.deepEqual(touching, [], 'nothing for the owners of excluded, ambiguous or contested accounts: no adopt, no update, no create');
    const errors = p.errors.filter((e) => e.target === 'ad').map((e) => `${e.personId}:${e.code}`);
    assert.deepEqual(errors, ['7301:CORRELATION_EXCLUDED', '7302:CORRELATION_EXCLUDED', '7303:CORRELATION_AMBIGUOUS', '7304:CORRELATION_AMBIGUOUS', '7305:CORRELATION_AMBIGUOUS']);
    assert.match(p.errors.find((e) => e.personId === '7304')?.message ?? '', /persons 7304, 7305 all match/);
    assert.deepEqual(p.excluded.map((e) => [e.personId, e.name]).sort(), [['7301', `bg-${RUN}`], ['7302', `svc-${RUN}`]]);
    assert.match(p.excluded.find((e) => e.personId === '7301')?.rule ?? '', /upn: BreakGlass-\*@example\.com\): break-glass account/);
    assert.equal(p.summary['excluded'], 2);
    assert.deepEqual(p.operations.filter((o) => o.target === 'ad' && o.action === 'create').map((o) => o.personId), ['7306'], 'only the unambiguous person gets an account');
    assert.equal(p.summary['adopt'] ?? 0, 0);
    await s.cli(['sync', '--quiet', '--at', noon(0)]);

    const now = await Promise.all([`bg-${RUN}`, `svc-${RUN}`, `sh-${RUN}`].map((sam) => s.bySam(sam)));
    const shared = now[2] as RawUser;
    for (const [i, u] of now.entries()) {
      const was = before[i] as RawUser;
      assert.ok(sameDnText(u.dn, was.dn), `${u.dn} not moved or renamed`);
      assert.equal(one(u.entry, 'userAccountControl'), '512', `${u.dn} still enabled`);
      assert.deepEqual(u.groups, was.groups, `${u.dn} groups unchanged`);
      assert.equal(one(u.entry, 'whenChanged'), one(was.entry, 'whenChanged'), `${u.dn} not written at all`);
    }
    assert.equal(one(shared.entry, 'employeeID'), undefined, 'the contested account is not stamped');
    assert.deepEqual(await s.byId('7304'), [], 'and neither person got a new account over it');
    assert.deepEqual(await s.byId('7305'), []);
    assert.equal((await s.byId('7306')).length, 1);
    assert.deepEqual((await s.byId('7303')).map(disabled), [false, false]);

    // The owners of the excluded accounts and the person with two accounts leave.
    for (const id of [7301, 7302, 7303]) s.personio.company.upsert(employee({ ...(people.find((x) => x.id === id) as EmployeeSpec), terminationDate: day(1) }));
    const leave = await s.plan(noon(2));
    const disables = leave.operations.filter((o) => o.target === 'ad' && o.action === 'disable').map((o) => o.personId);
    assert.deepEqual(disables, ['7303', '7303'], 'every account of the ambiguous leaver, nothing of the excluded ones');
    assert.match(leave.errors.find((e) => e.personId === '7303')?.message ?? '', /every one is disabled/);
    await s.cli(['sync', '--quiet', '--at', noon(2)]);
    assert.deepEqual((await s.byId('7303')).map(disabled), [true, true], 'both accounts of the leaver are disabled in AD');
    for (const sam of [`bg-${RUN}`, `svc-${RUN}`]) {
      const u = await s.bySam(sam);
      assert.equal(disabled(u), false, `${sam} (excluded) stays enabled after its owner left`);
      assert.equal(one(u.entry, 'description'), undefined, `${sam} is not stamped`);
    }
  });

  test('first sync against legacy accounts: blocked for review by the adopt threshold, --approve adopts; templated ids', async () => {
    const people: EmployeeSpec[] = Array.from({ length: 12 }, (_, i) => ({ id: 7401 + i, first: `Lea${String.fromCharCode(97 + i)}`, last: 'Legacy', department: 'Sales', office: 'Berlin' }));
    people.push({ id: 7420, first: 'Paul', last: 'Payroll', department: 'Sales', office: 'Berlin' });
    const s = await scenario(admin, 'adopt', people, { adExtra: '    correlation: { value: "P-{{ personId }}" }' });
    open.push(s);
    const t = s.tree;
    // Twelve accounts created before Cadre, already stamped with the templated id (e.g. by a migration script).
    for (const p of people.slice(0, 12)) {
      await addRawUser(admin, `CN=${p.first} Old,${t.legacy}`, { sAMAccountName: `l${p.id}-${RUN}`, employeeID: `P-${p.id}`, displayName: `${p.first} Old` }, PW);
    }
    // A legacy account whose employeeID is a payroll number equal to person 7420's Personio id.
    await addRawUser(admin, `CN=Payroll Number,${t.legacy}`, { sAMAccountName: `pay-${RUN}`, employeeID: '7420', displayName: 'Payroll Number' }, PW);
    const payrollBefore = await s.bySam(`pay-${RUN}`);

    const planned = await s.run(['plan', '--json', '--at', noon(0)]);
    assert.equal(planned.code, 3, 'plan reports the block with exit 3');
    const p = JSON.parse(planned.stdout) as Plan;
    assert.equal(p.summary['adopt'], 12);
    const breach = p.breaches.find((b) => b.action === 'adopt' && b.target === 'ad');
    assert.ok(breach, 'twelve adoptions need review');
    assert.match(breach.limit, /thresholds\.adopt: count 12 > 10/);
    const paul = p.operations.filter((o) => o.target === 'ad' && o.personId === '7420');
    assert.ok(paul.length > 0 && paul.every((o) => o.anchor === undefined && (o.action === 'create' || o.action === 'grant')), 'the payroll account is not the person\'s: a new account is created');
    const create = p.operations.find((o) => o.target === 'ad' && o.action === 'create' && o.personId === '7420');
    assert.equal(create?.changes.find((c) => c.attribute === 'employeeID')?.to, 'P-7420', 'the new account gets the templated id');

    const blocked = await s.run(['sync', '--quiet', '--at', noon(0)]);
    assert.equal(blocked.code, 3, `blocked: exit 3\n${blocked.stdout}\n${blocked.stderr}`);
    assert.match(blocked.stderr + blocked.stdout, /adopt on ad/);
    assert.equal((await s.byId('P-7420')).length, 0, 'nothing applied while blocked');
    assert.equal(one((await s.bySam(`l7401-${RUN}`)).entry, 'displayName'), 'Leaa Old');

    await s.cli(['sync', '--quiet', '--approve', '--at', noon(0)]);
    for (const person of people.slice(0, 12)) {
      const [u, ...more] = await s.byId(`P-${person.id}`);
      assert.ok(u && more.length === 0, `one account for ${person.id}`);
      assert.equal(one(u.entry, 'sAMAccountName'), `l${person.id}-${RUN}`, 'the legacy account itself, adopted');
      assert.equal(one(u.entry, 'displayName'), `${person.first} Legacy`, 'and brought to the rules');
      assert.ok(u.groups.includes('GG-Sales'));
    }
    const [fresh, ...dup] = await s.byId('P-7420');
    assert.ok(fresh && dup.length === 0, 'person 7420 got a new account with P-7420');
    const payroll = await s.bySam(`pay-${RUN}`);
    assert.equal(one(payroll.entry, 'whenChanged'), one(payrollBefore.entry, 'whenChanged'), 'the payroll account is untouched');
    assert.equal(one(payroll.entry, 'employeeID'), '7420');
    const again = await s.plan(noon(0));
    assert.deepEqual(again.operations.filter((o) => o.target === 'ad').map((o) => `${o.action} ${o.personId}`), [], 'converged');
    assert.equal(again.summary['unmatched'], 1, 'the payroll account is reported as unmatched');

    // Person 7420 leaves: their P-7420 account is disabled, the payroll account with the raw id is left alone.
    s.personio.company.upsert(employee({ ...(people.at(-1) as EmployeeSpec), terminationDate: day(1) }));
    await s.cli(['sync', '--quiet', '--at', noon(2)]);
    assert.equal(disabled((await s.byId('P-7420'))[0] as RawUser), true);
    assert.equal(disabled(await s.bySam(`pay-${RUN}`)), false, 'the payroll account stays enabled');
  });
});
