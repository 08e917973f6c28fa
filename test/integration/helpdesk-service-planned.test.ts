/**
 * The helpdesk actions that run a person-scoped plan (SQLite store, memory target): edits kept by overrides until
 * they expire, form groups kept over the rules, temporary disable as a hold, waiting for the run lease, and changes
 * the plan cannot carry out reported as such.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Person } from '../../src/core/model.js';
import { createHelpdesk, HelpdeskError } from '../../src/engine/helpdesk/index.js';
import { acquireRunLease } from '../../src/engine/lease.js';
import { helpdesk, openHelpdeskHarness, PEOPLE, refused, type HelpdeskHarness } from '../support/helpdesk-memory.js';

describe('helpdesk service: edits, groups, temporary disable (SQLite store, memory target)', () => {
  let h: HelpdeskHarness;
  before(async () => { h = await openHelpdeskHarness(); });
  after(async () => { await h.close(); });

  test('edit: outside the whitelist refused; a mapped attribute becomes an override that sync keeps until it expires', async () => {
    await assert.rejects(h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { displayName: 'Hacked' } }), refused('HELPDESK_ATTRIBUTE_NOT_ALLOWED'));
    await assert.rejects(h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { telephoneNumber: 'x\u0000y' } }), refused('HELPDESK_VALUE_INVALID'));
    const anchor = await h.anchorOf('1');
    const phone = await h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { telephoneNumber: '+49 30 1234' } });
    assert.deepEqual(phone.overrides, [], 'no rule maps telephoneNumber: written once, nothing kept');
    assert.equal(h.mem.row(anchor)?.attributes['telephoneNumber'], '+49 30 1234');
    const dept = await h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '1', attributes: { department: 'Key Accounts' }, reason: 'ticket 42' });
    assert.deepEqual(dept.overrides, ['department']);
    assert.ok(dept.operations.some((o) => o.action === 'update' && o.status === 'done'));
    assert.equal(h.mem.row(anchor)?.attributes['department'], 'Key Accounts');
    const [o] = await h.engine.store.overrides.byPerson('1');
    assert.equal(o?.expiresAt, '2026-12-12');
    assert.equal(o?.actor, 'web:alice');
    assert.equal(o?.reason, 'form edit: ticket 42');
    assert.deepEqual(await h.sync(), [], 'the next sync keeps both edits');
    assert.equal(h.mem.row(anchor)?.attributes['telephoneNumber'], '+49 30 1234');
    const row = (await h.auditRows()).filter((x) => x.event === 'helpdesk.edit').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after, p.until], [{ department: 'Sales' }, { department: 'Key Accounts' }, '2026-12-12']);
    // After the last day (in Europe/Berlin), the rule's value returns.
    h.setClock('2026-12-12T23:30:00Z');
    assert.deepEqual(await h.sync(), ['1:update:department']);
    assert.equal(h.mem.row(anchor)?.attributes['department'], 'Sales');
    h.setClock('2026-12-02T10:00:00Z');
  });

  test('groups: OIDC group members only, protected groups refused, a form grant and a removal survive the next sync', async () => {
    const admin = { id: 'gina', role: 'helpdesk', groups: ['Group-Admins'] };
    await assert.rejects(h.hd.groups({ principal: helpdesk, formId: 'groups', personId: '1', add: ['GG-VPN'] }), refused('HELPDESK_FORBIDDEN'));
    await assert.rejects(h.hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['GG-Tier0'] }), refused('HELPDESK_GROUP_PROTECTED'));
    await assert.rejects(h.hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['GG-Other'] }), refused('HELPDESK_GROUP_NOT_IN_FORM'));
    const anchor = await h.anchorOf('1');
    const r = await h.hd.groups({ principal: admin, formId: 'groups', personId: '1', add: ['gg-vpn'], remove: ['GG-Sales'] });
    assert.deepEqual(r.overrides, ['entitlement:GG-VPN', 'entitlement:GG-Sales']);
    assert.deepEqual([...(h.mem.row(anchor)?.entitlements ?? [])].sort(), ['GG-All', 'GG-VPN']);
    assert.deepEqual(await h.sync(), [], 'GG-VPN is managed (GG-*) yet not revoked; GG-Sales is not granted back');
    const row = (await h.auditRows()).filter((x) => x.event === 'helpdesk.groups').at(-1);
    const p = JSON.parse(row?.payload ?? '{}');
    assert.deepEqual([p.before, p.after], [{ 'GG-VPN': false, 'GG-Sales': true }, { 'GG-VPN': true, 'GG-Sales': false }]);
    assert.equal(row?.actor, 'web:gina');
  });

  test('temporary disable is a hold: disabled now, kept by sync, enabled again by enable', async () => {
    const anchor = await h.anchorOf('3');
    await assert.rejects(h.hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: ' ' }), refused('HELPDESK_REASON_REQUIRED'));
    await assert.rejects(h.hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'x', until: '2027-06-01' }), refused('HELPDESK_TOO_LONG'));
    const r = await h.hd.disable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'lost laptop' });
    assert.equal(r.until, '2027-01-01', 'maxDays bounds an open-ended request');
    assert.equal(h.mem.row(anchor)?.enabled, false);
    assert.deepEqual(await h.sync(), [], 'the hold keeps it disabled');
    assert.equal(h.mem.row(anchor)?.enabled, false);
    const [hold] = await h.engine.store.holds.byPerson('3');
    assert.equal(hold?.disable, true);
    assert.equal(hold?.actor, 'web:alice');
    // A held person gets no edits meanwhile (they would be withheld): refused with the reason.
    await assert.rejects(h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '3', attributes: { telephoneNumber: '1' } }), refused('HELPDESK_HELD'));
    await h.hd.enable({ principal: helpdesk, formId: 'lost-laptop', personId: '3', reason: 'found it' });
    assert.equal(h.mem.row(anchor)?.enabled, true);
    await assert.rejects(h.hd.enable({ principal: helpdesk, formId: 'lost-laptop', personId: '3' }), refused('HELPDESK_NOT_DISABLED'));
    const events = (await h.auditRows()).map((x) => x.event);
    for (const e of ['helpdesk.disable', 'hold.added', 'helpdesk.enable', 'hold.removed', 'helpdesk.disable.refused', 'helpdesk.enable.refused']) assert.ok(events.includes(e), e);
  });

  test('a plan-backed action waits for a running sync\'s lease, and gives up with nothing changed when it takes too long', async () => {
    const impatient = createHelpdesk(h.engine, { waitMs: 300 });
    const before = await h.engine.store.overrides.byPerson('6');
    const lease = await acquireRunLease(h.engine, { command: 'test' });
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
    assert.deepEqual(await h.engine.store.overrides.byPerson('6'), before, 'the override was taken back');
    assert.equal((await h.auditRows()).filter((x) => x.event === 'helpdesk.edit.failed').length, 1);
    // Waiting: the call goes through once the other run gives the lease up.
    const other = await acquireRunLease(h.engine, { command: 'test' });
    const pending = h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '6', attributes: { department: 'Board' } });
    setTimeout(() => { void other.release(); }, 200);
    const r = await pending;
    assert.deepEqual(r.overrides, ['department']);
    assert.equal(h.mem.row(await h.anchorOf('6'))?.attributes['department'], 'Board');
  });

  test('an edit the plan cannot carry out is reported as not applied, never as done', async () => {
    // HR moved the hire date far out: the planner leaves the account alone, so the edit cannot happen.
    const mia = PEOPLE.find((x) => x.id === '5') as Person;
    await h.engine.store.persons.upsertMany([{ ...mia, hireDate: '2027-09-01' }]);
    try {
      await assert.rejects(h.hd.edit({ principal: helpdesk, formId: 'edit', personId: '5', attributes: { department: 'Board' } }), (e: unknown) => {
        assert.ok(e instanceof HelpdeskError);
        assert.equal(e.code, 'HELPDESK_NOT_APPLIED');
        assert.match(e.message, /nothing was planned for department in mem/);
        return true;
      });
      assert.deepEqual(await h.engine.store.overrides.byPerson('5'), [], 'the override was taken back');
      assert.notEqual(h.mem.row(await h.anchorOf('5'))?.attributes['department'], 'Board');
    } finally {
      await h.engine.store.persons.upsertMany([mia]);
    }
  });
});
