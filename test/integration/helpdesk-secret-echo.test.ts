/**
 * A target that echoes the password in its error (some SCIM and REST services put the rejected value in `detail`)
 * must not get it into the helpdesk's error, the audit trail or the store: the service scrubs it wherever the
 * connector's text goes. SQLite store, the in-memory reference target with its reset answering like such a service.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OperationResult } from '../../src/targets/contract.js';
import { helpdesk, openHelpdeskHarness, type HelpdeskHarness } from '../support/helpdesk-memory.js';

describe('helpdesk reset: a password echoed by the target stays out of errors, audit and store', () => {
  let h: HelpdeskHarness;
  before(async () => { h = await openHelpdeskHarness(); });
  after(async () => { await h.close(); });

  const typed = 'Canary-Echo-4711!x';
  const stored = (): string => readdirSync(h.dir).map((f) => readFileSync(join(h.dir, f)).toString('latin1')).join('\n');

  test('a failed result whose message quotes the password', async () => {
    const conn = h.engine.targets.get('mem') as { resetPassword?: (a: string, p: string) => Promise<OperationResult> };
    const original = conn.resetPassword;
    try {
      conn.resetPassword = async (_a, p) => ({ ok: false, error: { code: 'SCIM_INVALID_REQUEST', message: `PATCH /Users/x: 400 (password '${p}' is in the breach list)`, transient: false } });
      const err = await h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: typed }).then(() => undefined, (e: unknown) => e as Error);
      assert.ok(err, 'the reset fails');
      assert.ok(!err.message.includes(typed), err.message);
      assert.match(err.message, /breach list/, 'the rest of the reason is kept');
      conn.resetPassword = async (_a, p) => { throw new Error(`connection reset while sending {"password":"${p}"}`); };
      const thrown = await h.hd.resetPassword({ principal: helpdesk, formId: 'reset', personId: '1', password: typed }).then(() => undefined, (e: unknown) => e as Error);
      assert.ok(thrown);
      assert.ok(!thrown.message.includes(typed), thrown.message);
      // Generated passwords too: the echo is checked in the trail, where the value is unknown to the test.
      let generated = '';
      conn.resetPassword = async (_a, p) => { generated = p; return { ok: false, error: { code: 'X', message: `rejected ${p}`, transient: false } }; };
      await assert.rejects(h.hd.resetPassword({ principal: helpdesk, formId: 'reset-generated', personId: '1' }));
      assert.ok(generated.length > 8);
      const rows = JSON.stringify(await h.auditRows());
      for (const pw of [typed, generated]) {
        assert.ok(!rows.includes(pw), 'audit rows carry no password');
        assert.ok(!stored().includes(pw), 'the SQLite files carry no password');
      }
    } finally {
      conn.resetPassword = original;
    }
  });
});
