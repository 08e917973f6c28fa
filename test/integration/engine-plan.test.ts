/**
 * End to end through the real CLI: Personio simulator → cadre plan/sync → SQL table (SQLite).
 * Covers the hard-names fixture, lifecycle timing, movers, name and office changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { CreateOperation, Operation, Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee, type EmployeeSpec } from '../support/personio-fixture.js';

const AT = '2026-06-15T10:00:00Z';
const day = (offset: number) => new Date(Date.parse(AT) + offset * 86_400_000).toISOString().slice(0, 10);

const people: EmployeeSpec[] = [
  { id: 1, first: 'Jürgen', last: 'Müller', department: 'Finance', office: 'Berlin' },
  { id: 2, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Berlin', supervisorId: 1 },
  { id: 3, first: 'Jürgen', last: 'Müller', department: 'Sales', office: 'Hamburg', supervisorId: 1 },
  { id: 4, first: 'Björn', last: 'Weiß-Großmann', department: 'Finance', office: 'München' },
  { id: 5, first: 'Élodie', last: 'Chénier', department: 'Sales', office: 'Berlin' },
  { id: 6, first: 'Дмитрий', last: 'Иванов', department: 'Sales', office: 'Berlin' },
  { id: 7, first: 'Seán', last: "O'Brien", department: 'Sales', office: 'Berlin' },
  { id: 8, first: 'Hans', last: 'Meier, Jr.', office: 'Berlin' },
  { id: 9, first: 'Paul (Pauli)', last: 'Schmidt', office: 'Berlin' },
  { id: 10, first: 'Kai*', last: 'Lutz+Partner', office: 'Berlin' },
  { id: 11, first: '  Lena ', last: ' Vogel  ', office: 'Berlin' },
  { id: 12, first: 'Maximiliane-Friederike', last: 'von Hohenzollern-Sigmaringen-Hechingen', office: 'Berlin' },
  { id: 13, first: 'Ohne', last: null, office: 'Berlin' },
  { id: 14, first: 'Paula', last: 'Prehire', office: 'Berlin', hireDate: day(5), status: 'onboarding' },
  { id: 15, first: 'Fritz', last: 'Fernzukunft', office: 'Berlin', hireDate: day(200), status: 'onboarding' },
  { id: 16, first: 'Lara', last: 'Urlaub', office: 'Berlin', status: 'leave' },
  { id: 17, first: 'Gerd', last: 'Geher', office: 'Berlin', department: 'Finance', terminationDate: day(3) },
];

const creates = (plan: Plan, target = 'erp'): CreateOperation[] => plan.operations.filter((o): o is CreateOperation => o.action === 'create' && o.target === target);
const to = (op: Operation, attribute: string) => op.changes.find((c) => c.attribute === attribute)?.to;

describe('engine: plan and sync against the Personio simulator and a SQL table', () => {
  let dir: string;
  let config: string;
  let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cadre-engine-'));
    sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: people.map(employee) });
    config = writeEngineConfig({ dir, personioUrl: sim.url });
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('hard names: unique ASCII identifiers within limits, Unicode display names, per-person errors, lifecycle', async () => {
    const r = await runCli(['plan', '--json', '--at', AT, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as Plan;
    const byPerson = new Map(creates(plan).map((o) => [o.personId, o]));
    const valid = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 17].map(String);
    assert.deepEqual([...byPerson.keys()].sort(), [...valid].sort(), 'one create per valid, due person');
    const usernames = valid.map((id) => String(to(byPerson.get(id) as Operation, 'username')));
    const mails = valid.map((id) => String(to(byPerson.get(id) as Operation, 'mail')).toLowerCase());
    for (const u of usernames) assert.match(u, /^[a-z0-9._-]{1,20}$/, `username ${u}`);
    for (const m of mails) assert.match(m, /^[a-z0-9._-]+@example\.com$/, `mail ${m}`);
    assert.equal(new Set(usernames).size, usernames.length, 'usernames unique');
    assert.equal(new Set(mails).size, mails.length, 'mails unique');
    assert.equal(to(byPerson.get('1') as Operation, 'username'), 'juergen.mueller');
    assert.equal(to(byPerson.get('2') as Operation, 'username'), 'jmueller');
    assert.notEqual(to(byPerson.get('3') as Operation, 'username'), 'jmueller');
    assert.match(String(to(byPerson.get('4') as Operation, 'username')), /^bjoern\.weiss-gross|^bweiss/);
    assert.match(String(to(byPerson.get('6') as Operation, 'username')), /^[a-z]/);
    assert.equal(to(byPerson.get('1') as Operation, 'displayName'), 'Jürgen Müller');
    assert.equal(to(byPerson.get('6') as Operation, 'displayName'), 'Дмитрий Иванов');
    assert.equal(to(byPerson.get('7') as Operation, 'displayName'), "Seán O'Brien");
    assert.equal(to(byPerson.get('11') as Operation, 'displayName'), 'Lena Vogel');
    const problem = plan.problems.find((p) => p.personId === '13');
    assert.ok(problem, 'invalid record reported');
    assert.match(problem.messages.join(' '), /last name/i);
    assert.equal(byPerson.get('14')?.enabled, false, 'pre-hire account created disabled');
    assert.equal(byPerson.get('16')?.enabled, true, 'people on leave keep an enabled account (leave: keep)');
    assert.equal(byPerson.get('1')?.enabled, true);
    assert.ok(!plan.operations.some((o) => o.personId === '15'), 'far-future hire gets nothing yet');
    const grants = plan.operations.filter((o) => o.action === 'grant' && o.personId === '1').map((o) => o.entitlement).sort();
    assert.deepEqual(grants, ['role:finance', 'role:staff']);
  });

  test('sync creates rows; pre-hire enables on day 1; leaver disabled after the end of the last day', async () => {
    const r = await runCli(['sync', '--at', AT, '--config', config]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      const rows = db.prepare('select employee_id, username, display_name, active, location from accounts').all() as { employee_id: string; username: string; display_name: string; active: number; location: string }[];
      assert.equal(rows.length, 15);
      const row = (id: string) => rows.find((x) => x.employee_id === id);
      assert.equal(row('1')?.display_name, 'Jürgen Müller');
      assert.equal(row('4')?.location, 'munich');
      assert.equal(Number(row('14')?.active), 0);
    } finally {
      db.close();
    }
    const again = await runCli(['plan', '--json', '--at', AT, '--config', config]);
    const noChange = JSON.parse(again.stdout) as Plan;
    assert.deepEqual(noChange.operations.filter((o) => o.target === 'erp'), [], 'a second plan at the same time is empty');

    const dayOne = JSON.parse((await runCli(['plan', '--json', '--at', `${day(5)}T06:00:00Z`, '--config', config])).stdout) as Plan;
    assert.ok(dayOne.operations.some((o) => o.personId === '14' && o.action === 'enable'), 'pre-hire enabled on the hire date');
    const lastDay = JSON.parse((await runCli(['plan', '--json', '--at', `${day(3)}T21:30:00Z`, '--config', config])).stdout) as Plan;
    assert.ok(!lastDay.operations.some((o) => o.personId === '17' && o.action === 'disable'), 'still enabled at 23:30 Berlin time on the last day');
    const afterEnd = JSON.parse((await runCli(['plan', '--json', '--at', `${day(3)}T22:30:00Z`, '--config', config])).stdout) as Plan;
    assert.ok(afterEnd.operations.some((o) => o.personId === '17' && o.action === 'disable'), 'disabled after the end of the last day');
    // Still enabled past end date + retention: disabled first, never deleted in one step (issue 7, §3).
    const late = JSON.parse((await runCli(['plan', '--json', '--at', `${day(40)}T10:00:00Z`, '--config', config])).stdout) as Plan;
    assert.deepEqual(late.operations.filter((o) => o.personId === '17').map((o) => o.action), ['disable']);
    assert.equal((await runCli(['sync', '--at', `${day(3)}T22:30:00Z`, '--config', config])).code, 0);
    const early = JSON.parse((await runCli(['plan', '--json', '--at', `${day(33)}T10:00:00Z`, '--config', config])).stdout) as Plan;
    assert.ok(!early.operations.some((o) => o.personId === '17'), 'no delete before retentionDays from the disable');
    const gone = JSON.parse((await runCli(['plan', '--json', '--at', `${day(34)}T10:00:00Z`, '--config', config])).stdout) as Plan;
    assert.ok(gone.operations.some((o) => o.personId === '17' && o.action === 'delete'), 'deleted retentionDays after Cadre disabled it');
  });

  test('mover, marriage and office move give exactly the needed operations', async () => {
    sim.company.upsert(employee({ ...people[0] as EmployeeSpec, department: 'Sales' }));
    sim.company.upsert(employee({ ...people[4] as EmployeeSpec, last: 'Dupont' }));
    sim.company.upsert(employee({ ...people[3] as EmployeeSpec, office: 'Hamburg' }));
    const r = await runCli(['plan', '--json', '--at', AT, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as Plan;
    const ops = (id: string) => plan.operations.filter((o) => o.personId === id && o.target === 'erp');
    const mover = ops('1');
    assert.deepEqual(mover.filter((o) => o.action === 'grant').map((o) => o.entitlement), ['role:sales']);
    assert.deepEqual(mover.filter((o) => o.action === 'revoke').map((o) => o.entitlement), ['role:finance']);
    assert.ok(!mover.some((o) => o.action === 'create' || o.action === 'delete'));
    const married = ops('5');
    const update = married.find((o) => o.action === 'update');
    assert.ok(update, 'name change updates the account');
    assert.equal(to(update, 'displayName'), 'Élodie Dupont');
    assert.equal(to(update, 'mail'), 'elodie.dupont@example.com');
    assert.match(String(to(update, 'aliases')), /elodie\.chenier@example\.com/);
    const moved = ops('4');
    assert.ok(moved.some((o) => o.action === 'move' && o.changes.some((c) => c.to === 'hamburg')), 'office change gives a move');
    const applied = await runCli(['sync', '--at', AT, '--config', config]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const db = new Database(join(dir, 'erp.db'), { readonly: true });
    try {
      const roles = db.prepare("select r.role from account_roles r join accounts a on a.id = r.account_id where a.employee_id = '1' order by r.role").all() as { role: string }[];
      assert.deepEqual(roles.map((x) => x.role), ['role:sales', 'role:staff']);
    } finally {
      db.close();
    }
    const verify = await runCli(['audit', 'verify', '--config', config]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
