/**
 * An e-mail address HR gives one person is never allocated to another, even where no target lists it (a mailbox
 * outside Cadre's targets). Found by a new-user run: person 36 got thomas.schmidt2@…, person 35's HR address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CreateOperation, Plan } from '../../src/core/model.js';
import { startPersonioSimulator } from '../../src/sources/personio/simulator/index.js';
import { runCli } from '../support/cli.js';
import { writeEngineConfig } from '../support/engine-config.js';
import { employee } from '../support/personio-fixture.js';

let dir: string;
let config: string;
let sim: Awaited<ReturnType<typeof startPersonioSimulator>>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadre-hr-email-'));
  sim = await startPersonioSimulator({ port: 0, host: '127.0.0.1', employees: [
    employee({ id: 1, first: 'Anna', last: 'Müller', office: 'Berlin' }),
    employee({ id: 2, first: 'Bob', last: 'Other', office: 'Berlin', email: 'Anna.Mueller@example.com' }),
    employee({ id: 3, first: 'Cara', last: 'Self', office: 'Berlin', email: 'cara.self@example.com' }),
  ] });
  config = writeEngineConfig({ dir, personioUrl: sim.url });
});
after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("another person's HR e-mail is taken; one's own HR e-mail is one's to get", async () => {
  const r = await runCli(['plan', '--json', '--at', '2026-06-15T10:00:00Z', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as Plan;
  const mail = (pid: string): unknown => plan.operations.find((o): o is CreateOperation => o.action === 'create' && o.personId === pid)?.changes.find((c) => c.attribute === 'mail')?.to;
  assert.equal(mail('1'), 'a.mueller@example.com', "anna.mueller@ is Bob's address in HR (case-insensitive)");
  assert.equal(mail('3'), 'cara.self@example.com');
  assert.equal(mail('2'), 'bob.other@example.com');
});
