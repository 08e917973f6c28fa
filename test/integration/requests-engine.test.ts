/**
 * Catalogue requests in the engine on SQLite (store and a SQL-table target, Personio simulator, SMTP test server):
 * a manager requests an item for a report, the owner approves, the next sync grants it (read back from the target's
 * table); at the end date the tick expires it and the plan revokes it naming the request; scope, self-approval,
 * separation of duties and "a rule grants it already" are refused and audited; an undecided request is denied at
 * its deadline and the requester gets a mail. The audit chain verifies at the end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { verifyChain } from '../../src/audit/verify.js';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { openEngine, type Engine } from '../../src/engine/engine.js';
import { explainStored } from '../../src/engine/person-view.js';
import { cancelRequest, createRequest, decide, delegate, inbox, type RequestPrincipal } from '../../src/engine/requests/service.js';
import { requestTick } from '../../src/engine/requests/tick.js';
import { fullSync } from '../../src/engine/sync.js';
import { addUser } from '../../src/engine/web-users.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const people: EmployeeSpec[] = [
  { id: 1, first: 'Sina', last: 'Sales', department: 'Sales', office: 'Berlin', supervisorId: 3 },
  { id: 2, first: 'Sven', last: 'Sales', department: 'Sales', office: 'Berlin', supervisorId: 4 },
  { id: 3, first: 'Bea', last: 'Boss', department: 'Board', office: 'Berlin', supervisorId: 4 },
  { id: 4, first: 'Cleo', last: 'Chief', department: 'Board', office: 'Berlin' },
];

const extra = (smtpPort: number) => `notifications:
  smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, from: "cadre@example.com", insecure: true }
catalog:
  items:
    - id: finance
      name: { en: Finance tool, de: Finanzwerkzeug }
      target: erp
      entitlement: "role:finance"
      owner: olga
      approval: { stages: [{ by: owner }], deadline: 3d }
      duration: { kind: maxDays, maxDays: 30 }
      incompatibleWith: [audit]
    - { id: sales-tool, name: Sales tool, target: erp, entitlement: "role:finance", owner: olga, approval: { stages: [{ by: owner }] }, revokeOnChange: [department] }
    - { id: audit, name: Audit, target: erp, entitlement: "role:finance", owner: olga, approval: { stages: [{ by: owner }] } }
    - { id: staff, name: Staff, target: erp, entitlement: "role:staff", owner: olga, approval: { stages: [{ by: owner }], justification: false } }
    - id: two
      name: Two approvers
      target: erp
      entitlement: "role:finance"
      owner: olga
      approval: { stages: [{ by: manager }, { by: approvers, approvers: [olga, piet], mode: all }], deadline: 1d }
`;

describe('catalogue requests in the engine (SQLite)', () => {
  let dir: string;
  let engine: Engine;
  let personio: Awaited<ReturnType<typeof startPersonioSimulator>>;
  let smtp: TestSmtpServer;
  let clock = new Date('2026-12-01T10:00:00.000Z');
  const bea: RequestPrincipal = { id: '3', personId: '3', role: 'manager' };
  const cleo: RequestPrincipal = { id: '4', personId: '4', role: 'manager' };
  const olga: RequestPrincipal = { id: 'olga', role: 'helpdesk' };
  const piet: RequestPrincipal = { id: 'piet', role: 'auditor' };
  const roles = (pid: string): string[] => {
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      return (db.prepare('SELECT r.role FROM account_roles r JOIN accounts a ON a.id = r.account_id WHERE a.employee_id = ? ORDER BY r.role').all(pid) as { role: string }[]).map((r) => r.role);
    } finally {
      db.close();
    }
  };
  const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-requests-engine-'));
    personio = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    smtp = await startSmtpServer();
    engine = await openEngine(await loadConfigOrThrow(writeEngineConfig({ dir, personioUrl: personio.url, extra: extra(smtp.port) })), { now: () => clock });
    await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    assert.deepEqual(roles('1'), ['role:sales', 'role:staff']);
  });
  after(async () => {
    await engine?.close();
    await personio?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('request → owner approves → sync grants it (explained) → end date passes → expired and revoked, naming the request', async () => {
    assert.equal(await code(createRequest(engine, bea, { itemId: 'finance', personId: '1', justification: '' })), 'REQUEST_JUSTIFICATION');
    assert.equal(await code(createRequest(engine, bea, { itemId: 'finance', personId: '1', justification: 'month end', endDate: '2027-02-01' })), 'REQUEST_END_DATE_TOO_LATE');
    const r = await createRequest(engine, bea, { itemId: 'finance', personId: '1', justification: 'month end', endDate: '2026-12-10' });
    assert.equal(r.status, 'pending');
    assert.deepEqual((await inbox(engine, olga)).map((x) => x.id), [r.id]);
    assert.deepEqual(await inbox(engine, bea), [], 'the requester is no approver here');
    assert.equal(await code(decide(engine, bea, r.id, 'approve', 'me')), 'REQUEST_SELF_APPROVAL');
    assert.equal(await code(decide(engine, piet, r.id, 'approve', '')), 'REQUEST_NOT_APPROVER');
    const ok = await decide(engine, olga, r.id, 'approve', 'fine');
    assert.equal(ok.status, 'approved');
    const sync = await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    const grant = sync.prepared.plan.operations.find((o) => o.action === 'grant');
    assert.equal(grant?.entitlement, 'role:finance');
    assert.deepEqual(grant?.reason, { kind: 'request', source: `#${r.id}`, detail: `request #${r.id}, approved by olga on 2026-12-01, expires 2026-12-10` });
    assert.deepEqual(roles('1'), ['role:finance', 'role:sales', 'role:staff']);
    const ex = await explainStored(engine, '1');
    assert.ok(ex.targets[0]?.entitlements.some((g) => g.name === 'role:finance' && g.kind === 'request' && g.held));
    // Separation of duties and "a rule grants it" refuse, with the reason, and nothing is stored.
    await assert.rejects(createRequest(engine, bea, { itemId: 'audit', personId: '1', justification: 'x' }), (e: Error & { code?: string }) => e.code === 'REQUEST_SOD' && /incompatible with finance/.test(e.message));
    await assert.rejects(createRequest(engine, bea, { itemId: 'staff', personId: '1', justification: '' }), (e: Error & { code?: string }) => e.code === 'REQUEST_ALREADY_GRANTED' && /a rule already grants role:staff/.test(e.message));
    // The end date passes: the tick expires it, the sync revokes it and says why.
    clock = new Date('2026-12-11T10:00:00.000Z');
    assert.deepEqual((await requestTick(engine, 'test')).expired, [r.id]);
    const gone = await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    const revoke = gone.prepared.plan.operations.find((o) => o.action === 'revoke');
    assert.equal(revoke?.entitlement, 'role:finance');
    assert.equal(revoke?.reason.kind, 'request');
    assert.match(revoke?.reason.detail ?? '', new RegExp(`request #${r.id}.*ended: expired on 2026-12-10`));
    assert.deepEqual(roles('1'), ['role:sales', 'role:staff']);
  });

  test('manager scope: a person outside the team is refused (audited); transitive reports are in scope', async () => {
    assert.equal(await code(createRequest(engine, bea, { itemId: 'finance', personId: '2', justification: 'x', endDate: '2026-12-20' })), 'REQUEST_SCOPE');
    const refusals = await engine.store.audit.query({ event: 'request.created.refused', personId: '2' }, { limit: 10 });
    assert.ok(JSON.stringify(refusals).includes('REQUEST_SCOPE'));
    const r = await createRequest(engine, cleo, { itemId: 'finance', personId: '1', justification: 'transitive', endDate: '2026-12-20' });
    assert.equal((await cancelRequest(engine, cleo, r.id)).status, 'cancelled');
  });

  test('revokeOnChange: a department change revokes the request (audited) and the plan names it', async () => {
    const r = await createRequest(engine, bea, { itemId: 'sales-tool', personId: '1', justification: 'crm' });
    await decide(engine, olga, r.id, 'approve', '');
    await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    assert.ok(roles('1').includes('role:finance'));
    assert.deepEqual((await requestTick(engine, 'test')).revoked, [], 'nothing changed yet');
    personio.company.upsert(employee({ ...(people[0] as EmployeeSpec), department: 'Marketing' }));
    // The sync that sees the change revokes at once (not one tick later, after the request tick).
    const s = await fullSync(engine, { actor: 'test', at: clock.toISOString() });
    const revoke = s.prepared.plan.operations.find((o) => o.action === 'revoke' && o.entitlement === 'role:finance');
    assert.match(revoke?.reason.detail ?? '', /ended: revoked: department changed \(Sales → Marketing\)/);
    assert.ok(!roles('1').includes('role:finance'));
    assert.deepEqual((await requestTick(engine, 'test')).revoked, [r.id]);
    assert.match((await engine.store.requests.get(r.id))?.note ?? '', /department changed \(Sales → Marketing\)/);
    const after = await fullSync(engine, { actor: 'test', at: new Date(clock.getTime() + 1000).toISOString() });
    assert.equal(after.prepared.plan.operations.filter((o) => o.entitlement === 'role:finance').length, 0, 'nothing more to do once the tick recorded it');
    personio.company.upsert(employee(people[0] as EmployeeSpec));
    await fullSync(engine, { actor: 'test', at: new Date(clock.getTime() + 2000).toISOString() });
  });

  test('stages: manager then all of olga and piet (piet by delegation); a deadline without decision denies and mails the requester', async () => {
    const r = await createRequest(engine, cleo, { itemId: 'two', personId: '2', justification: 'two stages' });
    assert.equal(await code(decide(engine, olga, r.id, 'approve', '')), 'REQUEST_NOT_APPROVER', 'stage 1 is the manager (Cleo is the requester and manager: refused too)');
    const undecided = await createRequest(engine, cleo, { itemId: 'two', personId: '3', justification: 'deadline' });
    // Cleo is Bea's manager and the requester: self-approval refused; the deadline passes.
    assert.equal(await code(decide(engine, cleo, undecided.id, 'approve', '')), 'REQUEST_SELF_APPROVAL');
    const before = smtp.messages.length;
    clock = new Date('2026-12-12T11:00:00.000Z');
    const t = await requestTick(engine, 'test');
    assert.deepEqual(t.denied.sort(), [r.id, undecided.id].sort());
    assert.equal((await engine.store.requests.get(undecided.id))?.status, 'denied-deadline');
    const mails = await smtp.waitFor(before + 1, 10_000);
    assert.ok(mails.slice(before).some((m) => m.text?.includes(`#${undecided.id}`) && m.text.includes('denied') && m.text.includes('/requests/')), 'the requester is told, with a console link');
    // Delegation: olga lets piet (a console user) decide for her for a week; a name that is nobody is refused.
    assert.equal(await code(delegate(engine, olga, 'pieet', '2026-12-19T00:00:00.000Z')), 'REQUEST_DELEGATE_UNKNOWN');
    await addUser(engine, { username: 'piet', role: 'auditor', password: 'correct horse battery staple', actor: 'test' });
    await delegate(engine, olga, 'piet', '2026-12-19T00:00:00.000Z');
    assert.equal((await engine.store.requests.delegations()).length, 1);
    assert.equal((await verifyChain(engine.store)).ok, true);
  });
});
