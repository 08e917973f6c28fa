import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MailModel } from './mail-model.js';
import { mailLanguage } from './mail-model.js';
import { renderMail } from './mail-render.js';
import { formatDate } from './mail-text.js';

const EVIL = '<b onmouseover="x()">&</b>';
const ESC = '&lt;b onmouseover=&quot;x()&quot;&gt;&amp;&lt;/b&gt;';
const person = { id: EVIL, name: EVIL, department: EVIL, position: EVIL };
const acct = { target: EVIL, login: EVIL };
const failure = { action: EVIL, target: EVIL, personId: EVIL, code: EVIL, message: EVIL };
const entry = { personId: EVIL, name: EVIL, targets: [EVIL] };

const models: MailModel[] = [
  { kind: 'joiner', person, startDate: '2026-03-01', accounts: [acct], passwordDelivery: 'console' },
  { kind: 'password', person, startDate: '2026-03-01', account: acct, password: EVIL },
  { kind: 'leaver', person, endDate: '2026-03-01', deleteOn: '2026-06-01', disabled: [acct] },
  { kind: 'mover', person, changes: [EVIL] },
  { kind: 'failure', total: 2, failures: [failure] },
  { kind: 'blocked', breaches: [EVIL], scopes: EVIL, since: EVIL },
  { kind: 'digest', day: '2026-03-01', joiners: [entry], movers: [entry], leavers: [entry], failures: [failure], blocks: 1 },
  { kind: 'review-due', campaign: EVIL, deadline: '2026-03-01', items: 3, defaultDecision: 'keep', link: `https://cadre.example.com/reviews?${EVIL}` },
  { kind: 'review-flagged', campaign: EVIL, items: [EVIL], link: 'https://cadre.example.com/reviews/exceptions' },
];

describe('templated mails', () => {
  for (const m of models) {
    for (const lang of ['en', 'de'] as const) {
      test(`${m.kind} (${lang}): every interpolation in the HTML is escaped; no header breaks`, () => {
        const r = renderMail(m, lang, EVIL);
        assert.ok(!r.html.includes('<b '), 'no raw tag from data');
        assert.ok(!r.html.includes('onmouseover="'), 'no raw attribute from data');
        assert.ok(r.html.includes(ESC), 'the value arrives escaped');
        assert.ok(r.text.includes(EVIL), 'the text part carries the raw value');
        assert.ok(!/[\r\n]/.test(r.subject));
        assert.match(r.html, new RegExp(`<html lang="${lang}">`));
      });
    }
  }

  test('German and English differ; dates are written the German way in German', () => {
    const j = models[0] as MailModel;
    const de = renderMail(j, 'de');
    const en = renderMail(j, 'en');
    assert.match(de.subject, /^Neue Kollegin\/neuer Kollege: Konten für /);
    assert.match(en.subject, /^New colleague: accounts for /);
    assert.match(de.text, /beginnt am 01\.03\.2026/);
    assert.match(en.text, /starts on 2026-03-01/);
    assert.equal(formatDate('2026-12-24', 'de'), '24.12.2026');
    assert.equal(formatDate('2026-12-24', 'en'), '2026-12-24');
  });

  test('the joiner mail names the delivery and never a password; each delivery has its own text', () => {
    const texts = (['console', 'tap', 'mail-separate', 'none'] as const).map((passwordDelivery) => renderMail({ kind: 'joiner', person: { id: '1', name: 'A B' }, accounts: [], passwordDelivery }, 'en').text);
    assert.match(texts[0] ?? '', /shown there once/);
    assert.match(texts[1] ?? '', /Temporary Access Pass/);
    assert.match(texts[2] ?? '', /separate mail on the start date/);
    assert.doesNotMatch(texts[3] ?? '', /password/i, 'no password-managing target: not mentioned');
    assert.equal(new Set(texts).size, 4);
  });

  test('a password mail whose password was lost asks for a helpdesk reset instead of showing an empty box', () => {
    const r = renderMail({ kind: 'password', person: { id: '1', name: 'A B' }, account: { target: 'ad', login: 'ab' }, password: '' }, 'de');
    assert.match(r.text, /vom Helpdesk neu setzen/);
    assert.doesNotMatch(r.text, /VERTRAULICH: ERSTES PASSWORT/);
  });

  test('language: a template language of the person, else the default', () => {
    assert.equal(mailLanguage('de', 'en'), 'de');
    assert.equal(mailLanguage('DE', 'en'), 'de');
    assert.equal(mailLanguage('fr', 'de'), 'de');
    assert.equal(mailLanguage(undefined, 'en'), 'en');
  });
});
