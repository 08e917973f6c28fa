import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from '../../core/model.js';
import { translator } from '../i18n/index.js';
import { peopleView } from './people.js';
import { requestsView } from './requests.js';

const EVIL = '<img src=x onerror=alert(1)>';
const person = (id: string, over: Partial<Person> = {}): Person => ({ id, firstName: EVIL, lastName: 'X', status: 'active', costCenters: [], custom: {}, department: EVIL, position: EVIL, ...over });

test('My people and the request picker escape every value from HR and the targets; ids are URL-encoded in links', () => {
  for (const lang of ['en', 'de'] as const) {
    const t = translator(lang);
    const page = peopleView({
      canRequest: true,
      page: {
        offset: 0, limit: 25, total: 2, people: [
          { person: person('1"x'), depth: 1, access: [{ target: 'ad', entitlement: EVIL, why: 'rule', source: EVIL, detail: EVIL, held: true }] },
          { person: person('2'), depth: 2, manager: person('1"x'), access: [], error: EVIL },
        ],
      },
    }, t).text;
    const form = requestsView({
      inbox: [], mine: [], items: [{ id: 'a', name: EVIL }], csrf: 'tok',
      picker: { q: EVIL, candidates: [{ id: '1"x', name: EVIL, detail: EVIL }], total: 1, selected: '1"x' },
      delegations: { given: [{ approver: 'me', delegate: EVIL, from: '2026-12-01T00:00:00.000Z', until: '2026-12-08T00:00:00.000Z' }], received: [] },
    }, t).text;
    for (const html of [page, form]) {
      assert.ok(!html.includes('<img'), 'no raw markup');
      assert.ok(html.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt;'));
    }
    assert.ok(page.includes('href="/persons/1%22x"'));
    assert.ok(form.includes('value="1&quot;x" required checked'), 'the picked person stays picked, its id escaped');
  }
});
