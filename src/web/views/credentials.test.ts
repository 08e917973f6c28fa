import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../i18n/index.js';
import { credentialsView, revealView } from './credentials.js';

const EVIL = '<img src=x onerror=alert(1)>';
const cred = { id: 'a"b', personId: '7', target: EVIL, login: EVIL, kind: 'tap' as const, validFrom: '2026-12-13T23:00:00.000Z', expiresAt: '2026-12-21T23:00:00.000Z', createdAt: '2026-12-02T10:00:00.000Z' };

test('credential pages escape HR and target values and the credential itself; ids are URL-encoded in form actions', () => {
  for (const lang of ['en', 'de'] as const) {
    const t = translator(lang);
    const list = credentialsView({ waiting: [{ ...cred, personName: EVIL, hireDate: '2026-12-14' }], csrf: 'tok', timeZone: 'Europe/Berlin', showForDays: 7 }, t).text;
    const shown = revealView({ name: EVIL, credential: cred, value: '<b>&"pass', timeZone: 'Europe/Berlin' }, t).text;
    for (const page of [list, shown]) {
      assert.ok(!page.includes('<img'), 'no raw markup');
      assert.ok(page.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt;'));
    }
    assert.ok(list.includes('action="/credentials/a%22b/reveal"'));
    assert.ok(!shown.includes('<b>&'), 'the value is escaped too');
    assert.ok(list.includes('2026-12-14 00:00:00'), 'usable from, in local time');
    const gone = revealView({ name: 'x', problem: 'gone', timeZone: 'Europe/Berlin' }, t).text;
    assert.ok(!gone.includes('class="secret"'));
  }
});
