import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfigText } from './load.js';
import { describeSmtp } from './schema-notifications.js';

const base = `source:
  type: personio
  clientId: id
  clientSecret: secret-value
targets:
  hr:
    type: sql
    options: { driver: sqlite, path: hr.db, table: people, key: id, correlationColumn: employee_id }
`;

test('SMTP defaults: STARTTLS required, console password delivery, English fallback', () => {
  const r = validateConfigText(`${base}notifications:\n  smtp: { host: mail.example.com, from: cadre@example.com }\n`);
  assert.deepEqual(r.problems, []);
  const n = r.config?.notifications;
  assert.equal(n?.smtp?.allowPlain, false);
  assert.equal(n?.passwordDelivery, 'console');
  assert.equal(n?.defaultLanguage, 'en');
  assert.equal(describeSmtp(n?.smtp as NonNullable<typeof n>['smtp'] & object), 'smtp mail.example.com:587, STARTTLS required');
});

test('allowPlain is explicit and explained; contradictions and port 465 without secure are problems', () => {
  const plain = validateConfigText(`${base}notifications:\n  smtp: { host: localhost, port: 25, allowPlain: true, from: cadre@example.com }\n`);
  assert.deepEqual(plain.problems, []);
  assert.match(describeSmtp(plain.config?.notifications.smtp as never), /PLAIN allowed \(allowPlain: true/);
  const both = validateConfigText(`${base}notifications:\n  smtp: { host: h, port: 465, secure: true, allowPlain: true, from: cadre@example.com }\n`);
  assert.ok(both.problems.some((p) => p.path === 'notifications.smtp.allowPlain' && /contradicts secure/.test(p.message)), JSON.stringify(both.problems));
  const p465 = validateConfigText(`${base}notifications:\n  smtp: { host: h, port: 465, from: cadre@example.com }\n`);
  assert.ok(p465.problems.some((p) => p.path === 'notifications.smtp.secure'), JSON.stringify(p465.problems));
});

test('digest: addresses only, HH:MM; passwordDelivery values', () => {
  const bad = validateConfigText(`${base}notifications:\n  digest: { to: [manager], at: "7am" }\n  passwordDelivery: mail\n`);
  const paths = bad.problems.map((p) => p.path);
  assert.ok(paths.includes('notifications.digest.at'), paths.join(','));
  assert.ok(paths.includes('notifications.passwordDelivery'), paths.join(','));
  const ok = validateConfigText(`${base}notifications:\n  digest: { to: [ops@example.com] }\n  passwordDelivery: mail-separate\n  defaultLanguage: de\n`);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.config?.notifications.digest?.at, '07:00');
  const mgr = validateConfigText(`${base}notifications:\n  digest: { to: [manager] }\n`);
  assert.ok(mgr.problems.some((p) => p.path === 'notifications.digest.to[0]'), JSON.stringify(mgr.problems));
});
