/**
 * Notifications against a real SMTP server (smtp-server on 127.0.0.1): recipients, subjects, escaped HTML, text
 * bodies, templates in English and German, STARTTLS + AUTH, TLS required unless allowPlain, a first password only in
 * the separate password mail, coded failures.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CadreConfig } from '../../src/config/schema.js';
import { createNotifier, type Notifier } from '../../src/notify/index.js';
import type { ParsedMail } from 'mailparser';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

type Notifications = CadreConfig['notifications'];

const EVIL = '<img src=x onerror=alert(1)>';
const PASSWORD = 'Vq7#tR2&x<9>Lm"p';

function memoryLog() {
  const entries: { level: string; obj: object; msg?: string }[] = [];
  return {
    entries,
    log: {
      info: (obj: object, msg?: string) => { entries.push({ level: 'info', obj, ...(msg ? { msg } : {}) }); },
      warn: (obj: object, msg?: string) => { entries.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }); },
    },
  };
}

function smtpConfig(server: TestSmtpServer, extra: Partial<NonNullable<Notifications['smtp']>> = {}): Notifications {
  return {
    smtp: { host: server.host, port: server.port, secure: false, allowPlain: false, from: 'Cadre <cadre@example.com>', insecure: true, ...extra },
    defaultLanguage: 'en', passwordDelivery: 'console', events: {},
  };
}

const htmlOf = (m: ParsedMail): string => (typeof m.html === 'string' ? m.html : '');
const addresses = (m: { to?: unknown }): string[] => {
  const to = m.to as { value: { address?: string }[] } | { value: { address?: string }[] }[] | undefined;
  const list = Array.isArray(to) ? to : to ? [to] : [];
  return list.flatMap((t) => t.value.map((v) => v.address ?? '')).sort();
};

describe('notifications over SMTP with STARTTLS and AUTH', () => {
  let server: TestSmtpServer;
  let notifier: Notifier;
  const mem = memoryLog();

  before(async () => {
    server = await startSmtpServer({ auth: { user: 'cadre', pass: 'smtp-pass-123' } });
    notifier = createNotifier(smtpConfig(server, { user: 'cadre', pass: 'smtp-pass-123' }), { log: mem.log, organisation: 'Example & Co' });
  });
  after(async () => {
    notifier.close();
    await server.close();
  });

  test('the password mail carries the marked password, escaped HTML and a text body; the joiner mail none', async () => {
    const person = { id: '1001', name: `Erika ${EVIL}`, department: 'R&D <Platform>', position: 'Engineer "Senior"' };
    const joiner = await notifier.sendMail({ to: ['manager@example.com'], lang: 'en', mail: { kind: 'joiner', person, startDate: '2025-03-01', accounts: [{ target: 'ad', login: 'erika.beispiel' }, { target: 'crm', login: `<script>alert("x")</script>` }], passwordDelivery: 'mail-separate' } });
    assert.equal(joiner.ok, true, JSON.stringify(joiner));
    const r = await notifier.sendMail({ to: ['manager@example.com'], lang: 'en', mail: { kind: 'password', person, startDate: '2025-03-01', account: { target: 'ad', login: 'erika.beispiel' }, password: PASSWORD } });
    assert.equal(r.ok, true, JSON.stringify(r));
    const [jm, mail] = await server.waitFor(2);
    assert.ok(jm && mail);
    const env = server.envelopes[1];
    assert.deepEqual(env?.to, ['manager@example.com']);
    assert.equal(env?.secure, true, 'the session must have been upgraded with STARTTLS');
    assert.equal(env?.user, 'cadre');
    assert.deepEqual(addresses(mail), ['manager@example.com']);
    assert.equal(mail.subject, `Confidential: first password for Erika ${EVIL}`);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(mail.headers.get('x-cadre-event'), 'password');
    assert.equal(r.ok && mail.messageId, r.ok ? r.messageId : undefined);

    const html = htmlOf(mail);
    assert.ok(html.includes('Erika &lt;img src=x onerror=alert(1)&gt;'), 'display name must arrive escaped');
    assert.ok(!html.includes('<img'), 'no raw <img> from data');
    assert.ok(html.includes('R&amp;D &lt;Platform&gt;'));
    assert.ok(html.includes('Engineer &quot;Senior&quot;'));
    assert.ok(html.includes('Example &amp; Co'));
    assert.ok(html.includes('CONFIDENTIAL: FIRST PASSWORD'));
    assert.ok(html.includes('Vq7#tR2&amp;x&lt;9&gt;Lm&quot;p'), 'the password itself is escaped in HTML');
    const text = mail.text ?? '';
    assert.ok(text.includes(`Erika ${EVIL}`), 'text body carries the raw name');
    assert.ok(text.includes('CONFIDENTIAL: FIRST PASSWORD'));
    assert.ok(text.includes(`ad: login erika.beispiel: ${PASSWORD}`));

    // The joiner mail: accounts and start date, how the password comes, never the password.
    const jt = jm.text ?? '';
    assert.match(jt, /starts on 2025-03-01/);
    assert.match(jt, /- ad: login erika\.beispiel/);
    assert.match(jt, /separate mail on the start date/);
    assert.ok(!jt.includes(PASSWORD) && !htmlOf(jm).includes('Vq7#tR2'));
    assert.ok(htmlOf(jm).includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(!htmlOf(jm).includes('<script'), 'no raw <script> from data');
  });

  test('German templates: subject, text and dates in German', async () => {
    const before = server.messages.length;
    const r = await notifier.sendMail({ to: ['chefin@example.com'], lang: 'de', mail: { kind: 'leaver', person: { id: '7', name: 'Max Muster' }, endDate: '2025-06-30', deleteOn: '2025-09-29', disabled: [{ target: 'ad', login: 'max.muster' }] } });
    assert.equal(r.ok, true, JSON.stringify(r));
    const [m] = (await server.waitFor(before + 1)).slice(before);
    assert.equal(m?.subject, 'Konten von Max Muster wurden deaktiviert');
    assert.match(m?.text ?? '', /letzter Tag 30\.06\.2025/);
    assert.match(m?.text ?? '', /ab dem 29\.09\.2025 gelöscht/);
    assert.match(m?.text ?? '', /Deaktiviert:\n {2}- ad: Anmeldename max\.muster/);
    assert.match(htmlOf(m as ParsedMail), /<html lang="de">/);
  });

  test('leaver and blocked mails carry no password; recipients and subjects are right', async () => {
    const before = server.messages.length;
    const leaver = await notifier.send({
      event: 'leaver',
      to: ['manager@example.com', 'it-ops@example.com', 'manager@example.com'],
      subject: 'Accounts of Erika Beispiel were disabled',
      person: { id: '1001', name: 'Erika Beispiel', endDate: '2025-09-30', department: '' },
      lines: ['phonebook: disabled'],
    });
    assert.equal(leaver.ok, true, JSON.stringify(leaver));
    const blocked = await notifier.send({
      event: 'blocked',
      to: ['it-ops@example.com'],
      subject: 'Cadre: a run was blocked',
      lines: ['disable in phonebook: 40 of 120 (limit 10%)', EVIL],
    });
    assert.equal(blocked.ok, true, JSON.stringify(blocked));
    const all = await server.waitFor(before + 2);
    const [l, b] = all.slice(before);
    assert.ok(l && b);
    assert.deepEqual(server.envelopes[before]?.to, ['manager@example.com', 'it-ops@example.com'], 'duplicates removed');
    assert.deepEqual(addresses(l), ['it-ops@example.com', 'manager@example.com']);
    assert.equal(l.subject, 'Accounts of Erika Beispiel were disabled');
    assert.ok((l.text ?? '').includes('leaves on 2025-09-30'));
    assert.ok(!(l.text ?? '').includes('Department:'), 'empty fields are left out');
    assert.deepEqual(server.envelopes[before + 1]?.to, ['it-ops@example.com']);
    assert.equal(b.subject, 'Cadre: a run was blocked');
    assert.ok((b.text ?? '').includes('disable in phonebook: 40 of 120 (limit 10%)'));
    assert.ok(htmlOf(b).includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!htmlOf(b).includes('<img'));

    // The password went out exactly once: in the joiner mail.
    const withPassword = server.messages.filter((m) => (m.text ?? '').includes(PASSWORD));
    assert.equal(withPassword.length, 1);
    assert.equal(withPassword[0]?.subject?.startsWith('Confidential: first password'), true);
    for (const m of [l, b]) {
      assert.ok(!(m.text ?? '').includes(PASSWORD) && !htmlOf(m).includes('Vq7#tR2'));
      assert.ok(!(m.text ?? '').includes('CONFIDENTIAL'));
    }
  });

  test('a secret in a legacy (untemplated) mail is refused before anything is sent', async () => {
    const count = server.messages.length;
    const r = await notifier.send({ event: 'mover', to: ['manager@example.com'], subject: 'x', lines: [], secret: { label: 'pw', value: PASSWORD } });
    assert.deepEqual(r.ok ? r : r.code, 'NOTIFY_SECRET_NOT_ALLOWED');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(server.messages.length, count);
  });

  test('header injection through subject or recipient is impossible', async () => {
    const count = server.messages.length;
    const bad = await notifier.send({ event: 'mover', to: ['manager@example.com\r\nBcc: evil@example.net'], subject: 'x', lines: [] });
    assert.equal(bad.ok ? 'ok' : bad.code, 'NOTIFY_INVALID_RECIPIENT');
    const r = await notifier.send({ event: 'mover', to: ['manager@example.com'], subject: 'Hello\r\nBcc: evil@example.net', lines: [] });
    assert.equal(r.ok, true, JSON.stringify(r));
    const all = await server.waitFor(count + 1);
    const m = all[count];
    assert.equal(m?.subject, 'Hello Bcc: evil@example.net');
    assert.deepEqual(server.envelopes[count]?.to, ['manager@example.com']);
    assert.equal(m?.bcc, undefined);
  });

  test('logs carry metadata only: no body, no password, no SMTP credentials', () => {
    const dump = JSON.stringify(mem.entries);
    assert.ok(mem.entries.some((e) => e.msg === 'notification sent'));
    for (const needle of [PASSWORD, 'Vq7#tR2', 'Erika', 'phonebook: login', 'smtp-pass-123', EVIL]) {
      assert.ok(!dump.includes(needle), `log must not contain ${needle}`);
    }
  });
});

describe('notification failures are coded results', () => {
  test('no smtp config: NOTIFY_NOT_CONFIGURED', async () => {
    const n = createNotifier({ defaultLanguage: 'en', passwordDelivery: 'console', events: {} }, { log: memoryLog().log });
    assert.equal(n.configured, false);
    const r = await n.send({ event: 'joiner', to: ['a@example.com'], subject: 's', lines: [] });
    assert.deepEqual(r, { ok: false, code: 'NOTIFY_NOT_CONFIGURED', message: 'notifications.smtp is not configured; no mail was sent' });
  });

  test('wrong SMTP password: NOTIFY_AUTH_FAILED without the password in the message', async () => {
    const server = await startSmtpServer({ auth: { user: 'cadre', pass: 'right-pass' } });
    const n = createNotifier(smtpConfig(server, { user: 'cadre', pass: 'wrong-pass-987' }), { log: memoryLog().log });
    try {
      const r = await n.send({ event: 'failure', to: ['it@example.com'], subject: 's', lines: [] });
      assert.equal(r.ok ? 'ok' : r.code, 'NOTIFY_AUTH_FAILED');
      assert.ok(!r.ok && !r.message.includes('wrong-pass-987'));
      assert.equal(server.messages.length, 0);
      const v = await n.verify();
      assert.equal(v.ok ? 'ok' : v.code, 'NOTIFY_AUTH_FAILED');
    } finally {
      n.close();
      await server.close();
    }
  });

  test('self-signed STARTTLS certificate is rejected unless insecure is set', async () => {
    const server = await startSmtpServer();
    const strict = createNotifier(smtpConfig(server, { insecure: false }), { log: memoryLog().log });
    try {
      const r = await strict.send({ event: 'failure', to: ['it@example.com'], subject: 's', lines: [] });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? 'ok' : r.code, 'NOTIFY_CONNECTION_FAILED');
      assert.equal(server.messages.length, 0);
    } finally {
      strict.close();
      await server.close();
    }
  });

  test('a server without STARTTLS is refused by default: nothing goes out in plain text', async () => {
    const server = await startSmtpServer({ startTls: false });
    const n = createNotifier(smtpConfig(server, { insecure: false }), { log: memoryLog().log });
    try {
      const r = await n.send({ event: 'mover', to: ['it@example.com'], subject: 'plain', lines: ['a'] });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? 'ok' : r.code, 'NOTIFY_CONNECTION_FAILED');
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(server.messages.length, 0);
    } finally {
      n.close();
      await server.close();
    }
  });

  test('plain SMTP with allowPlain: true works; a rejected recipient is NOTIFY_REJECTED', async () => {
    const server = await startSmtpServer({ startTls: false, rejectRecipients: ['gone@example.com'] });
    const n = createNotifier(smtpConfig(server, { insecure: false, allowPlain: true }), { log: memoryLog().log });
    try {
      const ok = await n.send({ event: 'mover', to: ['it@example.com'], subject: 'plain', lines: ['a'] });
      assert.equal(ok.ok, true, JSON.stringify(ok));
      await server.waitFor(1);
      assert.equal(server.envelopes[0]?.secure, false);
      const r = await n.send({ event: 'mover', to: ['gone@example.com'], subject: 's', lines: [] });
      assert.equal(r.ok ? 'ok' : r.code, 'NOTIFY_REJECTED');
    } finally {
      n.close();
      await server.close();
    }
  });

  test('server down: NOTIFY_CONNECTION_FAILED', async () => {
    const server = await startSmtpServer();
    const port = server.port;
    await server.close();
    const n = createNotifier({ smtp: { host: '127.0.0.1', port, secure: false, allowPlain: false, from: 'cadre@example.com', insecure: true }, defaultLanguage: 'en', passwordDelivery: 'console', events: {} }, { log: memoryLog().log });
    const r = await n.send({ event: 'failure', to: ['it@example.com'], subject: 's', lines: [] });
    assert.equal(r.ok ? 'ok' : r.code, 'NOTIFY_CONNECTION_FAILED');
    n.close();
  });
});
