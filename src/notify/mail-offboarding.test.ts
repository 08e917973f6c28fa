/** The leaver mail of the offboarding steps: the step list and the home-folder handover, in English and German, escaped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LeaverMail } from './mail-model.js';
import { renderMail } from './mail-render.js';

const mail: LeaverMail = {
  kind: 'leaver', person: { id: '3', name: 'Lea <Weg>' }, endDate: '2026-06-16', deleteOn: '2026-07-22',
  disabled: [{ target: 'ad', login: 'lea.weg' }], steps: ['entra: sign-in sessions revoked', 'hook: called <now>'], homeFolder: '\\\\fs1\\home\\lea.weg',
};

test('the leaver mail lists the offboarding steps and hands the home folder over (en, de)', () => {
  const en = renderMail(mail, 'en');
  assert.match(en.text, /Offboarding steps/);
  assert.match(en.text, /entra: sign-in sessions revoked/);
  assert.ok(en.text.includes('The home folder \\\\fs1\\home\\lea.weg is handed over to you'));
  assert.ok(en.html.includes('hook: called &lt;now&gt;'), 'escaped in HTML');
  const de = renderMail(mail, 'de');
  assert.match(de.text, /Austrittsschritte/);
  assert.ok(de.text.includes('Der Basisordner \\\\fs1\\home\\lea.weg wird Ihnen übergeben'));
  const plain = renderMail({ ...mail, steps: undefined, homeFolder: undefined } as LeaverMail, 'en');
  assert.doesNotMatch(plain.text, /Offboarding steps|home folder/);
});
