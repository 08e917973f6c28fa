/**
 * The REST target follows a listing's `next` link only on the configured service's origin: a link to another host
 * would send it a signed request (and the listing would read accounts from wherever the link points). Two real
 * HTTP servers on loopback: the service, whose `next` points at the other one, and the other, counting visits.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { targetGuard } from '../../src/config/schema.js';
import { createTarget } from '../../src/targets/registry.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const listen = async (s: Server): Promise<string> => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};
let visits = 0;
let service: Server;
let other: Server;
let otherUrl = '';
let serviceUrl = '';
before(async () => {
  other = createServer((_req, res) => { visits += 1; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ items: [{ id: 'x', externalId: 'evil' }] })); });
  otherUrl = await listen(other);
  service = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const page2 = req.url?.includes('cursor=1');
    res.end(JSON.stringify({ items: [{ id: page2 ? '2' : '1', externalId: page2 ? 'p2' : 'p1' }], next: page2 ? `${otherUrl}/steal` : '/users?cursor=1' }));
  });
  serviceUrl = await listen(service);
});
after(async () => {
  await Promise.all([service, other].map((s) => new Promise<void>((r) => s.close(() => r()))));
});

test('a next link on the same origin is followed; one to another host is refused and never visited', async () => {
  const cfg = targetGuard.parse({
    type: 'rest',
    options: {
      baseUrl: serviceUrl, secret: 'next-origin-secret-0123456789',
      list: { url: '/users?cursor=0', itemsPath: 'items', nextPath: 'next' },
      actions: { create: { method: 'POST', url: '/users', body: '{{ account }}' }, update: { method: 'PATCH', url: '/users/{{ anchor }}', body: '{{ attributes }}' }, delete: { method: 'DELETE', url: '/users/{{ anchor }}' } },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    },
    attributes: {},
  });
  const connector = await createTarget('hooks', cfg, { log: silent });
  const seen: string[] = [];
  await assert.rejects(async () => { for await (const page of connector.list()) for (const a of page) seen.push(a.anchor); },
    (e: Error & { code?: string }) => e.code === 'REST_RESPONSE_CHECK' && /another origin/.test(e.message));
  assert.deepEqual(seen, ['1', '2'], 'the same-origin page was read');
  assert.equal(visits, 0, 'the other host got no request');
});
