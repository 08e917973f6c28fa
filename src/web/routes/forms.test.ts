import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HelpdeskError } from '../../engine/helpdesk/index.js';
import { translator } from '../i18n/index.js';
import { errorText } from '../views/forms.js';
import { formError, statusOf } from './forms.js';

const err = (code: string, refused: boolean, details?: Record<string, unknown>) => new HelpdeskError(code, `m ${code}`, refused, details);

test('service errors map to HTTP statuses: bad input 400, refusals 403, unknown 404, conflicts 409, busy 503, target 502', () => {
  assert.equal(statusOf(err('HELPDESK_PASSWORD_POLICY', true)), 400);
  assert.equal(statusOf(err('HELPDESK_REASON_REQUIRED', true)), 400);
  assert.equal(statusOf(err('HELPDESK_PROTECTED', true)), 403);
  assert.equal(statusOf(err('HELPDESK_FORBIDDEN', true)), 403);
  assert.equal(statusOf(err('HELPDESK_SOMETHING_NEW', true)), 403, 'an unknown refusal is a refusal');
  assert.equal(statusOf(err('HELPDESK_PERSON_UNKNOWN', true)), 404);
  assert.equal(statusOf(err('HELPDESK_HELD', true)), 409);
  assert.equal(statusOf(err('HELPDESK_NOT_APPLIED', false)), 409);
  assert.equal(statusOf(err('HELPDESK_BUSY', false)), 503);
  assert.equal(statusOf(err('HELPDESK_TARGET_ACCESS_DENIED', false)), 502);
});

test('error texts: every code has en and de text; target codes and unknown codes still say something', () => {
  const en = translator('en');
  const de = translator('de');
  assert.equal(errorText('HELPDESK_PROTECTED', en), 'This account is protected: no helpdesk form may change it.');
  assert.match(errorText('HELPDESK_PROTECTED', de), /geschützt/);
  assert.equal(errorText('HELPDESK_TARGET_ACCESS_DENIED', en), 'The system refused or failed (ACCESS_DENIED).');
  assert.equal(errorText('NEW_CODE', de), 'Etwas ist schiefgegangen (NEW_CODE).');
  assert.deepEqual(formError(err('HELPDESK_PASSWORD_POLICY', true, { problems: ['TOO_SHORT', 3] })).problems, ['TOO_SHORT']);
});

test('every code the helpdesk service can throw has its own message (a new code needs a row in forms-en/de)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { formsEn } = await import('../i18n/forms-en.js');
  const dir = new URL('../../engine/helpdesk/', import.meta.url);
  const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => new URL(f, dir)), new URL('../../core/forms.ts', import.meta.url)];
  const codes = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(HELPDESK_[A-Z_]+)'/g)].map((m) => m[1] as string)));
  assert.ok(codes.size > 20, `found ${codes.size} codes`);
  const missing = [...codes].filter((c) => !(`forms.err.${c}` in formsEn));
  assert.deepEqual(missing, []);
});
