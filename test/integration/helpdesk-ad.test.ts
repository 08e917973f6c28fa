/**
 * The helpdesk service on the real Samba AD DC, in process (Personio simulator → AD): an edit of a rule-mapped
 * telephoneNumber survives the next full sync, a temporary disable survives it and enable restores, a group a form
 * granted or removed stays so, a protected account is refused even when the call names it directly, and a reset
 * lets the user bind with the new password. Every result is read back raw over LDAPS as Administrator.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ldapts';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { explainPerson, formatExplanation } from '../../src/core/explain.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createHelpdesk, HelpdeskError, type Helpdesk } from '../../src/engine/helpdesk/index.js';
import { createLogger } from '../../src/engine/log.js';
import { preparePlan } from '../../src/engine/planning.js';
import { fullSync } from '../../src/engine/sync.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { adE2eTree, createTree, DOMAIN_DN, E2E_OU_PREFIX, one, rawAdmin, removeTree, usersWithEmployeeId, writeAdE2eConfig, type AdE2eTree, type RawUser } from '../support/ad-e2e-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';
import { createLockoutPolicy, lockOutByBinds, sambaCtl, userBind, type LockoutPolicy } from '../support/samba.js';

const RUN = randomBytes(3).toString('hex');
/** Own OU prefix: suites sweeping leftover `Cadre E2E …` trees must not remove this one while it runs. */
const PREFIX = 'Cadre Helpdesk';
const tree = Object.fromEntries(Object.entries(adE2eTree('helpdesk', RUN)).map(([k, v]) => [k, v.replace(`OU=${E2E_OU_PREFIX} helpdesk `, `OU=${PREFIX} `)])) as unknown as AdE2eTree;
// sAMAccountNames and UPNs are domain-wide: names unique to this run.
const suffix = RUN.replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)] as string);

const people: EmployeeSpec[] = [
  { id: 1, first: 'Paula', last: `Phone${suffix}`, department: 'Sales', office: 'Berlin', phone: '+49 30 1000' },
  { id: 2, first: 'Hanna', last: `Hamburg${suffix}`, department: 'Sales', office: 'Hamburg' },
  { id: 3, first: 'Fritz', last: `Finance${suffix}`, department: 'Finance', office: 'Berlin' },
  { id: 4, first: 'Rita', last: `Reset${suffix}`, department: 'Sales', office: 'Berlin' },
];

const forms = `protection:
  accounts: [{ dn: "*,${tree.hamburg}", reason: board members }]
  memberOf: [GG-Finance]
  groups: [GG-Finance]
forms:
  - { id: reset, type: resetPassword, roles: [helpdesk], targets: [ad], password: { generate: true, allowTyped: true, mustChange: ask } }
  - { id: unlock, type: unlock, roles: [helpdesk], targets: [ad] }
  - { id: edit-phone, type: edit, roles: [helpdesk], targets: [ad], attributes: [telephoneNumber, mobile], overrideDays: 90 }
  - { id: lost-laptop, type: disable, roles: [helpdesk], targets: [ad], maxDays: 30 }
  - { id: groups, type: groups, roles: [helpdesk], targets: [ad], groups: [GG-Engineering, GG-Sales] }
`;

const alice = { id: 'alice', role: 'helpdesk' };

/** Trees of this suite's crashed earlier runs (they hold domain-wide names). */
async function removeOwnLeftovers(admin: Client): Promise<void> {
  const r = await admin.search(DOMAIN_DN, { scope: 'one', filter: '(objectClass=organizationalUnit)', attributes: ['ou'] });
  for (const e of r.searchEntries) {
    if (String(e['ou']).startsWith(`${PREFIX} `)) await removeTree(admin, { root: e.dn } as AdE2eTree);
  }
}

