/**
 * The helpdesk service against a real SQLite store and the in-memory reference target: the checks every call goes
 * through and their audited refusals, password resets (never kept anywhere), unlock, exclusions, formsFor. Edits,
 * groups and temporary disable are in helpdesk-service-planned.test.ts; the same flows run on Samba in
 * helpdesk-ad.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HelpdeskError } from '../../src/engine/helpdesk/index.js';
import { helpdesk, openHelpdeskHarness, refused, type HelpdeskHarness } from '../support/helpdesk-memory.js';

describe('helpdesk service: checks, resets, unlock (SQLite store, memory target)', () => {
  let h: HelpdeskHarness;
  before(async () => { h = await openHelpdeskHarness(); });
  after(async () => { await h.close(); });

  test('reset with a generated password: returned once, works, must change; audited without it, stored nowhere', async () => {
    const r = await h.hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '1' });
    assert.equal(r.generated, true);
    assert.equal(r.mustChange, true);
    assert.equal(r.password.length, 16);
    assert.ok(h.mem.verifyPassword(r.anchor, r.password));
    assert.equal(h.mem.row(r.anchor)?.mustChangePassword, true);
    const typed = 'Typed-Secret-4711!';
    const t = await h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: typed, mustChange: false });
    assert.equal(t.generated, false);
    assert.ok(h.mem.verifyPassword(t.anchor, typed));
    assert.equal(h.mem.row(t.anchor)?.mustChangePassword, false);
    const rows = await h.auditRows();
    const resets = rows.filter((x) => x.event === 'helpdesk.resetPassword');
    assert.equal(resets.length, 2);
    assert.equal(resets[0]?.actor, 'web:alice');
    assert.equal(resets[0]?.personId, '1');
    assert.match(resets[0]?.payload ?? '', /"form":"reset-generated"/);
    assert.deepEqual([JSON.parse(resets[1]?.payload ?? '{}').generated, JSON.parse(resets[1]?.payload ?? '{}').mustChange], [false, false]);
    // Neither password is in any audit row, nor anywhere in the store's files (database, WAL).
    for (const pw of [r.password, typed]) {
      assert.ok(!rows.some((x) => JSON.stringify(x).includes(pw)), 'audit rows');
      for (const f of readdirSync(h.dir).filter((n) => n.startsWith('cadre.db'))) {
        assert.ok(!readFileSync(join(h.dir, f)).includes(Buffer.from(pw, 'utf8')), `${f} holds the password`);
      }
    }
  });

  test('a typed password is checked against the target policy first; a form without allowTyped refuses one', async () => {
    const weak = 'muster1';
    await assert.rejects(h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: weak }), refused('HELPDESK_PASSWORD_POLICY'));
    await assert.rejects(h.hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '1', password: 'Typed-Secret-4711!' }), refused('HELPDESK_TYPED_NOT_ALLOWED'));
    const rows = await h.auditRows();
    const refusedRows = rows.filter((x) => x.event === 'helpdesk.resetPassword.refused');
    assert.deepEqual(refusedRows.map((x) => JSON.parse(x.payload).code), ['HELPDESK_PASSWORD_POLICY', 'HELPDESK_TYPED_NOT_ALLOWED']);
    assert.ok(!rows.some((x) => x.payload.includes(weak)));
  });

  test('every check refuses from the arguments alone, and each refusal is audited with its reason', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => h.hd.unlock({ principal: helpdesk, formId: 'nope', personId: '1' }), 'HELPDESK_FORM_UNKNOWN'],
      [() => h.hd.unlock({ principal: helpdesk, formId: 'reset', personId: '1' }), 'HELPDESK_FORM_TYPE'],
      [() => h.hd.unlock({ principal: { id: 'eve', role: 'auditor' }, formId: 'unlock', personId: '1' }), 'HELPDESK_FORBIDDEN'],
      [() => h.hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '999' }), 'HELPDESK_PERSON_UNKNOWN'],
      [() => h.hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '1', target: 'ad' }), 'HELPDESK_TARGET_NOT_IN_FORM'],
      [() => h.hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '3' }), 'HELPDESK_OUT_OF_SCOPE'],
      [() => h.hd.unlock({ principal: helpdesk, formId: 'staff-only', personId: '1' }), 'HELPDESK_OUT_OF_SCOPE'],
      // Member of a protected group (GG-Tier0), and the break-glass account Cadre itself excludes.
      [() => h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '2' }), 'HELPDESK_PROTECTED'],
      [() => h.hd.unlock({ principal: { id: 'mgr', role: 'manager', personId: '6' }, formId: 'unlock', personId: '1' }), 'HELPDESK_FORBIDDEN'],
    ];
    const mark = (await h.auditRows()).length;
    for (const [p, code] of cases) await assert.rejects(p(), refused(code));
    const rows = (await h.auditRows()).slice(mark);
    assert.deepEqual(rows.map((x) => [x.event.endsWith('.refused'), JSON.parse(x.payload).code]), cases.map(([, c]) => [true, c]));
    assert.match(rows.find((x) => /PROTECTED/.test(x.payload))?.payload ?? '', /protection\.memberOf: GG-Tier0/);
    // A manager may unlock their own report.
    await h.hd.unlock({ principal: { id: 'mgr', role: 'manager', personId: '6' }, formId: 'unlock', personId: '5' });
  });

  test('an account Cadre excludes is never a helpdesk target, even named directly', async () => {
    // Person 4's account becomes break-glass: its UPN now matches targets.mem.exclude.
    const a = await h.engine.store.accounts.byPerson('4');
    const anchor = a[0]?.anchor ?? '';
    await h.mem.connector.apply({ id: 'x', target: 'mem', action: 'update', personId: '4', anchor, changes: [{ attribute: 'userPrincipalName', from: null, to: 'gglass@example.com' }], reason: { kind: 'manual', source: 'test', detail: '' }, dependsOn: [] }, { resolveAnchor: async () => undefined });
    await assert.rejects(h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '4', target: 'mem' }), (e: unknown) => {
      assert.ok(e instanceof HelpdeskError);
      assert.equal(e.code, 'HELPDESK_PROTECTED');
      assert.match(e.message, /excluded from Cadre \(targets\.mem\.exclude\[0\]/);
      return true;
    });
    assert.equal(h.mem.row(anchor)?.passwordHash, undefined, 'no password was set');
  });

  test('unlock clears a lockout; audited with before and after', async () => {
    const anchor = await h.anchorOf('1');
    h.mem.lockOut(anchor);
    assert.equal((await h.hd.accountsOf('1'))[0]?.status?.locked, true);
    const r = await h.hd.unlock({ principal: helpdesk, formId: 'unlock', personId: '1' });
    assert.equal(r.wasLocked, true);
    assert.equal(h.mem.row(anchor)?.locked, false);
    const row = (await h.auditRows()).filter((x) => x.event === 'helpdesk.unlock').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after], [{ locked: true }, { locked: false }]);
  });

  test('formsFor lists what a principal may use on a person, where; accountsOf shows the live status', async () => {
    const forms = await h.hd.formsFor(helpdesk, '1');
    assert.deepEqual(forms.map((f) => f.id), ['reset', 'reset-generated', 'unlock', 'edit', 'lost-laptop']);
    assert.deepEqual(forms[0]?.targets, ['mem']);
    assert.deepEqual((await h.hd.formsFor(helpdesk, '3')).map((f) => f.id), ['reset', 'unlock', 'edit', 'lost-laptop'], 'reset-generated is scoped to Sales');
    assert.deepEqual(await h.hd.formsFor(helpdesk, '2'), [], 'a protected account offers no form');
    assert.deepEqual((await h.hd.formsFor({ id: 'gina', role: 'admin', groups: ['group-admins'] }, '1')).map((f) => f.id).includes('groups'), true, 'an OIDC group grants the groups form');
    assert.deepEqual(await h.hd.formsFor({ id: 'gina', role: 'auditor', groups: ['group-admins'] }, '1'), [], 'auditors are read only, whatever their groups');
    const [acct] = await h.hd.accountsOf('1');
    assert.equal(acct?.status?.locked, false);
    assert.equal(acct?.enabled, true);
  });
});
