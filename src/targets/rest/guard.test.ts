import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRestTargetOptions } from './guard.js';
import { renderBody } from './template.js';

const base = {
  baseUrl: 'https://hooks.example.com/api', secret: 'a-long-enough-secret',
  list: { url: '/users', itemsPath: 'items' },
  actions: { create: { method: 'POST', url: '/users', body: '{{ account }}' }, update: { method: 'PATCH', url: '/users/{{ anchor }}', body: '{{ attributes }}' } },
};

test('rest options: defaults for paging, paths and retries', () => {
  const o = parseRestTargetOptions('hooks', base);
  assert.equal(o.anchorPath, 'id');
  assert.equal(o.list.pageSize, 100);
  assert.deepEqual(o.retry, { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 });
});

test('rest options: list is required, enable/disable and grant/revoke come in pairs, errors name the path', () => {
  const { list: _list, ...noList } = base;
  assert.throws(() => parseRestTargetOptions('hooks', noList), /targets\.hooks\.options\.list/);
  const halfEnable = { ...base, actions: { ...base.actions, enable: { method: 'PATCH', url: '/u/{{ anchor }}' } } };
  assert.throws(() => parseRestTargetOptions('hooks', halfEnable), /enable and disable together/);
  const halfGrant = { ...base, actions: { ...base.actions, revoke: { method: 'DELETE', url: '/u/{{ anchor }}/g/{{ entitlement }}' } } };
  assert.throws(() => parseRestTargetOptions('hooks', halfGrant), /grant and revoke together/);
});

test('body template: a lone {{ expr }} naming an object sends the object, JSON-escaped', () => {
  assert.equal(renderBody('{{ attributes }}', { attributes: { title: 'A "quoted" title' } }), '{"title":"A \\"quoted\\" title"}');
  assert.equal(renderBody({ on: '{{ enabled }}' }, { enabled: false }), '{"on":false}');
});

test('cadre validate checks rest options at config time; an env: secret is left to secret resolution', async () => {
  const { checkTargetOptions } = await import('../../config/target-options.js');
  type Config = Parameters<typeof checkTargetOptions>[0];
  const config = (options: Record<string, unknown>): Config => ({ targets: { hooks: { type: 'rest', options, attributes: {} } } }) as unknown as Config;
  assert.deepEqual(checkTargetOptions(config({ ...base, secret: 'env:HOOKS_SECRET' })), []);
  const problems = checkTargetOptions(config({ ...base, list: undefined }));
  assert.ok(problems.some((p) => p.path.join('.') === 'targets.hooks.options.list'), JSON.stringify(problems));
});
