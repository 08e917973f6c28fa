/**
 * The helpdesk service against a real SQLite store and the in-memory reference target (every helpdesk capability):
 * checks and refusals, audit in one place, passwords never kept, edits and groups kept by overrides, temporary
 * disable as a hold. The same flows run against Samba in helpdesk-ad.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configGuard, type CadreConfig } from '../../src/config/schema.js';
import type { Person } from '../../src/core/model.js';
import { applyPrepared } from '../../src/engine/apply.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { createHelpdesk, HelpdeskError, type Helpdesk } from '../../src/engine/helpdesk/index.js';
import { acquireRunLease, withRunLease } from '../../src/engine/lease.js';
import { preparePlan } from '../../src/engine/planning.js';
import { createMemoryTarget, type MemoryTarget } from '../../src/targets/conformance/memory-target.js';

const person = (id: string, first: string, last: string, over: Partial<Person> = {}): Person => ({
  id, firstName: first, lastName: last, status: 'active', costCenters: [], custom: {}, hireDate: '2020-01-01', department: 'Sales', ...over,
});

const PEOPLE = [
  person('1', 'Erika', 'Muster'),
  person('2', 'Max', 'Admin', { department: 'IT' }),
  person('3', 'Otto', 'Finanz', { department: 'Finance' }),
  person('4', 'Break', 'Glass'),
  person('5', 'Mia', 'Report', { supervisorId: '6' }),
  person('6', 'Manu', 'Manager'),
];

function configFor(dir: string): CadreConfig {
  return configGuard.parse({
    source: { type: 'personio', baseUrl: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
    store: { driver: 'sqlite', path: join(dir, 'cadre.db') },
    identifiers: { username: { patterns: ['{f}{last}', '{f}{last}{n}'] } },
    targets: {
      mem: {
        type: 'memory',
        attributes: { displayName: '{{ firstName }} {{ lastName }}', department: '{{ department }}', userPrincipalName: '{{ id.username }}@example.com' },
        identifiers: { username: ['sAMAccountName'] },
        managedEntitlements: ['GG-*'],
        exclude: [{ upn: 'gglass@example.com', reason: 'break-glass' }],
      },
    },
    entitlements: [
      { name: 'all', grant: { mem: ['GG-All'] } },
      { name: 'sales', when: { department: 'Sales' }, grant: { mem: ['GG-Sales'] } },
      { name: 'tier0', when: { department: 'IT' }, grant: { mem: ['GG-Tier0'] } },
    ],
    protection: { accounts: [{ upn: 'nobody*@example.com' }], memberOf: ['GG-Tier0'], groups: ['GG-Tier0'] },
    forms: [
      { id: 'reset', type: 'resetPassword', roles: ['helpdesk'], password: { generate: true, allowTyped: true, mustChange: 'ask' } },
      { id: 'reset-generated', type: 'resetPassword', roles: ['helpdesk'], scope: { when: { department: 'Sales' } } },
      { id: 'unlock', type: 'unlock', roles: ['helpdesk', 'manager'] },
      { id: 'edit', type: 'edit', roles: ['helpdesk'], attributes: ['telephoneNumber', 'department'], overrideDays: 10 },
      { id: 'lost-laptop', type: 'disable', roles: ['helpdesk'], maxDays: 30 },
      { id: 'groups', type: 'groups', oidcGroups: ['Group-Admins'], groups: ['GG-VPN', 'GG-Sales'] },
      { id: 'staff-only', type: 'unlock', roles: ['helpdesk'], scope: { containers: ['OU=Staff,DC=ex'] } },
    ],
  });
}

const helpdesk = { id: 'alice', role: 'helpdesk' };

describe('helpdesk service (SQLite store, memory target)', () => {
  let dir: string;
  let engine: Engine;
  let mem: MemoryTarget;
  let hd: Helpdesk;
  let clock = new Date('2026-12-02T10:00:00Z');
  const anchorOf = async (personId: string): Promise<string> => (await engine.store.accounts.byPerson(personId))[0]?.anchor ?? '';
  const sync = async (): Promise<string[]> => withRunLease(engine, { command: 'test' }, async (lease) => {
    const prepared = await preparePlan(engine, { source: { kind: 'store' } });
    await applyPrepared(engine, prepared, { actor: 'test', lease, storePersons: 'none' });
    return prepared.plan.operations.map((o) => `${o.personId}:${o.action}${o.entitlement ? `:${o.entitlement}` : ''}${o.action === 'update' ? `:${o.changes.map((c) => c.attribute).join(',')}` : ''}`);
  });
  const refused = (code: string) => (e: unknown): boolean => {
    assert.ok(e instanceof HelpdeskError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.refused, true);
    return true;
  };
  const auditRows = async (): Promise<{ event: string; actor: string; personId?: string | null; payload: string }[]> => {
    const rows: { event: string; actor: string; personId?: string | null; payload: string }[] = [];
    for await (const page of engine.store.audit.iterate()) for (const r of page) rows.push({ event: r.event, actor: r.actor, personId: r.personId ?? null, payload: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload) });
    return rows;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-helpdesk-'));
    const opened = await openEngine(configFor(dir), { storeOnly: true, now: () => clock });
    mem = createMemoryTarget({ name: 'mem', identifierAttributes: { username: ['sAMAccountName'] } });
    engine = { ...opened, targets: new Map([['mem', mem.connector]]) };
    hd = createHelpdesk(engine, { waitMs: 5000 });
    await engine.store.persons.replaceAll(PEOPLE);
    const ops = await sync();
    assert.equal(ops.filter((o) => o.endsWith(':create')).length, 6);
    assert.deepEqual(await sync(), [], 'in sync');
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reset with a generated password: returned once, works, must change; audited without it, stored nowhere', async () => {
    const r = await hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '1' });
    assert.equal(r.generated, true);
    assert.equal(r.mustChange, true);
    assert.equal(r.password.length, 16);
    assert.ok(mem.verifyPassword(r.anchor, r.password));
    assert.equal(mem.row(r.anchor)?.mustChangePassword, true);
    const typed = 'Typed-Secret-4711!';
    const t = await hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: typed, mustChange: false });
    assert.equal(t.generated, false);
    assert.ok(mem.verifyPassword(t.anchor, typed));
    assert.equal(mem.row(t.anchor)?.mustChangePassword, false);
    const rows = await auditRows();
    const resets = rows.filter((x) => x.event === 'helpdesk.resetPassword');
    assert.equal(resets.length, 2);
    assert.equal(resets[0]?.actor, 'web:alice');
    assert.equal(resets[0]?.personId, '1');
    assert.match(resets[0]?.payload ?? '', /"form":"reset-generated"/);
    assert.deepEqual([JSON.parse(resets[1]?.payload ?? '{}').generated, JSON.parse(resets[1]?.payload ?? '{}').mustChange], [false, false]);
    // Neither password is in any audit row, nor anywhere in the store's files (database, WAL).
    for (const pw of [r.password, typed]) {
      assert.ok(!rows.some((x) => JSON.stringify(x).includes(pw)), 'audit rows');
      for (const f of readdirSync(dir).filter((n) => n.startsWith('cadre.db'))) {
        assert.ok(!readFileSync(join(dir, f)).includes(Buffer.from(pw, 'utf8')), `${f} holds the password`);
      }
    }
  });

  test('a typed password is checked against the target policy first; a form without allowTyped refuses one', async () => {
    const weak = 'muster1';
    await assert.rejects(hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: weak }), refused('HELPDESK_PASSWORD_POLICY'));
    await assert.rejects(hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '1', password: 'Typed-Secret-4711!' }), refused('HELPDESK_TYPED_NOT_ALLOWED'));
    const rows = await auditRows();
    const refusedRows = rows.filter((x) => x.event === 'helpdesk.resetPassword.refused');
    assert.deepEqual(refusedRows.map((x) => JSON.parse(x.payload).code), ['HELPDESK_PASSWORD_POLICY', 'HELPDESK_TYPED_NOT_ALLOWED']);
    assert.ok(!rows.some((x) => x.payload.includes(weak)));
  });

  test('every check refuses from the arguments alone, and each refusal is audited with its reason', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => hd.unlock({ principal: helpdesk, formId: 'nope', personId: '1' }), 'HELPDESK_FORM_UNKNOWN'],
      [() => hd.unlock({ principal: helpdesk, formId: 'reset', personId: '1' }), 'HELPDESK_FORM_TYPE'],
      [() => hd.unlock({ principal: { id: 'eve', role: 'auditor' }, formId: 'unlock', personId: '1' }), 'HELPDESK_FORBIDDEN'],
      [() => hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '999' }), 'HELPDESK_PERSON_UNKNOWN'],
      [() => hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '1', target: 'ad' }), 'HELPDESK_TARGET_NOT_IN_FORM'],
      [() => hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '3' }), 'HELPDESK_OUT_OF_SCOPE'],
      [() => hd.unlock({ principal: helpdesk, formId: 'staff-only', personId: '1' }), 'HELPDESK_OUT_OF_SCOPE'],
      // Member of a protected group (GG-Tier0), and the break-glass account Cadre itself excludes.
      [() => hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '2' }), 'HELPDESK_PROTECTED'],
      [() => hd.unlock({ principal: { id: 'mgr', role: 'manager', personId: '6' }, formId: 'unlock', personId: '1' }), 'HELPDESK_FORBIDDEN'],
    ];
    const mark = (await auditRows()).length;
    for (const [p, code] of cases) await assert.rejects(p(), refused(code));
    const rows = (await auditRows()).slice(mark);
    assert.deepEqual(rows.map((x) => [x.event.endsWith('.refused'), JSON.parse(x.payload).code]), cases.map(([, c]) => [true, c]));
    assert.match(rows.find((x) => /PROTECTED/.test(x.payload))?.payload ?? '', /protection\.memberOf: GG-Tier0/);
    // A manager may unlock their own report.
    await hd.unlock({ principal: { id: 'mgr', role: 'manager', personId: '6' }, formId: 'unlock', personId: '5' });
  });

  test('an account Cadre excludes is never a helpdesk target, even named directly', async () => {
    // Person 4's account becomes break-glass: its UPN now matches targets.mem.exclude.
    const a = await engine.store.accounts.byPerson('4');
    const anchor = a[0]?.anchor ?? '';
    await mem.connector.apply({ id: 'x', target: 'mem', action: 'update', personId: '4', anchor, changes: [{ attribute: 'userPrincipalName', from: null, to: 'gglass@example.com' }], reason: { kind: 'manual', source: 'test', detail: '' }, dependsOn: [] }, { resolveAnchor: async () => undefined });
    await assert.rejects(hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '4', target: 'mem' }), (e: unknown) => {
      assert.ok(e instanceof HelpdeskError);
      assert.equal(e.code, 'HELPDESK_PROTECTED');
      assert.match(e.message, /excluded from Cadre \(targets\.mem\.exclude\[0\]/);
      return true;
    });
    assert.equal(mem.row(anchor)?.passwordHash, undefined, 'no password was set');
  });

  test('unlock clears a lockout; audited with before and after', async () => {
    const anchor = await anchorOf('1');
    mem.lockOut(anchor);
    assert.equal((await hd.accountsOf('1'))[0]?.status?.locked, true);
    const r = await hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '1' });
    assert.equal(r.wasLocked, true);
    assert.equal(mem.row(anchor)?.locked, false);
    const row = (await auditRows()).filter((x) => x.event === 'helpdesk.unlock').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after], [{ locked: true }, { locked: false }]);
  });

  test('edit: outside the whitelist refused; a mapped attribute becomes an override that sync keeps until it expires', async () => {
    await assert.rejects(hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { displayName: 'Hacked' } }), refused('HELPDESK_ATTRIBUTE_NOT_ALLOWED'));
    await assert.rejects(hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { telephoneNumber: 'x\u0000y' } }), refused('HELPDESK_VALUE_INVALID'));
    const anchor = await anchorOf('1');
    const phone = await hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { telephoneNumber: '+49 30 1234' } });
    assert.deepEqual(phone.overrides, [], 'no rule maps telephoneNumber: written once, nothing kept');
    assert.equal(mem.row(anchor)?.attributes['telephoneNumber'], '+49 30 1234');
    const dept = await hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { department: 'Key Accounts' }, reason: 'ticket 42' });
    assert.deepEqual(dept.overrides, ['department']);
    assert.ok(dept.operations.some((o) => o.action === 'update' && o.status === 'done'));
    assert.equal(mem.row(anchor)?.attributes['department'], 'Key Accounts');
    const [o] = await engine.store.overrides.byPerson('1');
    assert.equal(o?.expiresAt, '2026-12-12');
    assert.equal(o?.actor, 'web:alice');
    assert.equal(o?.reason, 'form edit: ticket 42');
    assert.deepEqual(await sync(), [], 'the next sync keeps both edits');
    assert.equal(mem.row(anchor)?.attributes['telephoneNumber'], '+49 30 1234');
    const row = (await auditRows()).filter((x) => x.event === 'helpdesk.edit').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after, p.until], [{ department: 'Sales' }, { department: 'Key Accounts' }, '2026-12-12']);
    // After the last day (in Europe/Berlin), the rule's value returns.
    clock = new Date('2026-12-12T23:30:00Z');
    assert.deepEqual(await sync(), ['1:update:department']);
    assert.equal(mem.row(anchor)?.attributes['department'], 'Sales');
    clock = new Date('2026-12-02T10:00:00Z');
  });

  test('groups: OIDC group members only, protected groups refused, a form grant and a removal survive the next sync', async () => {
    const admin = { id: 'gina', role: 'helpdesk', groups: ['Group-Admins'] };
    await assert.rejects(hd.groups({ principal: helpdesk, formId: 'groups', personId: '1', add: ['GG-VPN'] }), refused('HELPDESK_FORBIDDEN'));
    await assert.rejects(hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['GG-Tier0'] }), refused('HELPDESK_GROUP_PROTECTED'));
    await assert.rejects(hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['GG-Other'] }), refused('HELPDESK_GROUP_NOT_IN_FORM'));
    const anchor = await anchorOf('1');
    const r = await hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['gg-vpn'], remove: ['GG-Sales'] });
    assert.deepEqual(r.overrides, ['entitlement:GG-VPN', 'entitlement:GG-Sales']);
    assert.deepEqual([...(mem.row(anchor)?.entitlements ?? [])].sort(), ['GG-All', 'GG-VPN']);
    assert.deepEqual(await sync(), [], 'GG-VPN is managed (GG-*) yet not revoked; GG-Sales is not granted back');
    const row = (await auditRows()).filter((x) => x.event === 'helpdesk.groups').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after], [{ 'GG-VPN': false, 'GG-Sales': true }, { 'GG-VPN': true, 'GG-Sales': false }]);
    assert.equal(row?.actor, 'web:gina');
  });

  test('temporary disable is a hold: disabled now, kept by sync, enabled again by enable', async () => {
    const anchor = await anchorOf('3');
    await assert.rejects(hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: ' ' }), refused('HELPDESK_REASON_REQUIRED'));
    await assert.rejects(hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'x', until: '2027-06-01' }), refused('HELPDESK_TOO_LONG'));
    const r = await hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'lost laptop' });
    assert.equal(r.until, '2027-01-01', 'maxDays bounds an open-ended request');
    assert.equal(mem.row(anchor)?.enabled, false);
    assert.deepEqual(await sync(), [], 'the hold keeps it disabled');
    assert.equal(mem.row(anchor)?.enabled, false);
    const [hold] = await engine.store.holds.byPerson('3');
    assert.equal(hold?.disable, true);
    assert.equal(hold?.actor, 'web:alice');
    // A held person gets no edits meanwhile (they would be withheld): refused with the reason.
    await assert.rejects(hd.edit({ principal: helpdesk, formId: 'edit', personId: '3', attributes: { telephoneNumber: '1' } }), refused('HELPDESK_HELD'));
    await hd.enable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'found it' });
    assert.equal(mem.row(anchor)?.enabled, true);
    await assert.rejects(hd.enable({ principal: helpdesk, formId: 'lost-laptop', personId: '3' }), refused('HELPDESK_NOT_DISABLED'));
    const events = (await auditRows()).map((x) => x.event);
    for (const e of ['helpdesk.disable', 'hold.added', 'helpdesk.enable', 'hold.removed', 'helpdesk.disable.refused', 'helpdesk.enable.refused']) assert.ok(events.includes(e), e);
  });

  test('a plan-backed action waits for a running sync\'s lease, and gives up with nothing changed when it takes too long', async () => {
    const impatient = createHelpdesk(engine, { waitMs: 300 });
    const before = await engine.store.overrides.byPerson('6');
    const lease = await acquireRunLease(engine, { command: 'test' });
    try {
      await assert.rejects(impatient.edit({ principal: helpdesk, formId: 'edit', personId: '6', attributes: { department: 'Board' } }), (e: unknown) => {
        assert.ok(e instanceof HelpdeskError);
        assert.equal(e.code, 'HELPDESK_BUSY');
        assert.equal(e.refused, false);
        return true;
      });
    } finally {
      await lease.release();
    }
    assert.deepEqual(await engine.store.overrides.byPerson('6'), before, 'the override was taken back');
    assert.equal((await auditRows()).filter((x) => x.event === 'helpdesk.edit.failed').length, 1);
    // Waiting: the call goes through once the other run gives the lease up.
    const other = await acquireRunLease(engine, { command: 'test' });
    const pending = hd.edit({ principal: helpdesk, formId: 'edit', personId: '6', attributes: { department: 'Board' } });
    setTimeout(() => { void other.release(); }, 200);
    const r = await pending;
    assert.deepEqual(r.overrides, ['department']);
    assert.equal(mem.row(await anchorOf('6'))?.attributes['department'], 'Board');
  });

  test('an edit the plan cannot carry out is reported as not applied, never as done', async () => {
    // HR moved the hire date far out: the planner leaves the account alone, so the edit cannot happen.
    const mia = PEOPLE.find((x) => x.id === '5') as Person;
    await engine.store.persons.upsertMany([{ ...mia, hireDate: '2027-09-01' }]);
    try {
      await assert.rejects(hd.edit({ principal: helpdesk, formId: 'edit', personId: '5', attributes: { department: 'Board' } }), (e: unknown) => {
        assert.ok(e instanceof HelpdeskError);
        assert.equal(e.code, 'HELPDESK_NOT_APPLIED');
        assert.match(e.message, /nothing was planned for department in mem/);
        return true;
      });
      assert.deepEqual(await engine.store.overrides.byPerson('5'), [], 'the override was taken back');
      assert.notEqual(mem.row(await anchorOf('5'))?.attributes['department'], 'Board');
    } finally {
      await engine.store.persons.upsertMany([mia]);
    }
  });

  test('formsFor lists what a principal may use on a person, where; accountsOf shows the live status', async () => {
    const forms = await hd.formsFor(helpdesk, '1');
    assert.deepEqual(forms.map((f) => f.id), ['reset', 'reset-generated', 'unlock', 'edit', 'lost-laptop']);
    assert.deepEqual(forms[0]?.targets, ['mem']);
    assert.deepEqual((await hd.formsFor(helpdesk, '3')).map((f) => f.id), ['reset', 'unlock', 'edit', 'lost-laptop'], 'reset-generated is scoped to Sales');
    assert.deepEqual(await hd.formsFor(helpdesk, '2'), [], 'a protected account offers no form');
    assert.deepEqual((await hd.formsFor({ id: 'gina', role: 'auditor', groups: ['group-admins'] }, '1')).map((f) => f.id), ['groups']);
    const [acct] = await hd.accountsOf('1');
    assert.equal(acct?.status?.locked, false);
    assert.equal(acct?.enabled, true);
  });
});