describe('helpdesk service on AD (Samba)', () => {
  let dir: string;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let admin: Client;
  let engine: Engine;
  let hd: Helpdesk;
  let pso: LockoutPolicy | undefined;

  const acct = async (pid: number): Promise<RawUser> => {
    const found = await usersWithEmployeeId(admin, pid, tree.root);
    assert.equal(found.length, 1, `exactly one account with employeeID ${pid}`);
    return found[0] as RawUser;
  };
  const sync = async (): Promise<void> => { await fullSync(engine, { actor: 'test' }); };
  const refused = (code: string) => (e: unknown): boolean => {
    assert.ok(e instanceof HelpdeskError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  };

  before(async () => {
    await sambaCtl('start');
    admin = await rawAdmin();
    await removeOwnLeftovers(admin);
    await createTree(admin, tree);
    dir = mkdtempSync(join(tmpdir(), 'cadre-helpdesk-ad-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    const file = writeAdE2eConfig({ dir, personioUrl: personio.url, tree, extra: forms });
    engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('silent') });
    hd = createHelpdesk(engine, { waitMs: 60_000 });
    await sync();
    for (const p of people) assert.equal(one((await acct(p.id)).entry, 'userAccountControl'), '512');
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await pso?.remove().catch(() => undefined);
    if (admin) {
      await removeTree(admin, tree).catch(() => undefined);
      await admin.unbind().catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an edit of telephoneNumber (mapped from HR) is written now and survives the next full sync; explain shows the override', async () => {
    assert.equal(one((await acct(1)).entry, 'telephoneNumber'), '+49 30 1000');
    await assert.rejects(hd.edit({ principal: alice, formId: 'edit-phone', personId: '1', target: 'ad', attributes: { department: 'Board' } }), refused('HELPDESK_ATTRIBUTE_NOT_ALLOWED'));
    const r = await hd.edit({ principal: alice, formId: 'edit-phone', personId: '1', target: 'ad', attributes: { telephoneNumber: '+49 30 2222', mobile: '+49 170 1' } });
    assert.deepEqual(r.overrides, ['telephoneNumber'], 'mobile is mapped by no rule: written once');
    let e = (await acct(1)).entry;
    assert.equal(one(e, 'telephoneNumber'), '+49 30 2222');
    assert.equal(one(e, 'mobile'), '+49 170 1');
    await sync();
    e = (await acct(1)).entry;
    assert.equal(one(e, 'telephoneNumber'), '+49 30 2222', 'the full sync keeps the helpdesk edit');
    assert.equal(one(e, 'mobile'), '+49 170 1');
    const prepared = await preparePlan(engine, { source: { kind: 'store' }, onlyPersons: ['1'], storedAccounts: true });
    const text = formatExplanation(explainPerson('1', prepared.input));
    assert.match(text, /telephoneNumber = "\+49 30 2222" {2}← override: set by web:alice on \d{4}-\d{2}-\d{2}, until \d{4}-\d{2}-\d{2} \(form edit-phone\)/);
  });

  test('a temporary disable survives the next full sync, and enable restores the account', async () => {
    const r = await hd.disable({ principal: alice, formId: 'lost-laptop', personId: '1', target: 'ad', reason: 'lost laptop' });
    assert.ok(r.operations.some((o) => o.action === 'disable' && o.status === 'done'));
    assert.equal(one((await acct(1)).entry, 'userAccountControl'), '514');
    await sync();
    assert.equal(one((await acct(1)).entry, 'userAccountControl'), '514', 'the hold keeps it disabled');
    await hd.enable({ principal: alice, formId: 'lost-laptop', personId: '1', target: 'ad', reason: 'found' });
    assert.equal(one((await acct(1)).entry, 'userAccountControl'), '512');
    await sync();
    assert.equal(one((await acct(1)).entry, 'userAccountControl'), '512');
  });

  test('groups: a form grant of a managed group is not revoked and a removed rule group is not granted back', async () => {
    await assert.rejects(hd.groups({ principal: alice, formId: 'groups', personId: '1', target: 'ad', add: ['GG-Finance'] }), refused('HELPDESK_GROUP_PROTECTED'));
    await hd.groups({ principal: alice, formId: 'groups', personId: '1', target: 'ad', add: ['GG-Engineering'], remove: ['GG-Sales'] });
    assert.deepEqual((await acct(1)).groups, ['GG-All-Staff', 'GG-Engineering', 'GG-Loc-Berlin']);
    await sync();
    assert.deepEqual((await acct(1)).groups, ['GG-All-Staff', 'GG-Engineering', 'GG-Loc-Berlin']);
  });

  test('a protected account is refused even when the call names it directly, and nothing changes', async () => {
    const hanna = await acct(2);
    const fritz = await acct(3);
    assert.match(hanna.dn, /OU=Hamburg/);
    await assert.rejects(hd.resetPassword({ principal: alice, formId: 'reset', personId: '2', target: 'ad', password: 'Str0ng-Passw0rd!x' }), (e: unknown) => {
      assert.ok(e instanceof HelpdeskError);
      assert.equal(e.code, 'HELPDESK_PROTECTED');
      assert.match(e.message, /protection\.accounts\[0\] \(dn: \*,OU=Hamburg/);
      return true;
    });
    await assert.rejects(hd.disable({ principal: alice, formId: 'lost-laptop', personId: '3', target: 'ad', reason: 'x' }), refused('HELPDESK_PROTECTED'));
    await assert.rejects(hd.unlock({ principal: alice, formId: 'unlock', personId: '3', target: 'ad' }), refused('HELPDESK_PROTECTED'));
    assert.equal(one((await acct(2)).entry, 'pwdLastSet'), one(hanna.entry, 'pwdLastSet'), 'no password was set');
    assert.equal(one((await acct(3)).entry, 'userAccountControl'), one(fritz.entry, 'userAccountControl'));
    assert.deepEqual(await hd.formsFor(alice, '2'), [], 'the console offers no form on a protected account');
  });

  test('a reset lets the user bind with the new password; a generated one must be changed first; unlock ends a lockout', async () => {
    const rita = await acct(4);
    const upn = one(rita.entry, 'userPrincipalName') as string;
    await assert.rejects(hd.resetPassword({ principal: alice, formId: 'reset', personId: '4', target: 'ad', password: `${one(rita.entry, 'sAMAccountName')}-A1!` }), refused('HELPDESK_PASSWORD_POLICY'));
    const typed = `Helpdesk-${RUN}-Zz9!`;
    const r = await hd.resetPassword({ principal: alice, formId: 'reset', personId: '4', target: 'ad', password: typed, mustChange: false });
    assert.equal(r.mustChange, false);
    assert.equal(await userBind(upn, typed), 'ok');
    const gen = await hd.resetPassword({ principal: alice, formId: 'reset', personId: '4', target: 'ad' });
    assert.equal(gen.generated, true);
    assert.equal(await userBind(upn, gen.password), 'mustChange', 'must change at next logon');
    // Lock Rita out for real (a PSO with a lockout threshold applies to her alone), then unlock through the form.
    const back = await hd.resetPassword({ principal: alice, formId: 'reset', personId: '4', target: 'ad', password: typed, mustChange: false });
    assert.equal(back.password, typed);
    pso = await createLockoutPolicy(admin, `Cadre Helpdesk ${RUN}`);
    await pso.applyTo(rita.dn);
    await lockOutByBinds(rita.dn);
    assert.equal((await hd.accountsOf('4')).find((a) => a.target === 'ad')?.status?.locked, true);
    const u = await hd.unlock({ principal: alice, formId: 'unlock', personId: '4', target: 'ad' });
    assert.equal(u.wasLocked, true);
    assert.equal(await userBind(upn, typed), 'ok');
    // No password is in the audit trail or the store's files.
    for (const f of readdirSync(dir).filter((n) => n.startsWith('cadre.db'))) {
      const bytes = readFileSync(join(dir, f));
      for (const pw of [typed, gen.password]) assert.ok(!bytes.includes(Buffer.from(pw, 'utf8')), `${f} holds a password`);
    }
    const events: string[] = [];
    for await (const page of engine.store.audit.iterate()) for (const row of page) {
      events.push(row.event);
      assert.ok(!JSON.stringify(row).includes(typed) && !JSON.stringify(row).includes(gen.password));
    }
    assert.equal(events.filter((x) => x === 'helpdesk.resetPassword').length, 3);
    assert.ok(events.includes('helpdesk.resetPassword.refused'));
    assert.ok(events.includes('helpdesk.unlock'));
  });
});
